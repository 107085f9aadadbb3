"""Driving the live headline sliders under AppTest: a message as the control sends it."""

from __future__ import annotations

import json
from itertools import count
from typing import Any, Final

from streamlit.testing.v1 import AppTest

from app.live_sliders import LIVE

_SEQ: Final = count(1)


def send(app: AppTest, message: object) -> AppTest:
    """Put `message` in the control's state, as the browser does, and run the page."""
    app.session_state[LIVE] = {"value": message}
    return app.run()


def move(app: AppTest, field: str, value: float, *, final: bool = True) -> AppTest:
    """Move one headline slider to `value` (released unless `final` is False)."""
    return send(app, {"seq": next(_SEQ), "name": field, "value": value, "final": final})


def control_data(app: AppTest) -> dict[str, Any]:
    """What the page last sent the control: {applied, values, fields}."""
    element: Any = app.get("bidi_component")[0]
    data: dict[str, Any] = json.loads(element.proto.json)
    return data
