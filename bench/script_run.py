"""One full script run after a slider change under AppTest: our page against a bare one."""

from __future__ import annotations

import logging
import time

from streamlit.testing.v1 import AppTest

from bench.measure import Figure, figure
from bench.served import ROOT

RUNS = 30
WARM_UP = 5


def _runs(script: str, key: str, values: tuple[float, float]) -> list[float]:
    app = AppTest.from_file(str(ROOT / script), default_timeout=60).run()
    samples = []
    for i in range(WARM_UP + RUNS):
        app.slider(key=key).set_value(values[i % 2])
        start = time.perf_counter()
        app.run()
        samples.append((time.perf_counter() - start) * 1e3)
        if app.exception:
            raise RuntimeError(f"{script} raised: {app.exception[0].message}")
    return samples[WARM_UP:]


def run() -> list[Figure]:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    ours = _runs("streamlit_app.py", "price_per_mtok_usd", (6.0, 7.0))
    bare = _runs("bench/bare_app.py", "level", (40.0, 60.0))
    ratios = [a / b for a, b in zip(ours, bare, strict=True)]
    return [
        figure("Script run after a slider move, our page (AppTest)", "ms", ours),
        figure("Script run after a slider move, bare page (AppTest)", "ms", bare),
        figure("Script run, ours / bare", "ratio", ratios),
    ]
