"""The pure core: evaluate() and the analyses, timed in-process."""

from __future__ import annotations

from bench.measure import Figure, figure, timed
from whatif import Scenario, evaluate, load_presets
from whatif.analysis import break_evens, npv_grid, simulate


def run() -> list[Figure]:
    ten_years = Scenario(horizon_years=10)
    preset = load_presets().presets.get("meta-2025")
    ranges = preset.ranges if preset else {}
    return [
        figure(
            "evaluate(), 10-year horizon",
            "µs",
            timed(lambda: evaluate(ten_years), repeat=15, number=400, scale=1e6),
            200,
        ),
        figure(
            "Monte Carlo, 10,000 draws",
            "ms",
            timed(lambda: simulate(Scenario(), ranges), repeat=15, number=5, scale=1e3),
            100,
        ),
        figure(
            "Monte Carlo, 10,000 draws, 10-year horizon",
            "ms",
            timed(lambda: simulate(ten_years, ranges), repeat=15, number=5, scale=1e3),
            100,
        ),
        figure(
            "Break-even map, 50 x 50",
            "ms",
            timed(lambda: npv_grid(Scenario()), repeat=15, number=5, scale=1e3),
            100,
        ),
        figure(
            "Break-even map, 50 x 50, growth x rate (no shared shape)",
            "ms",
            timed(
                lambda: npv_grid(ten_years, "token_growth_pct_per_year", "discount_rate_pct"),
                repeat=15,
                number=3,
                scale=1e3,
            ),
            100,
        ),
        figure(
            "Five break-evens",
            "ms",
            timed(lambda: break_evens(Scenario()), repeat=15, number=5, scale=1e3),
            50,
        ),
    ]
