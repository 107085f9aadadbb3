"""evaluate() against shared MODEL.md: hand-checked cases and a literal transcription."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings

from tests.strategies import scenarios
from tests.unit.reference import VERSION_1, reference
from whatif import (
    FIELDS_BY_NAME,
    Kpis,
    Scenario,
    Year,
    decode_link,
    evaluate,
    result_to_json,
)
from whatif.model import MONTHLY_SERIES, _ratio_pct
from whatif.scenario import neutral_since

# Fields a version-1 link takes at their neutral default, not from its preset.
V1_NEUTRAL = neutral_since(1)

SEED_LEAK = Scenario(
    tokens_per_month_t=60,
    price_per_mtok_usd=15,
    token_growth_pct_per_year=0,
    price_decline_pct_per_year=0,
    ai_users=85_000,
    loaded_cost_per_user_kusd=500,
    productivity_gain_pct=400,
    ad_conversion_lift_pct=2,
    ai_capex_busd_per_year=14,
)

# A company with nothing but what each test turns on.
NOTHING = dict(
    tokens_per_month_t=0,
    price_per_mtok_usd=0,
    productivity_gain_pct=0,
    ad_conversion_lift_pct=0,
    ai_capex_busd_per_year=0,
    token_growth_pct_per_year=0,
    price_decline_pct_per_year=0,
    discount_rate_pct=0,
)


def test_seed_leak_spends_900m_a_month_and_10_8b_in_year_one() -> None:
    result = evaluate(SEED_LEAK)
    assert np.all(result.monthly.token_spend_usd == 900_000_000)
    assert result.kpis.token_spend_year1_usd == 10_800_000_000


def test_a_12_month_ramp_on_the_seed_preset_earns_32_229b_of_productivity_in_year_one() -> None:
    # MODEL.md's worked check: $59.5B x (1 + 2 + ... + 12) / 144.
    ramped = SEED_LEAK.model_copy(update={"benefit_ramp_months": 12})
    assert evaluate(ramped).kpis.productivity_value_year1_usd == pytest.approx(
        32_229_166_666.67, abs=0.01
    )
    assert evaluate(SEED_LEAK).kpis.productivity_value_year1_usd == pytest.approx(59.5e9)


# MODEL.md's version-3 worked check: $12B a year, half buildings over 25 years, half
# servers over 5 years, entering service 6 months after it is spent.
DELAYED_CAMPUS = dict(
    ai_capex_busd_per_year=12,
    capex_growth_pct_per_year=0,
    capex_attributed_pct=100,
    buildings_share_pct=50,
    buildings_life_years=25,
    server_life_years=5,
    in_service_lag_months=6,
)


def test_capex_depreciates_nothing_until_it_enters_service_then_10m_a_month_per_vintage() -> None:
    depreciation = evaluate(Scenario(**NOTHING | DELAYED_CAMPUS)).monthly.depreciation_usd
    assert depreciation[:6] == pytest.approx(np.zeros(6), abs=1e-6)
    # Month 7 writes off month 1's $1B: $1B x (0.5 / 60 + 0.5 / 300) = $10M.
    assert depreciation[6] == pytest.approx(10e6)
    assert depreciation[7] == pytest.approx(20e6)


def test_a_delayed_half_building_campus_depreciates_210m_in_year_one_and_1_5b_in_year_two() -> None:
    years = evaluate(Scenario(**NOTHING | DELAYED_CAMPUS)).years
    assert years[0].depreciation_usd == pytest.approx(210e6)
    assert years[1].depreciation_usd == pytest.approx(1.5e9)


def test_ten_pct_ai_ad_growth_on_the_seed_preset_lifts_year_one_ad_revenue_by_12_937b() -> None:
    grown = SEED_LEAK.model_copy(update={"ai_ad_growth_pct_per_year": 10})
    lift = evaluate(grown).years[0].ad_revenue_lift_usd
    expected = 196.18e9 / 12 * sum(1.1 ** (m / 12) * 1.02 - 1 for m in range(12))
    assert lift == pytest.approx(expected, rel=1e-12)
    assert round(lift / 1e9, 3) == 12.937


def test_ad_growth_and_conversion_lift_add_up_to_model_md_s_one_ad_revenue_line() -> None:
    s = SEED_LEAK.model_copy(
        update={
            "ai_ad_growth_pct_per_year": 6,
            "baseline_growth_pct_per_year": 9,
            "benefit_ramp_months": 8,
        }
    )
    monthly = evaluate(s).monthly
    m = np.arange(60)
    t = m / 12
    ramp = np.minimum(1, (m + 1) / 8)
    line = 196.18e9 / 12 * 1.09**t * (1.06**t * (1 + 0.02 * ramp) - 1)
    assert monthly.ad_growth_revenue_usd + monthly.ad_conversion_revenue_usd == pytest.approx(
        line, rel=1e-12
    )
    assert monthly.ad_revenue_lift_usd == pytest.approx(line, rel=1e-12)
    assert monthly.ad_growth_revenue_usd[0] == 0  # AI growth compounds from month 0


def test_attributing_half_the_capex_halves_capex_depreciation_and_book_value() -> None:
    whole, half = (
        evaluate(SEED_LEAK),
        evaluate(SEED_LEAK.model_copy(update={"capex_attributed_pct": 50})),
    )
    assert half.monthly.capex_usd == pytest.approx(whole.monthly.capex_usd / 2)
    assert half.monthly.depreciation_usd == pytest.approx(whole.monthly.depreciation_usd / 2)
    assert half.kpis.book_value_end_usd == pytest.approx(whole.kpis.book_value_end_usd / 2)


def test_baseline_growth_raises_revenue_but_not_the_programme_s_cash() -> None:
    flat = evaluate(SEED_LEAK)
    grown = evaluate(SEED_LEAK.model_copy(update={"baseline_growth_pct_per_year": 10}))
    assert grown.years[0].baseline_revenue_usd == pytest.approx(
        200.97e9 / 12 * sum(1.1 ** (m / 12) for m in range(12))
    )
    assert flat.years[0].baseline_revenue_usd == pytest.approx(200.97e9)
    # The conversion lift grows with the ad revenue it applies to; productivity does not.
    assert grown.monthly.productivity_value_usd == pytest.approx(
        flat.monthly.productivity_value_usd
    )
    assert grown.years[4].ad_profit_usd > flat.years[4].ad_profit_usd


def test_the_investor_view_taxes_cash_and_capitalises_year_one_eps_at_the_pe() -> None:
    s = SEED_LEAK.model_copy(update={"tax_rate_pct": 20, "pe_multiple": 25})
    result = evaluate(s)
    monthly, k = result.monthly, result.kpis
    assert monthly.after_tax_cash_usd == pytest.approx(
        monthly.net_cash_usd - 0.2 * monthly.operating_impact_usd
    )
    assert k.free_cash_flow_year1_usd == pytest.approx(monthly.after_tax_cash_usd[:12].sum())
    assert k.npv_per_share_usd == pytest.approx(k.npv_after_tax_usd / 2.574e9)
    assert k.price_impact_year1_usd == pytest.approx(25 * k.eps_impact_year1_usd)


def test_roic_is_after_tax_impact_over_average_invested_capital_and_undefined_without_any() -> None:
    result = evaluate(SEED_LEAK)
    y1, y2 = result.years[0], result.years[1]
    assert y1.invested_capital_usd == pytest.approx(y1.capex_usd - y1.depreciation_usd)
    assert y2.roic_pct == pytest.approx(
        y2.operating_impact_usd
        * 0.87
        / ((y1.invested_capital_usd + y2.invested_capital_usd) / 2)
        * 100
    )
    no_capex = evaluate(SEED_LEAK.model_copy(update={"ai_capex_busd_per_year": 0}))
    assert no_capex.kpis.roic_final_year_pct is None


def test_the_ramp_earns_a_straight_line_share_of_benefits_but_not_of_costs() -> None:
    s = SEED_LEAK.model_copy(update={"benefit_ramp_months": 4})
    monthly = evaluate(s).monthly
    full = evaluate(SEED_LEAK).monthly
    share = [0.25, 0.5, 0.75, 1, 1, 1]
    assert monthly.productivity_value_usd[:6] == pytest.approx(
        full.productivity_value_usd[:6] * share
    )
    assert monthly.ad_revenue_lift_usd[:6] == pytest.approx(full.ad_revenue_lift_usd[:6] * share)
    assert monthly.ad_profit_usd[:6] == pytest.approx(full.ad_profit_usd[:6] * share)
    assert np.array_equal(monthly.token_spend_usd, full.token_spend_usd)
    assert np.array_equal(monthly.capex_usd, full.capex_usd)


def test_a_ramp_delays_payback_from_month_one() -> None:
    assert evaluate(SEED_LEAK).kpis.payback_month == 1
    slow = evaluate(SEED_LEAK.model_copy(update={"benefit_ramp_months": 24})).kpis
    assert slow.payback_month is not None and slow.payback_month > 1


def test_ai_opex_is_expensed_evenly_and_lowers_impact_cash_roi_and_npv() -> None:
    base = Scenario(**NOTHING | {"ai_capex_busd_per_year": 12, "horizon_years": 2})
    with_opex = base.model_copy(update={"ai_opex_busd_per_year": 6})
    a, b = evaluate(base), evaluate(with_opex)
    assert np.all(b.monthly.ai_opex_usd == 0.5e9)
    assert b.kpis.ai_opex_year1_usd == pytest.approx(6e9)
    assert b.monthly.operating_impact_usd == pytest.approx(a.monthly.operating_impact_usd - 0.5e9)
    assert b.monthly.net_cash_usd == pytest.approx(a.monthly.net_cash_usd - 0.5e9)
    # Costs are tokens + opex + capex: $24B of capex and $12B of opex over two years.
    book = b.kpis.book_value_end_usd
    assert b.kpis.roi_pct == pytest.approx((book - 36e9) / 36e9 * 100)
    assert b.kpis.npv_usd == pytest.approx(a.kpis.npv_usd - 12e9)  # no discounting here


def test_capex_steps_up_once_a_model_year_from_the_sliders_year_one_value() -> None:
    s = Scenario(**NOTHING | {"ai_capex_busd_per_year": 12, "capex_growth_pct_per_year": 50})
    capex = evaluate(s).monthly.capex_usd
    assert capex == pytest.approx(np.repeat([1e9 * 1.5**y for y in range(5)], 12))
    assert [y.capex_usd for y in evaluate(s).years] == pytest.approx(
        [12e9 * 1.5**y for y in range(5)]
    )


def test_depreciation_writes_off_each_years_larger_vintages_over_their_life() -> None:
    s = Scenario(
        **NOTHING
        | {
            "ai_capex_busd_per_year": 12,
            "capex_growth_pct_per_year": 100,
            "server_life_years": 1,
            "horizon_years": 3,
        }
    )
    depreciation = evaluate(s).monthly.depreciation_usd
    # Monthly capex is $1B in year 1 and $2B in year 2, each vintage written off over 12 months.
    assert depreciation[11] == pytest.approx(1e9)
    assert depreciation[12] == pytest.approx((11 * 1e9 + 2e9) / 12)
    assert depreciation[23] == pytest.approx(2e9)
    assert depreciation[35] == pytest.approx(4e9)


def test_eps_impact_is_the_after_tax_operating_impact_per_diluted_share() -> None:
    s = SEED_LEAK.model_copy(update={"tax_rate_pct": 20, "diluted_shares_b": 2.5})
    result = evaluate(s)
    for year in result.years:
        assert year.eps_impact_usd == pytest.approx(year.operating_impact_usd * 0.8 / 2.5e9)
    assert result.kpis.eps_impact_year1_usd == result.years[0].eps_impact_usd
    assert result.kpis.eps_impact_final_year_usd == result.years[-1].eps_impact_usd
    # A loss lowers EPS by the loss less its tax shield.
    loss = evaluate(Scenario(**NOTHING | {"ai_opex_busd_per_year": 10, "tax_rate_pct": 25}))
    assert loss.kpis.eps_impact_year1_usd == pytest.approx(-10e9 * 0.75 / 2.574e9)


# What a tax rate or a share count may change: the after-tax and per-share results.
AFTER_TAX_KPIS = {
    "eps_impact_year1_usd",
    "eps_impact_final_year_usd",
    "npv_after_tax_usd",
    "npv_per_share_usd",
    "price_impact_year1_usd",
    "free_cash_flow_year1_usd",
    "roic_final_year_pct",
}


def test_tax_rate_and_share_count_change_only_the_after_tax_and_per_share_results() -> None:
    base, other = (
        evaluate(SEED_LEAK),
        evaluate(SEED_LEAK.model_copy(update={"tax_rate_pct": 40, "diluted_shares_b": 10})),
    )
    for f in fields(Kpis):
        same = getattr(base.kpis, f.name) == getattr(other.kpis, f.name)
        assert same != (f.name in AFTER_TAX_KPIS), f.name


def test_building_life_and_pe_change_no_earlier_result_without_buildings() -> None:
    base = evaluate(SEED_LEAK)
    other = evaluate(SEED_LEAK.model_copy(update={"buildings_life_years": 12, "pe_multiple": 9}))
    for f in fields(Kpis):
        same = getattr(base.kpis, f.name) == getattr(other.kpis, f.name)
        assert same != (f.name == "price_impact_year1_usd"), f.name


def test_neutral_version_2_fields_give_exactly_the_version_1_numbers() -> None:
    # Golden numbers written by the version-1 model for each shipped preset's complete link.
    for case in VERSION_1["links"]:
        scenario = decode_link(case["link"], {}).scenario
        assert all(getattr(scenario, n) == FIELDS_BY_NAME[n].default for n in V1_NEUTRAL)
        document = result_to_json(evaluate(scenario))
        for got, expected in [
            (document["kpis"], case["kpis"]),
            *zip(document["years"], case["years"], strict=True),
        ]:
            for key, value in expected.items():
                same = (
                    got[key] is None
                    if value is None
                    else got[key] == pytest.approx(value, rel=1e-10)
                )
                assert same, (key, got[key], value)


def test_seed_leak_costs_61_09_per_user_hour_and_25_41_pct_of_loaded_cost() -> None:
    kpis = evaluate(SEED_LEAK).kpis
    assert round(kpis.token_cost_per_user_hour_usd or 0, 2) == 61.09
    assert round(kpis.token_cost_share_of_loaded_cost_pct or 0, 2) == 25.41


def test_depreciation_adds_one_vintage_a_month_until_the_first_is_fully_written_off() -> None:
    s = Scenario(
        **NOTHING | {"ai_capex_busd_per_year": 12, "server_life_years": 1, "horizon_years": 2}
    )
    depreciation = evaluate(s).monthly.depreciation_usd
    # $1B a month over 12 months: $1B/12 more each month, flat at $1B from month 12.
    expected = [1e9 * min(m + 1, 12) / 12 for m in range(24)]
    assert depreciation == pytest.approx(expected, rel=1e-12)


def test_server_life_is_rounded_to_whole_months_with_pythons_round() -> None:
    # 5.5 years = 66 months: year 1 depreciates 1+2+...+12 sixty-sixths of a month's capex.
    s = Scenario(**NOTHING | {"ai_capex_busd_per_year": 66})
    monthly_capex = s.ai_capex_busd_per_year * 1e9 / 12
    assert evaluate(s).kpis.depreciation_year1_usd == pytest.approx(monthly_capex * 78 / 66)
    # 25/24 years is 12.5 months; Python rounds half to even, so 12 months.
    short = Scenario(**NOTHING | {"ai_capex_busd_per_year": 12, "server_life_years": 25 / 24})
    assert evaluate(short).monthly.depreciation_usd[11] == pytest.approx(1e9)


def test_book_value_is_capex_not_yet_depreciated_at_the_end() -> None:
    s = Scenario(
        **NOTHING | {"ai_capex_busd_per_year": 12, "server_life_years": 2, "horizon_years": 1}
    )
    # 12 vintages of $1B, each 1..12 months into a 24-month life.
    written_off = sum(1e9 * k / 24 for k in range(1, 13))
    assert evaluate(s).kpis.book_value_end_usd == pytest.approx(12e9 - written_off)


def test_payback_is_the_first_month_cumulative_net_cash_is_not_negative() -> None:
    # $12B capex a year against $2B a month of productivity value: -1 + 2 - 1 ... per month.
    s = Scenario(
        **NOTHING
        | {
            "ai_capex_busd_per_year": 36,
            "ai_users": 100_000,
            "loaded_cost_per_user_kusd": 1200,
            "productivity_gain_pct": 100,
            "productivity_realization_pct": 20,
        }
    )
    # Productivity: 100,000 x $1.2M / 12 x 1.0 x 0.2 = $2B a month; capex $3B a month.
    assert evaluate(s).monthly.net_cash_usd[0] == pytest.approx(-1e9)
    assert evaluate(s).kpis.payback_month is None
    s2 = s.model_copy(update={"ai_capex_busd_per_year": 24})
    assert evaluate(s2).kpis.payback_month == 1


def test_payback_counts_months_from_one() -> None:
    s = Scenario(
        **NOTHING
        | {
            "ai_capex_busd_per_year": 12,
            "ai_users": 1000,
            "loaded_cost_per_user_kusd": 1000,
            "productivity_gain_pct": 100,
            "productivity_realization_pct": 100,
            "tokens_per_month_t": 100,
            "price_per_mtok_usd": 1,
        }
    )
    # Net cash a month: 83.33M productivity - 100M tokens ... never pays back.
    assert evaluate(s).kpis.payback_month is None
    s2 = s.model_copy(update={"ai_users": 3000})
    # 250M - 100M tokens - 1000M capex each month: never either.
    assert evaluate(s2).kpis.payback_month is None
    s3 = s.model_copy(update={"ai_users": 14_000, "ai_capex_busd_per_year": 0})
    assert evaluate(s3).kpis.payback_month == 1


def test_npv_discounts_each_months_cash_at_its_end_and_adds_discounted_book_value() -> None:
    s = Scenario(
        **NOTHING
        | {
            "ai_capex_busd_per_year": 12,
            "discount_rate_pct": 10,
            "server_life_years": 2,
            "horizon_years": 1,
        }
    )
    book = evaluate(s).kpis.book_value_end_usd
    expected = sum(-1e9 / 1.1 ** ((m + 1) / 12) for m in range(12)) + book / 1.1
    assert evaluate(s).kpis.npv_usd == pytest.approx(expected, rel=1e-12)


def test_margin_adds_ad_profit_to_income_and_ad_lift_to_revenue() -> None:
    s = Scenario(
        **NOTHING
        | {
            "revenue_busd": 100,
            "ad_revenue_busd": 50,
            "operating_margin_pct": 40,
            "ad_conversion_lift_pct": 10,
            "ad_lift_incremental_margin_pct": 100,
        }
    )
    year = evaluate(s).years[0]
    # $5B more revenue, all of it profit: 45 / 105.
    assert year.operating_margin_with_ai_pct == pytest.approx(45 / 105 * 100)
    assert year.margin_impact_pp == pytest.approx(45 / 105 * 100 - 40)


def test_roi_counts_book_value_as_a_benefit_and_tokens_plus_capex_as_costs() -> None:
    s = Scenario(
        **NOTHING | {"ai_capex_busd_per_year": 12, "server_life_years": 10, "horizon_years": 1}
    )
    kpis = evaluate(s).kpis
    assert kpis.roi_pct == pytest.approx((kpis.book_value_end_usd - 12e9) / 12e9 * 100)


def test_undefined_results_are_none_not_nan() -> None:
    s = Scenario(**NOTHING | {"ai_users": 0, "revenue_busd": 0, "ad_revenue_busd": 0})
    kpis = evaluate(s).kpis
    assert kpis.roi_pct is None
    assert kpis.token_cost_per_user_hour_usd is None
    assert kpis.token_cost_share_of_loaded_cost_pct is None
    assert kpis.margin_impact_year1_pp is None
    no_loaded_cost = evaluate(Scenario(loaded_cost_per_user_kusd=0)).kpis
    assert no_loaded_cost.token_cost_share_of_loaded_cost_pct is None
    assert no_loaded_cost.token_cost_per_user_hour_usd is not None


def test_in_house_tokens_are_priced_at_own_cost_and_split_from_vendor_spend() -> None:
    s = Scenario(
        **NOTHING
        | {
            "tokens_per_month_t": 1,
            "price_per_mtok_usd": 10,
            "in_house_share_pct": 25,
            "in_house_cost_per_mtok_usd": 2,
        }
    )
    monthly = evaluate(s).monthly
    assert monthly.vendor_token_spend_usd[0] == pytest.approx(1e6 * 0.75 * 10)
    assert monthly.in_house_token_spend_usd[0] == pytest.approx(1e6 * 0.25 * 2)
    assert monthly.token_spend_usd[0] == pytest.approx(1e6 * (0.75 * 10 + 0.25 * 2))


def test_growth_and_price_decline_compound_monthly_on_fractional_years() -> None:
    s = Scenario(
        **NOTHING
        | {
            "tokens_per_month_t": 1,
            "price_per_mtok_usd": 1,
            "token_growth_pct_per_year": 100,
            "price_decline_pct_per_year": 50,
        }
    )
    spend = evaluate(s).monthly.token_spend_usd
    # Doubling volume and halving price cancel out every month.
    assert spend == pytest.approx(np.full(60, 1e6), rel=1e-12)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_evaluate_is_finite_everywhere_in_the_valid_space(s: Scenario) -> None:
    result = evaluate(s)
    for f in fields(Kpis):
        value = getattr(result.kpis, f.name)
        assert value is None or math.isfinite(value), f.name
    for name in ("token_spend_usd", "net_cash_usd", "depreciation_usd", "operating_impact_usd"):
        assert np.all(np.isfinite(getattr(result.monthly, name)))
    for year in result.years:
        assert year.margin_impact_pp is None or math.isfinite(year.margin_impact_pp)


# The reference's monthly rows by their own short names; the rest are Monthly's name less "_usd".
ROW_ALIASES = {"productivity": "productivity_value_usd", "ad_lift": "ad_revenue_lift_usd"}
KPI_NAMES = {f.name for f in fields(Kpis)}


def monthly_name(row_key: str) -> str | None:
    """evaluate()'s monthly series for one of the reference's row keys, if it has one."""
    name = ROW_ALIASES.get(row_key, f"{row_key}_usd")
    return name if name in MONTHLY_SERIES else None


def same(actual: float | None, expected: float | None, scale: float) -> bool:
    """Equal to rounding, and undefined (None) exactly where the reference's is."""
    if actual is None or expected is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9 * scale)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_evaluate_matches_a_literal_transcription_of_model_md(s: Scenario) -> None:
    expected = reference(s)
    result = evaluate(s)
    rows = expected["rows"]
    scale = max(1.0, *(abs(v) for row in rows for v in row.values()))
    # Every monthly series the reference computes, month by month and summed by year.
    named = {key: monthly_name(key) for key in rows[0]}
    compared = {key: name for key, name in named.items() if name is not None}
    assert len(compared) >= 9, compared
    for key, name in compared.items():
        reference_months = [r[key] for r in rows]
        assert getattr(result.monthly, name) == pytest.approx(
            reference_months, rel=1e-9, abs=1e-9 * scale
        ), name
        if name not in Year._fields:  # a monthly step the yearly table does not show
            continue
        by_year = [sum(reference_months[12 * y : 12 * y + 12]) for y in range(s.horizon_years)]
        assert [getattr(y, name) for y in result.years] == pytest.approx(
            by_year, rel=1e-9, abs=1e-8 * scale
        ), name
    # Every result it computes, by the name evaluate() gives it: a KPI or a value per year
    # (payback, on a knife edge of rounding, is checked against the cash below). Ratios
    # (ROI, margins) are compared on a scale of their own, a percentage's.
    results = {k: v for k, v in expected.items() if k not in ("rows", "payback_month")}
    for key, value in results.items():
        unit = 1e-3 if key.endswith(("_pct", "_pp")) else 12 * scale
        if key in KPI_NAMES:
            assert same(getattr(result.kpis, key), value, unit), key
        else:
            assert key in Year._fields, f"the reference's {key} is compared with nothing"
            eps_unit = unit / (s.diluted_shares_b * 1e9) if key.startswith("eps") else unit
            shown = [getattr(y, key) for y in result.years]
            assert all(map(same, shown, value, [eps_unit] * len(shown))), (key, shown, value)
    # Payback may sit on a knife edge of rounding: check it against the reference's cash.
    cumulative = np.cumsum([r["net_cash"] for r in rows])
    tolerance = 1e-9 * scale * len(cumulative)
    month = result.kpis.payback_month
    if month is None:
        assert np.all(cumulative < tolerance)
    else:
        assert cumulative[month - 1] >= -tolerance
        assert np.all(cumulative[: month - 1] < tolerance)


def test_each_year_1_and_final_year_kpi_is_that_years_value() -> None:
    # A KPI named <value>_year1_<unit> or <value>_final_year_<unit> is the Year's <value>_<unit>.
    growing = SEED_LEAK.model_copy(
        update={"benefit_ramp_months": 24, "token_growth_pct_per_year": 50, "horizon_years": 4}
    )
    result = evaluate(growing)
    checked = []
    for name in sorted(KPI_NAMES):
        for marker, year in (("_year1", result.years[0]), ("_final_year", result.years[-1])):
            year_field = name.replace(marker, "")
            if marker in name and year_field in Year._fields:
                assert getattr(result.kpis, name) == getattr(year, year_field), name
                checked.append(name)
    assert len(checked) >= 10, checked
    assert result.years[0].eps_impact_usd != result.years[-1].eps_impact_usd


def test_json_object_has_every_contract_key_and_no_nan() -> None:
    document = result_to_json(evaluate(SEED_LEAK))
    assert set(document) == {"scenario", "kpis", "years"}
    assert set(document["kpis"]) == {
        "token_spend_year1_usd",
        "token_cost_per_user_hour_usd",
        "token_cost_share_of_loaded_cost_pct",
        "productivity_value_year1_usd",
        "ad_profit_year1_usd",
        "depreciation_year1_usd",
        "operating_impact_year1_usd",
        "margin_impact_year1_pp",
        "margin_impact_final_year_pp",
        "roi_pct",
        "npv_usd",
        "payback_month",
        "book_value_end_usd",
        "ai_opex_year1_usd",
        "eps_impact_year1_usd",
        "eps_impact_final_year_usd",
        "npv_after_tax_usd",
        "npv_per_share_usd",
        "price_impact_year1_usd",
        "free_cash_flow_year1_usd",
        "roic_final_year_pct",
    }
    years = document["years"]
    assert isinstance(years, list) and len(years) == 5
    assert set(years[0]) == {
        "year",
        "token_spend_usd",
        "productivity_value_usd",
        "ad_profit_usd",
        "ad_revenue_lift_usd",
        "depreciation_usd",
        "capex_usd",
        "operating_impact_usd",
        "net_cash_usd",
        "revenue_with_ai_usd",
        "operating_margin_with_ai_pct",
        "margin_impact_pp",
        "ai_opex_usd",
        "eps_impact_usd",
        "baseline_revenue_usd",
        "free_cash_flow_usd",
        "invested_capital_usd",
        "roic_pct",
    }


def test_a_ratio_over_a_dollar_or_more_is_defined_and_under_a_dollar_is_not() -> None:
    # The rule every KPI ratio follows (margin, ROI, ROIC, share of loaded cost).
    assert _ratio_pct(5.0, 1.0) == 500.0
    assert _ratio_pct(5.0, 0.99) is None
    assert _ratio_pct(-5.0, 2.0) == -250.0
