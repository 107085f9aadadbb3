"""Share links: encode and decode round-trip, and decoding never raises."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from tests.unit.reference import VERSION_1, VERSION_2
from whatif import (
    Preset,
    Scenario,
    decode_link,
    encode_link,
    evaluate,
    load_presets,
    result_to_json,
)
from whatif.links import (
    format_number,
    kept_params,
    link_params,
    local_host,
    model_version_of,
)
from whatif.presets import DEFAULT_PRESET_ID, DEFAULT_PRESETS_DIR, fingerprint
from whatif.scenario import FIELDS, MODEL_VERSION, neutral_since

# Fields a version-1 link takes at their neutral default, not from its preset.
V1_NEUTRAL = neutral_since(1)

PRESETS = load_presets().presets
SEED_V1 = next(case for case in VERSION_1["links"] if "preset=seed-leak" in case["link"])
# What seed-leak might set after version 2: every new field away from its default.
SEED_V2_VALUES = {
    "benefit_ramp_months": 12,
    "ai_opex_busd_per_year": 5,
    "capex_growth_pct_per_year": 30,
    "tax_rate_pct": 20,
    "diluted_shares_b": 3,
}


@pytest.fixture
def presets_setting_version_2_fields(tmp_path: Path) -> dict[str, Preset]:
    """The shipped presets, with seed-leak setting every version-2 field."""
    for path in DEFAULT_PRESETS_DIR.glob("*.json"):
        document = json.loads(path.read_text())
        if path.stem == "seed-leak":
            document["values"] |= SEED_V2_VALUES
        (tmp_path / path.name).write_text(json.dumps(document))
    loaded = load_presets(tmp_path)
    assert not loaded.errors
    return loaded.presets


def test_a_version_1_complete_link_gives_its_version_1_numbers_under_a_version_2_preset(
    presets_setting_version_2_fields: dict[str, Preset],
) -> None:
    # The seed-leak Share link exactly as the version-1 page wrote it.
    decoded = decode_link(SEED_V1["link"], presets_setting_version_2_fields)
    assert decoded.model_version == 1 and decoded.warnings == ()
    for name in V1_NEUTRAL:
        assert getattr(decoded.scenario, name) == Scenario.model_fields[name].default
    # Tax rate and shares change no version-1 number: they still come from the preset.
    assert decoded.scenario.tax_rate_pct == 20 and decoded.scenario.diluted_shares_b == 3
    kpis = result_to_json(evaluate(decoded.scenario))["kpis"]
    for key, value in SEED_V1["kpis"].items():
        assert kpis[key] == (None if value is None else pytest.approx(value, rel=1e-10)), key


def test_a_partial_link_follows_its_preset_into_the_current_version(
    presets_setting_version_2_fields: dict[str, Preset],
) -> None:
    decoded = decode_link("preset=seed-leak&price_per_mtok_usd=5", presets_setting_version_2_fields)
    assert decoded.model_version == MODEL_VERSION
    assert decoded.scenario.benefit_ramp_months == 12
    assert decoded.scenario.ai_opex_busd_per_year == 5


def test_a_version_1_link_that_also_names_a_later_field_is_read_as_the_current_version(
    presets_setting_version_2_fields: dict[str, Preset],
) -> None:
    link = SEED_V1["link"] + "&benefit_ramp_months=6"
    decoded = decode_link(link, presets_setting_version_2_fields)
    assert decoded.model_version == MODEL_VERSION
    assert decoded.scenario.benefit_ramp_months == 6
    assert decoded.scenario.ai_opex_busd_per_year == 5  # from the preset


def test_an_explicit_version_1_takes_neutral_values_except_the_fields_it_names(
    presets_setting_version_2_fields: dict[str, Preset],
) -> None:
    decoded = decode_link(
        "preset=seed-leak&model_version=1&ai_opex_busd_per_year=2",
        presets_setting_version_2_fields,
    )
    assert decoded.model_version == 1 and decoded.warnings == ()
    assert decoded.scenario.benefit_ramp_months == 0
    assert decoded.scenario.capex_growth_pct_per_year == 0
    assert decoded.scenario.ai_opex_busd_per_year == 2


def test_every_link_written_now_names_model_version_3() -> None:
    seed = PRESETS["seed-leak"].scenario
    assert "model_version=3" in encode_link(seed, "seed-leak")
    assert "model_version=3" in encode_link(seed, "seed-leak", base=seed)


def test_a_compact_link_names_only_the_fields_that_differ_from_its_preset() -> None:
    seed = PRESETS["seed-leak"].scenario
    dearer = seed.model_copy(update={"price_per_mtok_usd": 20.0})
    assert encode_link(dearer, "seed-leak", base=seed) == (
        f"preset=seed-leak&model_version={MODEL_VERSION}&price_per_mtok_usd=20"
    )


@pytest.mark.parametrize("case", VERSION_2["links"], ids=lambda case: case["link"][22:45])
def test_every_presets_version_2_share_link_gives_its_version_2_numbers(
    case: dict[str, Any],
) -> None:
    # Every shipped preset now sets every version-3 field; the version-2 link predates them.
    assert all(set(neutral_since(2)) <= set(p.values) for p in PRESETS.values())
    decoded = decode_link(case["link"], PRESETS)
    assert decoded.model_version == 2 and decoded.warnings == ()
    for name in neutral_since(2):
        assert getattr(decoded.scenario, name) == Scenario.model_fields[name].default, name
    document = result_to_json(evaluate(decoded.scenario))
    pairs = [(document["kpis"], case["kpis"]), *zip(document["years"], case["years"], strict=True)]
    for got, expected in pairs:
        for key, value in expected.items():
            assert got[key] == (None if value is None else pytest.approx(value, rel=1e-10)), key


def test_a_version_1_link_still_gives_version_1_numbers_under_version_3_presets() -> None:
    for case in VERSION_1["links"]:
        decoded = decode_link(case["link"], PRESETS)
        assert decoded.model_version == 1 and decoded.warnings == ()
        kpis = result_to_json(evaluate(decoded.scenario))["kpis"]
        for key, value in case["kpis"].items():
            assert kpis[key] == (None if value is None else pytest.approx(value, rel=1e-10)), key


def test_a_link_naming_no_preset_starts_from_the_default_preset_and_says_so() -> None:
    decoded = decode_link("horizon_years=7", PRESETS)
    assert decoded.preset_id == DEFAULT_PRESET_ID and decoded.default_preset
    expected = PRESETS[DEFAULT_PRESET_ID].scenario.model_copy(update={"horizon_years": 7})
    assert decoded.scenario == expected
    unknown = decode_link("preset=no-such-preset&horizon_years=7", PRESETS)
    assert unknown.default_preset and unknown.scenario == expected
    assert [w.param for w in unknown.warnings] == ["preset"]
    named = decode_link("preset=seed-leak&horizon_years=7", PRESETS)
    assert not named.default_preset


@pytest.mark.parametrize("raw", ["4", "0", "two", "", "2.0"])
def test_an_unknown_model_version_is_ignored_with_a_warning(raw: str) -> None:
    decoded = decode_link(f"preset=seed-leak&model_version={raw}", PRESETS)
    assert decoded.model_version == MODEL_VERSION
    assert [w.param for w in decoded.warnings] == ["model_version"]
    assert "unknown model version" in decoded.warnings[0].reason
    assert model_version_of(f"preset=seed-leak&model_version={raw}") == MODEL_VERSION


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
    # The query ends at the first "#"; a "?" inside it is part of a value.
    odd = decode_link("https://whatif.example/?horizon_years=3&colour=red?blue#a#b", PRESETS)
    assert odd.scenario.horizon_years == 3
    assert [(w.param, w.value) for w in odd.warnings] == [("colour", "red?blue")]


NOT_A_NUMBER = "not a number (use plain decimals such as 12.5)"


@pytest.mark.parametrize(
    ("query", "param", "reason"),
    [
        ("colour=blue", "colour", "unknown parameter"),
        ("price_per_mtok_usd=abc", "price_per_mtok_usd", NOT_A_NUMBER),
        ("price_per_mtok_usd=nan", "price_per_mtok_usd", NOT_A_NUMBER),
        ("price_per_mtok_usd=inf", "price_per_mtok_usd", NOT_A_NUMBER),
        ("price_per_mtok_usd=1e999", "price_per_mtok_usd", "not a finite number"),
        ("price_per_mtok_usd=", "price_per_mtok_usd", "empty value"),
        (
            "price_per_mtok_usd=101",
            "price_per_mtok_usd",
            "outside the valid range 0 to 100 ($ / million tokens)",
        ),
        ("price_per_mtok_usd=1_0", "price_per_mtok_usd", NOT_A_NUMBER),
        ("ai_users=10.5", "ai_users", "must be a whole number"),
        ("preset=nope", "preset", "no preset with this id"),
        ("preset=../etc/passwd", "preset", "not a valid preset id"),
        (
            "revenue_busd=10",
            "revenue_busd",
            "revenue_busd (10) must be at least ad_revenue_busd (196.18): "
            "ad revenue is part of revenue",
        ),
    ],
)
def test_each_unusable_parameter_is_ignored_with_a_warning_naming_it(
    query: str, param: str, reason: str
) -> None:
    decoded = decode_link(f"{query}&horizon_years=7", PRESETS)
    assert [w.param for w in decoded.warnings] == [param]
    # Word for word what the page and the CLI show.
    assert str(decoded.warnings[0]) == f'"{query}": {reason} (ignored)'
    assert decoded.scenario.horizon_years == 7  # the rest of the link still applies


def test_a_repeated_parameter_uses_its_last_value_and_says_so() -> None:
    decoded = decode_link("horizon_years=3&horizon_years=4", PRESETS)
    assert decoded.scenario.horizon_years == 4
    assert decoded.warnings[0].repeated
    assert [str(w) for w in decoded.warnings] == [
        '"horizon_years=3": given 2 times; the last value is used (ignored)'
    ]
    # A repeated parameter whose last value is refused: one warning that says both, and
    # still counts as repeated (the CLI's --set on that field silences it).
    refused = decode_link("horizon_years=3&horizon_years=99", PRESETS)
    assert len(refused.warnings) == 1 and refused.warnings[0].repeated
    assert "given 2 times" in str(refused.warnings[0])
    # An unknown parameter given twice is named once, as unknown.
    unknown = decode_link("colour=a&colour=b", PRESETS)
    assert [str(w) for w in unknown.warnings] == ['"colour=b": unknown parameter (ignored)']


def test_a_mapping_of_parameters_reads_like_its_query_string() -> None:
    # As Streamlit's query_params gives them: a value, or a list of values.
    single = decode_link({"preset": "seed-leak", "horizon_years": "10"}, PRESETS)
    assert (single.preset_id, single.scenario.horizon_years, single.warnings) == (
        "seed-leak",
        10,
        (),
    )
    repeated = decode_link({"horizon_years": ["3", "10"]}, PRESETS)
    assert repeated.scenario.horizon_years == 10 and repeated.warnings[0].repeated


def test_a_repeated_parameter_whose_last_value_is_refused_is_named_once() -> None:
    decoded = decode_link("horizon_years=3&horizon_years=abc&preset=x&preset=y", PRESETS)
    assert sorted(w.param for w in decoded.warnings) == ["horizon_years", "preset"]
    first = next(w for w in decoded.warnings if w.param == "horizon_years")
    assert first.value == "abc" and "not a number" in first.reason and "2 times" in first.reason


def test_the_address_keeps_a_links_view_and_compare_set_once_and_nothing_ignored() -> None:
    link = (
        "preset=seed-leak&preset=capex-trap&view=present&view=present&compare=seed-leak,"
        "capex-trap&weights=50,50&colour=red&horizon_years=7&preset_fp=0&model_version=3"
    )
    assert kept_params(link) == {
        "view": "present",
        "compare": "seed-leak,capex-trap",
        "weights": "50,50",
    }
    assert kept_params("view=slideshow&" + "&".join(f"junk{i}=1" for i in range(300))) == {}


def test_exponents_and_minus_zero_are_read_as_numbers() -> None:
    decoded = decode_link("ai_users=1e3&in_house_share_pct=-0", PRESETS)
    assert decoded.warnings == ()
    assert decoded.scenario.ai_users == 1000 and decoded.scenario.in_house_share_pct == 0
    # A plain 0, not -0: the CLI's JSON would print -0.0 and a slider "-0".
    assert math.copysign(1, decoded.scenario.in_house_share_pct) == 1


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
        "model_version": "3",
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


def test_a_link_carrying_its_presets_fingerprint_decodes_as_unchanged() -> None:
    seed = PRESETS["seed-leak"]
    decoded = decode_link(f"preset=seed-leak&preset_fp={fingerprint(seed.scenario)}", PRESETS)
    assert not decoded.preset_changed and decoded.warnings == ()


def test_a_link_whose_preset_was_edited_since_says_so_and_shows_the_current_values(
    presets_setting_version_2_fields: dict[str, Preset],
) -> None:
    old = fingerprint(PRESETS["seed-leak"].scenario)
    decoded = decode_link(f"preset=seed-leak&preset_fp={old}", presets_setting_version_2_fields)
    assert decoded.preset_changed and decoded.warnings == ()
    assert decoded.scenario == presets_setting_version_2_fields["seed-leak"].scenario


def test_a_link_without_a_fingerprint_decodes_as_before() -> None:
    decoded = decode_link("preset=seed-leak&price_per_mtok_usd=5", PRESETS)
    assert not decoded.preset_changed and decoded.warnings == ()


@pytest.mark.parametrize("raw", ["", "xyz", "A03746AD", "a03746ad0"])
def test_a_malformed_fingerprint_is_ignored_with_a_warning(raw: str) -> None:
    decoded = decode_link(f"preset=seed-leak&preset_fp={raw}", PRESETS)
    assert not decoded.preset_changed
    assert [str(w) for w in decoded.warnings] == [
        f'"preset_fp={raw}": not a preset fingerprint (8 hex digits) (ignored)'
    ]


def test_the_fingerprint_follows_every_value_of_the_preset() -> None:
    seed = PRESETS["seed-leak"].scenario
    assert len(fingerprint(seed)) == 8
    assert fingerprint(seed) == fingerprint(seed.model_copy())
    for spec in FIELDS:
        other = seed.model_copy(update={spec.name: getattr(seed, spec.name) + 1})
        assert fingerprint(other) != fingerprint(seed), spec.name


def test_the_presentation_view_passes_silently_and_an_unknown_view_is_named() -> None:
    assert decode_link("preset=seed-leak&view=present", PRESETS).warnings == ()
    odd = decode_link("preset=seed-leak&view=slides", PRESETS)
    assert [str(w) for w in odd.warnings] == [
        '"view=slides": unknown view; the page is shown (ignored)'
    ]


def test_a_fingerprint_without_a_preset_changes_nothing() -> None:
    decoded = decode_link("preset_fp=a03746ad&horizon_years=3", PRESETS)
    assert not decoded.preset_changed and decoded.warnings == ()
    # No preset named: the default preset's values, as for any link without one.
    assert decoded.preset_id == "meta-2025" and decoded.default_preset
    assert decoded.scenario == PRESETS["meta-2025"].scenario.model_copy(update={"horizon_years": 3})


@pytest.mark.parametrize(
    ("link", "local"),
    [
        ("http://localhost:8501/?preset=seed-leak", "localhost"),
        ("http://app.localhost/?preset=seed-leak", "app.localhost"),
        ("http://127.0.0.1:8765?preset=seed-leak", "127.0.0.1"),
        ("http://127.8.9.10/", "127.8.9.10"),
        ("http://[::1]:8501/", "::1"),
        ("http://0.0.0.0:8501/", "0.0.0.0"),
        ("http://192.168.1.20:8501/?preset=seed-leak", None),
        ("https://whatif.example.com/?preset=seed-leak", None),
        ("?preset=seed-leak", None),
        ("http://[not-an-address/", None),
    ],
)
def test_a_link_only_this_computer_can_open_is_told_from_one_a_room_can(
    link: str, local: str | None
) -> None:
    assert local_host(link) == local
