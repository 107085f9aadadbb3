"""Share links: encode and decode round-trip, and decoding never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from whatif import Scenario, decode_link, encode_link, load_presets
from whatif.links import format_number, link_params

PRESETS = load_presets().presets


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_a_complete_link_round_trips_every_valid_scenario_exactly(s: Scenario) -> None:
    decoded = decode_link(encode_link(s), PRESETS)
    assert decoded.warnings == ()
    assert decoded.scenario == s


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.sampled_from(sorted(PRESETS)))
def test_a_compact_link_of_preset_plus_changes_round_trips(s: Scenario, preset_id: str) -> None:
    base = PRESETS[preset_id].scenario
    decoded = decode_link(encode_link(s, preset_id, base=base), PRESETS)
    assert (decoded.scenario, decoded.preset_id, decoded.warnings) == (s, preset_id, ())


def test_a_complete_link_survives_a_changed_preset() -> None:
    seed = PRESETS["seed-leak"]
    link = encode_link(seed.scenario, "seed-leak")
    changed = {
        "seed-leak": seed.__class__(**{**seed.__dict__, "values": {"price_per_mtok_usd": 1}})
    }
    assert decode_link(link, changed).scenario == seed.scenario
    assert decode_link(link, {}).scenario == seed.scenario


def test_given_fields_override_the_preset_and_missing_ones_come_from_it() -> None:
    decoded = decode_link("preset=seed-leak&price_per_mtok_usd=20", PRESETS)
    assert decoded.scenario.price_per_mtok_usd == 20
    assert decoded.scenario.tokens_per_month_t == 60
    assert decoded.scenario.ai_capex_busd_per_year == 14
    assert decoded.preset_id == "seed-leak"


def test_a_full_url_with_a_fragment_reads_like_its_query_string() -> None:
    decoded = decode_link("https://whatif.example/?horizon_years=3&preset=seed-leak#kpis", PRESETS)
    assert decoded.scenario.horizon_years == 3 and decoded.preset_id == "seed-leak"


@pytest.mark.parametrize(
    ("query", "param", "reason"),
    [
        ("colour=blue", "colour", "unknown parameter"),
        ("price_per_mtok_usd=abc", "price_per_mtok_usd", "not a number"),
        ("price_per_mtok_usd=nan", "price_per_mtok_usd", "not a number"),
        ("price_per_mtok_usd=inf", "price_per_mtok_usd", "not a number"),
        ("price_per_mtok_usd=1e999", "price_per_mtok_usd", "not a finite number"),
        ("price_per_mtok_usd=", "price_per_mtok_usd", "empty value"),
        ("price_per_mtok_usd=101", "price_per_mtok_usd", "outside the valid range 0 to 100"),
        ("price_per_mtok_usd=1_0", "price_per_mtok_usd", "not a number"),
        ("ai_users=10.5", "ai_users", "whole number"),
        ("preset=nope", "preset", "no preset with this id"),
        ("preset=../etc/passwd", "preset", "not a valid preset id"),
        ("revenue_busd=10", "revenue_busd", "must be at least ad_revenue_busd"),
    ],
)
def test_each_unusable_parameter_is_ignored_with_a_warning_naming_it(
    query: str, param: str, reason: str
) -> None:
    decoded = decode_link(f"{query}&horizon_years=7", PRESETS)
    assert [w.param for w in decoded.warnings] == [param]
    assert reason in decoded.warnings[0].reason
    assert param in str(decoded.warnings[0])
    assert decoded.scenario.horizon_years == 7  # the rest of the link still applies


def test_a_repeated_parameter_uses_its_last_value_and_says_so() -> None:
    decoded = decode_link("horizon_years=3&horizon_years=4", PRESETS)
    assert decoded.scenario.horizon_years == 4
    assert decoded.warnings[0].repeated and "2 times" in decoded.warnings[0].reason


def test_exponents_and_minus_zero_are_read_as_numbers() -> None:
    decoded = decode_link("ai_users=1e3&in_house_share_pct=-0", PRESETS)
    assert decoded.warnings == ()
    assert decoded.scenario.ai_users == 1000 and decoded.scenario.in_house_share_pct == 0


def test_streamlits_own_embed_parameters_pass_silently() -> None:
    assert decode_link("embed=true&embed_options=light_theme", PRESETS).warnings == ()


def test_warnings_shorten_and_escape_hostile_values() -> None:
    decoded = decode_link({"x" * 500: "<script>" + "y" * 500, "\u202e": "\n"}, PRESETS)
    text = " ".join(str(w) for w in decoded.warnings)
    assert len(text) < 300 and "\n" not in text and "\u202e" not in text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (60.0, "60"),
        (196.18, "196.18"),
        (1e-05, "0.00001"),
        (-0.0, "0"),
        (1000000.0, "1000000"),
        (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_numbers_are_written_as_plain_decimals(value: float, text: str) -> None:
    assert format_number(value) == text


def test_a_compact_link_names_only_what_differs_from_its_base() -> None:
    seed = PRESETS["seed-leak"].scenario
    changed = seed.model_copy(update={"price_per_mtok_usd": 20.0})
    assert link_params(changed, "seed-leak", base=seed) == {
        "preset": "seed-leak",
        "price_per_mtok_usd": "20",
    }


_text = st.text(max_size=30)


@settings(max_examples=500, deadline=None)
@given(
    st.dictionaries(
        _text | st.sampled_from(["preset", "ai_users", "revenue_busd"]),
        _text | st.lists(_text, max_size=3),
        max_size=12,
    )
)
def test_decoding_any_query_dictionary_never_raises_and_gives_a_valid_scenario(
    params: dict[str, str | list[str]],
) -> None:
    decoded = decode_link(params, PRESETS)
    assert isinstance(decoded.scenario, Scenario)
    Scenario.model_validate(decoded.scenario.model_dump())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_decoding_any_text_never_raises(text: str) -> None:
    assert isinstance(decode_link(text, PRESETS).scenario, Scenario)
