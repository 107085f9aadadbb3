"""Hostile input: any link and any preset file is survived, and every ignored part is named."""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from whatif import FIELDS, FIELDS_BY_NAME, Scenario, decode_link, load_presets
from whatif.links import PASS_THROUGH, PRESET_PARAM, ROOM_PARAM, parse_params
from whatif.presets import DEFAULT_PRESETS_DIR, MAX_PRESET_BYTES

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
NAMES = [spec.name for spec in FIELDS]

nasty_values = st.one_of(
    st.sampled_from(
        [
            "1e999",
            "-1e999",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "-0",
            "+0",
            "",
            " ",
            "0x10",
            "1_000",
            "١٢",
            "1e-400",
            "9" * 400,
            "5.",
            ".5",
            "--1",
            "1e+3",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=40),
    st.text(min_size=2000, max_size=3000, alphabet="0123456789.e-"),
)
nasty_keys = st.one_of(
    st.sampled_from([*NAMES, PRESET_PARAM, "embed", "", "Preset", "ai users"]), st.text(max_size=20)
)
nasty_pairs = st.lists(st.tuples(nasty_keys, nasty_values), max_size=40)


def accounted_for(pairs: list[tuple[str, str]], presets: dict[str, object]) -> None:
    """Every parameter either applied exactly as given, or has a warning naming it."""
    decoded = decode_link(pairs, PRESETS)
    warned = {w.param for w in decoded.warnings}
    last: dict[str, str] = {}
    counts: dict[str, int] = {}
    for key, value in pairs:
        last[key] = value
        counts[key] = counts.get(key, 0) + 1
    for key, value in last.items():
        if key in PASS_THROUGH or key == ROOM_PARAM:
            continue  # the room id is the page's to check (rooms.check_room_id), not the codec's
        if counts[key] > 1 and (key in FIELDS_BY_NAME or key == PRESET_PARAM):
            assert key in warned, f"repeated {key!r} not warned"
        if key == PRESET_PARAM:
            assert decoded.preset_id == value or key in warned
        elif key in FIELDS_BY_NAME:
            applied = getattr(decoded.scenario, key)
            ok = math.isfinite(float(value)) if _plain(value) else False
            assert (ok and applied == float(value)) or key in warned, (key, value)
        else:
            assert key in warned, f"unknown {key!r} not warned"


def _plain(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(nasty_pairs)
def test_any_link_decodes_to_a_valid_scenario_and_names_every_ignored_part(
    pairs: list[tuple[str, str]],
) -> None:
    decoded = decode_link(pairs, PRESETS)
    assert Scenario.model_validate(decoded.scenario.model_dump()) == decoded.scenario
    accounted_for(pairs, PRESETS)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_any_raw_query_text_decodes_without_raising(text: str) -> None:
    decoded = decode_link(text, PRESETS)
    assert isinstance(decoded.scenario, Scenario)
    accounted_for(parse_params(text), PRESETS)  # type: ignore[arg-type]


def test_thousands_of_parameters_and_megabyte_values_are_survived() -> None:
    pairs = [(f"junk{i}", "x" * 50) for i in range(5000)]
    pairs += [("price_per_mtok_usd", "7"), ("horizon_years", "9" * 1_000_000)]
    decoded = decode_link(pairs, PRESETS)
    assert decoded.scenario.price_per_mtok_usd == 7
    assert decoded.scenario.horizon_years == 5
    assert len(decoded.warnings) == 5001
    assert all(len(str(w)) < 200 for w in decoded.warnings)


def test_minus_zero_empty_and_huge_values_each_get_their_reason() -> None:
    decoded = decode_link(
        "in_house_share_pct=-0&price_per_mtok_usd=&tokens_per_month_t=1e999"
        "&ai_users=1e5&revenue_busd=NaN",
        PRESETS,
    )
    reasons = {w.param: w.reason for w in decoded.warnings}
    assert decoded.scenario.in_house_share_pct == 0 and decoded.scenario.ai_users == 100_000
    assert reasons == {
        "price_per_mtok_usd": "empty value",
        "tokens_per_month_t": "not a finite number",
        "revenue_busd": "not a number (use plain decimals such as 12.5)",
    }


# --- preset files -----------------------------------------------------------------------------

GOOD = {"name": "Good", "description": "Valid.", "values": {"horizon_years": 3}}
json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
preset_like = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values,
        "description": json_values,
        "sources": json_values,
        "values": st.dictionaries(
            st.sampled_from(NAMES) | st.text(max_size=8), json_values, max_size=5
        )
        | json_values,
        "ranges": json_values,
        "$schema": json_values,
        "extra": json_values,
    },
)


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes() if p.is_file() else b"").hexdigest()
        for p in sorted(folder.iterdir())
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=300)
    | preset_like.map(lambda d: json.dumps(d).encode())
    # A sound preset, so that the other half of the promise is exercised too.
    | scenarios().map(
        lambda s: json.dumps(
            {"name": "Fuzzed", "description": "d", "values": s.model_dump()}
        ).encode()
    )
)
def test_any_bytes_in_a_preset_file_give_one_clear_error_or_a_valid_preset(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("presets")
    (folder / "good.json").write_text(json.dumps(GOOD))
    (folder / "fuzzed.json").write_bytes(content)
    before = digest(folder)
    loaded = load_presets(folder)
    assert "good" in loaded.presets
    assert ("fuzzed" in loaded.presets) != any(e.file == "fuzzed.json" for e in loaded.errors)
    assert len(loaded.errors) <= 1
    for error in loaded.errors:
        assert error.reason and "\n" not in str(error)
    assert digest(folder) == before


def test_a_ten_megabyte_file_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    with (tmp_path / "huge.json").open("wb") as handle:
        handle.truncate(10 * 1024 * 1024)
    (tmp_path / "good.json").write_text(json.dumps(GOOD))
    loaded = load_presets(tmp_path)
    assert list(loaded.presets) == ["good"]
    assert loaded.errors[0].file == "huge.json" and "1 MB" in loaded.errors[0].reason
    assert os.path.getsize(tmp_path / "huge.json") > MAX_PRESET_BYTES


@pytest.mark.parametrize(
    "name", ["..json", "a..b.json", " spaced.json", "UPPER.json", "trailing .json", "ünïcode.json"]
)
def test_odd_names_are_refused_and_the_rest_load(
    tmp_path: Path, name: str, folder_hash: Callable[[Path], dict[str, str]]
) -> None:
    (tmp_path / name).write_text(json.dumps(GOOD))
    (tmp_path / "good.json").write_text(json.dumps(GOOD))
    before = folder_hash(tmp_path)
    loaded = load_presets(tmp_path)
    assert list(loaded.presets) == ["good"]
    assert [e.file for e in loaded.errors] == [name]
    assert folder_hash(tmp_path) == before


@pytest.mark.parametrize(
    "content",
    [b'{"ranges":{"\\n":null}}', b'{"values":{"a\\u202eb":1}}', b'{"x":1,"x":2}'],
    ids=["newline key", "bidi key", "duplicate key"],
)
def test_keys_from_a_file_are_shown_escaped_on_one_line(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "odd.json").write_bytes(content)
    (error,) = load_presets(tmp_path).errors
    assert "\n" not in str(error) and "\u202e" not in str(error)


def test_a_file_name_with_a_newline_is_reported_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad\nname.json").write_text(json.dumps(GOOD))
    (error,) = load_presets(tmp_path).errors
    assert "\n" not in str(error) and "bad\\nname.json" in str(error)
