"""The pure core: evaluate() and the analyses, timed in-process."""

from __future__ import annotations

from bench.measure import Figure, figure, timed
from whatif import Scenario, evaluate, load_presets
from whatif.analysis import break_evens, npv_grid, simulate
from whatif.correlations import Correlation
from whatif.scenario_sets import resolve, weigh

# Four pairs among meta-2025's ranged drivers, as a preset would state them.
CORRELATED = (
    Correlation(("price_per_mtok_usd", "tokens_per_month_t"), -0.5, "bench"),
    Correlation(("ai_capex_busd_per_year", "capex_growth_pct_per_year"), 0.6, "bench"),
    Correlation(("productivity_gain_pct", "benefit_ramp_months"), -0.3, "bench"),
    Correlation(("ad_conversion_lift_pct", "ai_capex_busd_per_year"), 0.4, "bench"),
)


def run() -> list[Figure]:
    ten_years = Scenario(horizon_years=10)
    preset = load_presets().presets.get("meta-2025")
    ranges = preset.ranges if preset else {}
    loaded = load_presets().presets
    members = [
        m for m in (resolve(i, loaded) for i in sorted(loaded)[:4]) if not isinstance(m, str)
    ]
    weights = [100 / len(members)] * len(members)
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
            "Monte Carlo, 10,000 draws, 10-year horizon, 4 correlated pairs",
            "ms",
            timed(
                lambda: simulate(ten_years, ranges, correlations=CORRELATED),
                repeat=15,
                number=5,
                scale=1e3,
            ),
            100,
        ),
        figure(
            "Scenario set of 4 presets, 10,000 draws each, pooled",
            "ms",
            timed(lambda: weigh(members, weights), repeat=7, number=3, scale=1e3),
            300,
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
            "Every business lever's break-even",
            "ms",
            timed(lambda: break_evens(Scenario()), repeat=15, number=5, scale=1e3),
            50,
        ),
    ]
