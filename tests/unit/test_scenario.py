"""The Scenario model: MODEL.md's fields, ranges, defaults, metadata and rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from whatif import FIELDS, HEADLINE_FIELDS, FieldSpec, Scenario
from whatif.scenario import neutral_since

# MODEL.md's tables: field -> (minimum, maximum, default).
CONTRACT = {
    "tokens_per_month_t": (0, 500, 60),
    "price_per_mtok_usd": (0, 100, 5),
    "productivity_gain_pct": (-50, 1000, 20),
    "ad_conversion_lift_pct": (0, 20, 3),
    "ai_capex_busd_per_year": (0, 300, 72),
    "token_growth_pct_per_year": (-90, 1000, 50),
    "price_decline_pct_per_year": (0, 99, 50),
    "in_house_share_pct": (0, 100, 0),
    "in_house_cost_per_mtok_usd": (0, 100, 1),
    "ai_users": (0, 1_000_000, 85_000),
    "loaded_cost_per_user_kusd": (0, 5000, 450),
    "productivity_realization_pct": (0, 100, 35),
    "ad_revenue_busd": (0, 5000, 196.18),
    "ad_lift_incremental_margin_pct": (0, 100, 80),
    "revenue_busd": (0, 5000, 200.97),
    "operating_margin_pct": (-100, 100, 41.44),
    "server_life_years": (1, 10, 5.5),
    "discount_rate_pct": (0, 50, 9),
    "horizon_years": (1, 10, 5),
    # version 2
    "benefit_ramp_months": (0, 60, 0),
    "ai_opex_busd_per_year": (0, 200, 0),
    "capex_growth_pct_per_year": (-90, 300, 0),
    "tax_rate_pct": (0, 60, 13),
    "diluted_shares_b": (0.01, 100, 2.574),
    # version 3
    "capex_attributed_pct": (0, 100, 100),
    "baseline_growth_pct_per_year": (-50, 100, 0),
    "ai_ad_growth_pct_per_year": (0, 50, 0),
    "buildings_share_pct": (0, 90, 0),
    "in_service_lag_months": (0, 36, 0),
    "buildings_life_years": (10, 50, 25),
    "pe_multiple": (1, 100, 22.5),
}


def test_scenario_has_exactly_the_contract_fields_with_their_ranges_and_defaults() -> None:
    assert {f.name: (f.minimum, f.maximum, f.default) for f in FIELDS} == CONTRACT


def test_the_five_headline_drivers_come_first_in_contract_order() -> None:
    assert HEADLINE_FIELDS == (
        "tokens_per_month_t",
        "price_per_mtok_usd",
        "productivity_gain_pct",
        "ad_conversion_lift_pct",
        "ai_capex_busd_per_year",
    )


@pytest.mark.parametrize("spec", FIELDS, ids=lambda f: f.name)
def test_every_field_carries_a_label_unit_step_help_and_source(spec: FieldSpec) -> None:
    assert spec.label and spec.unit and spec.help and len(spec.source) > 20
    assert 0 < spec.step <= spec.maximum - spec.minimum


def test_counts_are_whole_numbers() -> None:
    assert {f.name for f in FIELDS if f.is_int} == {
        "ai_users",
        "horizon_years",
        "benefit_ramp_months",
        "in_service_lag_months",
    }
    with pytest.raises(ValidationError, match="ai_users"):
        Scenario(ai_users=1.5)
    with pytest.raises(ValidationError, match="benefit_ramp_months"):
        Scenario(benefit_ramp_months=2.5)
    with pytest.raises(ValidationError, match="in_service_lag_months"):
        Scenario(in_service_lag_months=6.5)


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("capex_attributed_pct", 101),
        ("baseline_growth_pct_per_year", -51),
        ("ai_ad_growth_pct_per_year", 50.5),
        ("buildings_share_pct", 91),
        ("in_service_lag_months", 37),
        ("buildings_life_years", 9),
        ("pe_multiple", 0.5),
        ("pe_multiple", float("nan")),
        ("buildings_life_years", float("inf")),
    ],
)
def test_a_version_3_value_out_of_range_or_not_finite_is_refused_naming_its_field(
    name: str, bad: float
) -> None:
    with pytest.raises(ValidationError, match=name):
        Scenario(**{name: bad})


def test_the_version_3_fields_that_change_earlier_results_default_to_neutral() -> None:
    assert set(neutral_since(2)) == {
        "capex_attributed_pct",
        "baseline_growth_pct_per_year",
        "ai_ad_growth_pct_per_year",
        "buildings_share_pct",
        "in_service_lag_months",
    }
    assert set(neutral_since(1)) == set(neutral_since(2)) | {
        "benefit_ramp_months",
        "ai_opex_busd_per_year",
        "capex_growth_pct_per_year",
    }


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("price_per_mtok_usd", -0.01),
        ("price_per_mtok_usd", 100.5),
        ("horizon_years", 11),
        ("tokens_per_month_t", float("nan")),
        ("ai_capex_busd_per_year", float("inf")),
    ],
)
def test_values_outside_the_valid_range_are_refused_naming_the_field(name: str, bad: float) -> None:
    with pytest.raises(ValidationError, match=name):
        Scenario(**{name: bad})


def test_revenue_below_ad_revenue_is_refused_naming_both_fields() -> None:
    with pytest.raises(ValidationError, match=r"revenue_busd .* ad_revenue_busd"):
        Scenario(revenue_busd=100, ad_revenue_busd=150)


def test_unknown_fields_are_refused_and_scenarios_are_frozen() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Scenario(token_volume=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="frozen"):
        Scenario().horizon_years = 3  # type: ignore[misc]


def test_the_core_never_imports_streamlit() -> None:
    root = Path(__file__).resolve().parents[2]
    for path in [*(root / "whatif").glob("*.py"), *(root / "rooms").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] == "streamlit" for n in names), path.name
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, whatif, whatif.cli, whatif.charts, rooms\n"
            "print('streamlit' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    assert loaded.stdout.strip() == "False"
