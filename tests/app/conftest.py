"""AppTest fixtures: the real page script, run in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


@pytest.fixture
def page() -> Callable[..., AppTest]:
    """Run the page once with the given query parameters (a link) and return it."""

    def run(**query: str | list[str]) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in query.items():
            app.query_params[key] = value
        return app.run()

    return run
