"""One full script run after a slider change under AppTest: our page against a bare one."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from app.live_sliders import LIVE
from bench.measure import Figure, figure
from bench.served import ROOT

RUNS = 30
WARM_UP = 5


def _move_ours(app: AppTest, value: float, seq: int) -> None:
    # As the live control sends a released value (see app/live_sliders.py).
    message = {"seq": seq, "name": "price_per_mtok_usd", "value": value, "final": True}
    app.session_state[LIVE] = {"value": message}


def _move_bare(app: AppTest, value: float, seq: int) -> None:
    app.slider(key="level").set_value(value)


def _runs(
    script: str, move: Callable[[AppTest, float, int], None], values: tuple[float, float]
) -> list[float]:
    app = AppTest.from_file(str(ROOT / script), default_timeout=60).run()
    samples = []
    for i in range(WARM_UP + RUNS):
        move(app, values[i % 2], i)
        start = time.perf_counter()
        app.run()
        samples.append((time.perf_counter() - start) * 1e3)
        if app.exception:
            raise RuntimeError(f"{script} raised: {app.exception[0].message}")
    return samples[WARM_UP:]


def run() -> list[Figure]:
    # Streamlit's loggers do not propagate; setting the component's state from the test
    # thread (as AppTest does) warns about a missing script context on every run.
    for name in ("streamlit", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)
    ours = _runs("streamlit_app.py", _move_ours, (6.0, 7.0))
    bare = _runs("bench/bare_app.py", _move_bare, (40.0, 60.0))
    ratios = [a / b for a, b in zip(ours, bare, strict=True)]
    return [
        figure("Script run after a slider move, our page (AppTest)", "ms", ours),
        figure("Script run after a slider move, bare page (AppTest)", "ms", bare),
        figure("Script run, ours / bare", "ratio", ratios),
    ]
