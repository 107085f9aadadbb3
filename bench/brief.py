"""The one-page brief: build time in a fresh process (first call, imports included) and warm."""

from __future__ import annotations

import subprocess
import sys

from bench.measure import Figure, figure, timed
from bench.served import ROOT
from whatif import encode_link, evaluate, load_presets

# Run in a new interpreter each time: the first brief pays for Typst's and vl-convert's start.
FIRST_CALL = """
import time
start = time.perf_counter()
from bench.brief import build
build()
print(time.perf_counter() - start)
"""


def build() -> bytes:
    """The brief of meta-2025 with the price moved, as the page builds it."""
    from whatif.brief import BriefInput, brief_pdf, title_for  # noqa: PLC0415

    preset = load_presets().presets["meta-2025"]
    scenario = preset.scenario.model_copy(update={"price_per_mtok_usd": 6.0})
    return brief_pdf(
        BriefInput(
            result=evaluate(scenario),
            title=title_for(preset.name, scenario, preset.scenario),
            origin=f"the preset “{preset.name}”",
            description=preset.description,
            link="http://localhost:8501/?" + encode_link(scenario, preset.id),
            base=preset.scenario,
        )
    )


def _first_call_s() -> float:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(done.stdout.strip().splitlines()[-1])


def run() -> list[Figure]:
    return [
        figure(
            "Brief PDF, first call in a new process (imports included)",
            "s",
            [_first_call_s() for _ in range(5)],
            2.0,
        ),
        figure("Brief PDF, later calls", "ms", timed(build, repeat=7, number=2, scale=1e3)),
    ]
