"""Preset files: the shipped ones are valid, and bad ones are named, never raised."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from whatif import FIELDS, FIELDS_BY_NAME, Preset, Scenario, evaluate, load_presets
from whatif.cli import main
from whatif.presets import (
    DEFAULT_PRESETS_DIR,
    fingerprint,
    parse_preset,
    parse_preset_bytes,
    preset_document,
)
from whatif.scenario import neutral_since
from whatif.schema import schema_text

# Fields a version-1 link takes at their neutral default, not from its preset.
V1_NEUTRAL = neutral_since(1)

SCHEMA_PATH = DEFAULT_PRESETS_DIR.parent / "preset.schema.json"
SHIPPED = sorted(p.name for p in DEFAULT_PRESETS_DIR.glob("*.json"))

GOOD = {"name": "Good", "description": "A valid preset.", "values": {"horizon_years": 3}}


def write(folder: Path, name: str, content: str | bytes | Mapping[str, object]) -> Path:
    path = folder / name
    if isinstance(content, Mapping):
        content = json.dumps(content, indent=2)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def test_the_committed_schema_is_what_the_model_generates() -> None:
    assert SCHEMA_PATH.read_text() == schema_text(), "run `make schema`"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_preset_validates_against_the_schema_and_loads(name: str) -> None:
    document = json.loads((DEFAULT_PRESETS_DIR / name).read_text())
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert document["$schema"] == "../preset.schema.json"
    assert name.removesuffix(".json") in load_presets(DEFAULT_PRESETS_DIR).presets


def test_shipped_presets_include_the_seed_the_evidence_case_a_bear_and_a_bull() -> None:
    loaded = load_presets(DEFAULT_PRESETS_DIR)
    assert loaded.errors == ()
    assert {"seed-leak", "meta-2025", "capex-trap", "vertical-integration"} <= set(loaded.presets)
    for preset in loaded.presets.values():
        assert len(preset.description) > 100 and preset.sources


def test_the_seed_leak_preset_spends_exactly_10_8b_in_year_one() -> None:
    seed = load_presets(DEFAULT_PRESETS_DIR).presets["seed-leak"]
    assert evaluate(seed.scenario).kpis.token_spend_year1_usd == 10_800_000_000


def test_the_meta_2025_preset_moves_every_neutral_field_off_neutral_and_little_else() -> None:
    # The model's defaults are Meta's FY2025 books with neutral later fields; the central
    # case sets each of those, plus year 1's capex, the headcount, the output gain and P/E.
    meta = load_presets(DEFAULT_PRESETS_DIR).presets["meta-2025"]
    assert set(meta.values) == set(V1_NEUTRAL) | {
        "ai_capex_busd_per_year",
        "ai_users",
        "productivity_gain_pct",
        "buildings_life_years",
        "pe_multiple",
    }
    for name in V1_NEUTRAL:
        assert meta.values[name] != FIELDS_BY_NAME[name].default, name
    assert meta.values["ai_users"] == 78_865  # employees at 31 December 2025, not the leak's users
    assert meta.values["ai_capex_busd_per_year"] == 135  # the 2026 guidance midpoint


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_preset_states_every_field_added_since_version_1(name: str) -> None:
    # Left out, they would silently take the defaults: each preset decides them.
    preset = load_presets(DEFAULT_PRESETS_DIR).presets[name.removesuffix(".json")]
    later = {spec.name for spec in FIELDS if spec.since > 1} - {"tax_rate_pct", "diluted_shares_b"}
    assert later <= set(preset.values)


def test_the_bear_case_loses_more_than_the_bull_case() -> None:
    presets = load_presets(DEFAULT_PRESETS_DIR).presets
    bear = evaluate(presets["capex-trap"].scenario).kpis.npv_usd
    bull = evaluate(presets["vertical-integration"].scenario).kpis.npv_usd
    assert bear < evaluate(Scenario()).kpis.npv_usd < bull


def test_a_syntax_error_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "good.json", GOOD)
    write(tmp_path, "broken.json", '{\n  "name": "x",\n  "description": "y"\n  "values": {}\n}')
    loaded = load_presets(tmp_path)
    assert list(loaded.presets) == ["good"]
    (error,) = loaded.errors
    assert (error.file, error.line, error.column) == ("broken.json", 4, 3)
    assert "broken.json, line 4 column 3: invalid JSON" in str(error)


def test_a_bad_value_is_named_with_its_field_rule_and_line(tmp_path: Path) -> None:
    write(tmp_path, "bad.json", {**GOOD, "values": {"horizon_years": 3, "price_per_mtok_usd": 500}})
    (error,) = load_presets(tmp_path).errors
    assert error.field == "values.price_per_mtok_usd"
    assert "less than or equal to 100" in error.reason
    assert error.line == 6


@pytest.mark.parametrize(
    ("document", "field", "reason"),
    [
        ({**GOOD, "colour": "red"}, "colour", "unknown field"),
        ({**GOOD, "values": {"token_volume": 1}}, "values.token_volume", "unknown field"),
        ({**GOOD, "values": {"ai_users": "85000"}}, "values.ai_users", "valid integer"),
        ({**GOOD, "values": {"ai_users": 1.5}}, "values.ai_users", "valid integer"),
        ({**GOOD, "values": {"in_house_share_pct": True}}, "values.in_house_share_pct", "number"),
        ({**GOOD, "values": {"revenue_busd": 1}}, "values", "must be at least ad_revenue_busd"),
        ({"description": "no name"}, "name", "Field required"),
        ({**GOOD, "sources": "one string"}, "sources", "valid list"),
        ({**GOOD, "values": [1, 2]}, "values", "valid dictionary"),
        ({**GOOD, "ranges": {"colour": [1, 2]}}, "ranges.colour", "unknown field"),
        ({**GOOD, "ranges": {"price_per_mtok_usd": [5, 1]}}, "ranges.price_per_mtok_usd", "above"),
        (
            {**GOOD, "ranges": {"price_per_mtok_usd": [1, 500]}},
            "ranges.price_per_mtok_usd",
            "must lie within 0 to 100",
        ),
        (
            {**GOOD, "ranges": {"price_per_mtok_usd": [1]}},
            "ranges.price_per_mtok_usd",
            "[low, high]",
        ),
        ({**GOOD, "ranges": {"horizon_years": [1.5, 3]}}, "ranges.horizon_years", "whole numbers"),
        ({**GOOD, "ranges": {"ai_users": ["a", 1]}}, "ranges.ai_users.0", "valid number"),
    ],
)
def test_wrong_shapes_and_types_name_the_field_and_the_rule(
    tmp_path: Path, document: dict[str, object], field: str, reason: str
) -> None:
    write(tmp_path, "bad.json", document)
    (error,) = load_presets(tmp_path).errors
    assert error.field == field
    assert reason in error.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"name": "a", "name": "b"}', "appears twice"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"name": NaN}', "NaN is not a JSON number"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"", "invalid JSON"),
    ],
)
def test_undecodable_files_get_one_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    write(tmp_path, "odd.json", content)
    loaded = load_presets(tmp_path)
    assert len(loaded.errors) == 1 and reason in loaded.errors[0].reason


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    assert list(load_presets(tmp_path).presets) == ["bom"]


def test_files_over_one_megabyte_are_refused_unread(tmp_path: Path) -> None:
    write(tmp_path, "huge.json", {**GOOD, "description": "x" * 1_100_000})
    (error,) = load_presets(tmp_path).errors
    assert "larger than 1 MB" in error.reason


@pytest.mark.parametrize(
    "name",
    [
        "Upper.json",
        "two words.json",
        "under_score.json",
        "-dash.json",
        "a--b.json",
        "double.json.json",
        "CAPS.JSON",
    ],
)
def test_odd_file_names_are_refused_with_the_naming_rule(tmp_path: Path, name: str) -> None:
    write(tmp_path, name, GOOD)
    (error,) = load_presets(tmp_path).errors
    assert error.file == name and "lower-case letters" in error.reason


def test_links_outside_the_folder_and_folders_are_refused(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside.json", GOOD)
    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "escape.json").symlink_to(outside)
    (presets / "inside.json").symlink_to(write(presets, "real.json", GOOD))
    (presets / "folder.json").mkdir()
    (presets / "dangling.json").symlink_to(tmp_path / "missing.json")
    loaded = load_presets(presets)
    assert sorted(loaded.presets) == ["inside", "real"]
    reasons = {e.file: e.reason for e in loaded.errors}
    assert "outside the presets folder" in reasons["escape.json"]
    assert "not a regular file" in reasons["folder.json"]
    assert "cannot be read" in reasons["dangling.json"]


def test_loading_never_changes_the_folder(
    tmp_path: Path, folder_hash: Callable[[Path], dict[str, str]]
) -> None:
    write(tmp_path, "good.json", GOOD)
    write(tmp_path, "broken.json", "{")
    write(tmp_path, "bad.json", {**GOOD, "values": {"horizon_years": 99}})
    before = folder_hash(tmp_path)
    load_presets(tmp_path)
    assert folder_hash(tmp_path) == before


def test_a_missing_folder_is_one_error_not_an_exception(tmp_path: Path) -> None:
    loaded = load_presets(tmp_path / "nowhere")
    assert loaded.presets == {} and "unreadable" in loaded.errors[0].reason


def test_the_folder_comes_from_whatif_presets_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "mine.json", GOOD)
    monkeypatch.setenv("WHATIF_PRESETS_DIR", os.fspath(tmp_path))
    assert list(load_presets().presets) == ["mine"]


SHIPPED_PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets


def test_a_written_document_without_a_parent_names_every_field_and_no_extends() -> None:
    scenario = Scenario(price_per_mtok_usd=12.34, horizon_years=7)
    text = preset_document("Mine", "Saved from the page.", scenario)
    document = json.loads(text)
    assert set(document) == {"$schema", "name", "description", "values"}
    assert document["values"] == scenario.model_dump()
    preset = parse_preset("mine", text)
    assert isinstance(preset, Preset) and preset.scenario == scenario


@pytest.mark.parametrize("parent_id", sorted(SHIPPED_PRESETS))
def test_a_document_over_a_preset_extends_it_with_only_what_differs_and_passes_check(
    parent_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = SHIPPED_PRESETS[parent_id]
    edits = {"price_per_mtok_usd": 6.25, "horizon_years": 7}
    scenario = parent.scenario.model_copy(update=edits)
    text = preset_document(
        f"{parent.name} (edited)",
        parent.description,
        scenario,
        sources=parent.sources,
        ranges=parent.ranges,
        correlations=parent.correlations,
        parent=parent,
    )
    document = json.loads(text)
    assert document["extends"] == parent_id
    assert document["values"] == {
        k: v for k, v in edits.items() if getattr(parent.scenario, k) != v
    }
    assert "ranges" not in document and "correlations" not in document  # all inherited
    shutil.copytree(DEFAULT_PRESETS_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "edited.json").write_text(text)
    assert main(["presets", "check", str(tmp_path)]) == 0, capsys.readouterr().out
    edited = load_presets(tmp_path).presets["edited"]
    assert (edited.scenario, edited.ranges, edited.correlations, edited.sources) == (
        scenario,
        parent.ranges,
        parent.correlations,
        parent.sources,
    )


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.sampled_from(["", *sorted(SHIPPED_PRESETS)]))
def test_any_scenario_written_as_a_document_reads_back_the_same(
    scenario: Scenario, parent_id: str
) -> None:
    parent = SHIPPED_PRESETS.get(parent_id)
    text = preset_document("Any", "Any scenario.", scenario, parent=parent)
    assert '"extends": null' not in text
    preset = parse_preset("any", text, parents=SHIPPED_PRESETS)
    assert isinstance(preset, Preset) and preset.scenario == scenario


def test_a_document_over_a_preset_writes_its_own_ranges_and_correlations_only() -> None:
    parent = SHIPPED_PRESETS["meta-2025"]
    inherited = parent.correlations[0]
    child = parse_preset(
        "child",
        json.dumps(
            {
                "name": "Child",
                "description": "Narrower price, one correlation replaced.",
                "extends": "meta-2025",
                "values": {"price_per_mtok_usd": 4},
                "ranges": {"price_per_mtok_usd": [3, 5]},
                "correlations": [{"fields": list(inherited.fields), "rank": 0.1, "source": "Mine"}],
            }
        ),
        parents=SHIPPED_PRESETS,
    )
    assert isinstance(child, Preset)
    text = preset_document(
        child.name,
        child.description,
        child.scenario,
        ranges=child.ranges,
        correlations=child.correlations,
        parent=parent,
    )
    document = json.loads(text)
    assert document["ranges"] == {"price_per_mtok_usd": [3, 5]}
    assert document["correlations"] == [
        {"fields": list(inherited.fields), "rank": 0.1, "source": "Mine"}
    ]
    again = parse_preset("again", text, parents=SHIPPED_PRESETS)
    assert isinstance(again, Preset)
    assert (again.scenario, again.ranges, set(again.correlations)) == (
        child.scenario,
        child.ranges,
        set(child.correlations),
    )


# --- extends ----------------------------------------------------------------------------


def variant(parent: str, **values: float) -> dict[str, object]:
    return {
        "name": f"Variant of {parent}",
        "description": "A variant.",
        "extends": parent,
        "values": values,
    }


def test_a_preset_extends_its_parents_values_and_ranges_and_overrides_its_own(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "base.json",
        {
            **GOOD,
            "values": {"horizon_years": 3, "ai_users": 1000},
            "ranges": {"ai_users": [500, 2000]},
        },
    )
    write(tmp_path, "child.json", variant("base", ai_users=5000, price_per_mtok_usd=2))
    write(tmp_path, "grandchild.json", variant("child", price_per_mtok_usd=3))
    loaded = load_presets(tmp_path)
    assert not loaded.errors
    grandchild = loaded.presets["grandchild"]
    assert grandchild.extends == "child"
    s = grandchild.scenario
    assert (s.horizon_years, s.ai_users, s.price_per_mtok_usd) == (3, 5000, 3)
    assert grandchild.ranges == {"ai_users": (500, 2000)}
    assert grandchild.name == "Variant of child"


def test_a_missing_parent_is_an_error_for_that_file_alone(tmp_path: Path) -> None:
    write(tmp_path, "good.json", GOOD)
    write(tmp_path, "orphan.json", variant("nope"))
    write(tmp_path, "grandorphan.json", variant("orphan"))
    loaded = load_presets(tmp_path)
    assert list(loaded.presets) == ["good"]
    errors = {e.file: e for e in loaded.errors}
    assert errors["orphan.json"].field == "extends"
    assert errors["orphan.json"].reason == "no preset 'nope'"
    assert errors["orphan.json"].line == 4
    assert "'orphan' could not be loaded" in errors["grandorphan.json"].reason
    assert errors["orphan.json"].annotations() == ["orphan.json:4:3: extends: no preset 'nope'"]


def test_a_loop_of_extends_is_named_in_every_file_on_it(tmp_path: Path) -> None:
    write(tmp_path, "good.json", GOOD)
    write(tmp_path, "a.json", variant("b"))
    write(tmp_path, "b.json", variant("a"))
    write(tmp_path, "self.json", variant("self"))
    loaded = load_presets(tmp_path)
    assert list(loaded.presets) == ["good"]
    errors = {e.file: e.reason for e in loaded.errors}
    assert errors["a.json"] == "loops back: a → b → a"
    assert errors["b.json"] == "loops back: b → a → b"
    assert errors["self.json"] == "loops back: self → self"


def test_chains_are_allowed_up_to_eight_links_deep(tmp_path: Path) -> None:
    write(tmp_path, "p0.json", GOOD)
    for n in range(1, 10):
        write(tmp_path, f"p{n}.json", variant(f"p{n - 1}"))
    loaded = load_presets(tmp_path)
    assert set(loaded.presets) == {f"p{n}" for n in range(9)}
    (error,) = loaded.errors
    assert error.file == "p9.json" and "more than 8 presets deep" in error.reason


def test_a_child_of_a_broken_parent_names_the_parent(tmp_path: Path) -> None:
    write(tmp_path, "base.json", {**GOOD, "values": {"price_per_mtok_usd": 500}})
    write(tmp_path, "child.json", variant("base"))
    errors = {e.file: e.reason for e in load_presets(tmp_path).errors}
    assert "less than or equal to 100" in errors["base.json"]
    assert errors["child.json"] == "'base' could not be loaded (see its own error)"


def test_a_merged_value_breaking_a_rule_is_named_in_the_child(tmp_path: Path) -> None:
    write(tmp_path, "base.json", {**GOOD, "values": {"revenue_busd": 300, "ad_revenue_busd": 250}})
    write(tmp_path, "child.json", variant("base", revenue_busd=200))
    (error,) = load_presets(tmp_path).errors
    assert error.file == "child.json" and "must be at least ad_revenue_busd" in error.reason


def test_an_uploaded_preset_may_extend_a_loaded_one() -> None:
    presets = load_presets(DEFAULT_PRESETS_DIR).presets
    text = json.dumps(variant("seed-leak", price_per_mtok_usd=5))
    uploaded = parse_preset("uploaded", text, parents=presets)
    assert isinstance(uploaded, Preset)
    assert uploaded.scenario == presets["seed-leak"].scenario.model_copy(
        update={"price_per_mtok_usd": 5.0}
    )
    alone = parse_preset("uploaded", text)
    assert not isinstance(alone, Preset) and alone.field == "extends"


def test_an_uploaded_preset_extending_a_broken_file_of_the_folder_says_it_could_not_load(
    tmp_path: Path,
) -> None:
    write(tmp_path, "base.json", {**GOOD, "values": {"ai_users": -5}})
    loaded = load_presets(tmp_path)
    text = json.dumps(variant("base", price_per_mtok_usd=5))
    error = parse_preset("uploaded", text, parents=loaded.presets, broken=loaded.broken)
    assert not isinstance(error, Preset)
    assert (error.field, error.reason) == (
        "extends",
        "'base' could not be loaded (see its own error)",
    )


@pytest.mark.parametrize("bad", ["Seed Leak", "../seed-leak", "", 7])
def test_extends_must_be_a_preset_id(tmp_path: Path, bad: object) -> None:
    write(tmp_path, "child.json", {**GOOD, "extends": bad})
    (error,) = load_presets(tmp_path).errors
    assert error.field == "extends"


def test_the_schema_knows_extends() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["properties"]["extends"]["anyOf"][0]["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
    jsonschema.validate(variant("seed-leak"), schema)


def test_a_file_breaking_several_rules_names_each_field_once_in_its_sentence(
    tmp_path: Path,
) -> None:
    write(tmp_path, "bad.json", {**GOOD, "values": {"horizon_years": 11, "ai_users": "many"}})
    (error,) = load_presets(tmp_path).errors
    sentence = str(error)
    for field in ("values.horizon_years", "values.ai_users"):
        assert sentence.count(field) == 1
    assert [rule.field for rule in error.rules] == ["values.horizon_years", "values.ai_users"]


def test_a_fingerprint_is_the_same_from_version_to_version_so_shared_links_still_match() -> None:
    # The first 8 hex digits of the SHA-256 of the values as JSON with sorted keys: a link
    # carries it, so the same values must give the same digits in every release.
    assert fingerprint(Scenario()) == "3033873e"


@pytest.mark.parametrize(
    ("ranges", "reason"),
    [
        ({"price_per_mtok_usd": [1, 2, 3]}, "must be [low, high]"),
        ({"horizon_years": [2, 3.5]}, "must be whole numbers"),
        ({"price_per_mtok_usd": [1, 101]}, "must lie within 0 to 100 ($ / million tokens)"),
    ],
)
def test_a_bad_range_is_named_with_its_rule(
    tmp_path: Path, ranges: dict[str, list[float]], reason: str
) -> None:
    write(tmp_path, "bad.json", {**GOOD, "ranges": ranges})
    (error,) = load_presets(tmp_path).errors
    assert error.reason == reason


def test_a_range_may_be_a_single_point_and_reach_the_fields_limits(tmp_path: Path) -> None:
    ranges = {"price_per_mtok_usd": [0, 100], "ai_users": [5000, 5000]}
    write(tmp_path, "edges.json", {**GOOD, "ranges": ranges})
    loaded = load_presets(tmp_path)
    assert loaded.errors == ()
    assert loaded.presets["edges"].ranges == {
        "price_per_mtok_usd": (0, 100),
        "ai_users": (5000, 5000),
    }


def test_a_preset_that_is_not_an_object_says_so() -> None:
    error = parse_preset("mine", "[1, 2]")
    assert not isinstance(error, Preset)
    assert (error.file, error.reason) == ("mine.json", "a preset must be a JSON object, not list")


def test_a_range_written_as_a_string_is_refused_not_converted(tmp_path: Path) -> None:
    write(tmp_path, "bad.json", {**GOOD, "ranges": {"price_per_mtok_usd": ["1", 5]}})
    (error,) = load_presets(tmp_path).errors
    assert error.field == "ranges.price_per_mtok_usd.0"
    assert error.reason == "Input should be a valid number"


def test_correlations_that_are_not_a_list_are_named_at_their_key(tmp_path: Path) -> None:
    text = '{\n  "name": "Good",\n  "description": "A valid preset.",\n  "correlations": 7\n}'
    write(tmp_path, "bad.json", text)
    (error,) = load_presets(tmp_path).errors
    assert (error.field, error.line, error.column) == ("correlations", 4, None)
    assert error.reason == "must be a list of {fields, rank, source} objects"


def test_a_parsed_preset_keeps_the_id_it_was_given() -> None:
    text = json.dumps(GOOD)
    from_text = parse_preset("mine", text)
    from_bytes = parse_preset_bytes("mine", text.encode())
    assert isinstance(from_text, Preset) and isinstance(from_bytes, Preset)
    assert (from_text.id, from_bytes.id) == ("mine", "mine")


def test_refused_files_say_why_in_so_many_words(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside.json", GOOD)
    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "escape.json").symlink_to(outside)
    (presets / "folder.json").mkdir()
    (presets / "dangling.json").symlink_to(tmp_path / "missing.json")
    write(presets, "huge.json", {**GOOD, "description": "x" * 1_100_000})
    write(presets, "Odd Name.json", GOOD)
    reasons = {e.file: e.reason for e in load_presets(presets).errors}
    assert reasons == {
        "escape.json": "refused: the file links outside the presets folder",
        "folder.json": "not a regular file",
        "dangling.json": "cannot be read: No such file or directory",
        "huge.json": "refused: larger than 1 MB",
        "Odd Name.json": "file name must be lower-case letters, digits and single dashes, "
        "ending in .json (for example bear-case.json)",
    }


def test_a_file_of_exactly_one_megabyte_is_read_whole(tmp_path: Path) -> None:
    # Padded with spaces before the object, so losing its last byte would break the JSON.
    document = json.dumps(GOOD).encode()
    write(tmp_path, "big.json", b" " * (1_000_000 - len(document)) + document)
    assert (tmp_path / "big.json").stat().st_size == 1_000_000
    loaded = load_presets(tmp_path)
    assert loaded.errors == () and list(loaded.presets) == ["big"]


def test_a_missing_folder_is_named_by_its_path_and_the_first_part_that_is_missing(
    tmp_path: Path,
) -> None:
    (error,) = load_presets(tmp_path / "nowhere" / "presets").errors
    assert error.file == f"{tmp_path}/nowhere/presets"
    assert error.reason == (
        f"presets folder unreadable: [Errno 2] No such file or directory: '{tmp_path}/nowhere'"
    )


def test_a_child_sorted_before_its_broken_parent_names_the_parent(tmp_path: Path) -> None:
    write(tmp_path, "zulu.json", "{")
    write(tmp_path, "alpha.json", variant("zulu"))
    errors = {e.file: e.reason for e in load_presets(tmp_path).errors}
    assert errors == {
        "alpha.json": "'zulu' could not be loaded (see its own error)",
        "zulu.json": "invalid JSON: Expecting property name enclosed in double quotes",
    }


def test_a_chain_built_from_its_last_link_carries_the_roots_values(tmp_path: Path) -> None:
    # alpha extends mike extends zulu: alpha is loaded first and builds its ancestors.
    write(tmp_path, "zulu.json", {**GOOD, "values": {"horizon_years": 3}})
    write(tmp_path, "mike.json", variant("zulu", ai_users=5000))
    write(tmp_path, "alpha.json", variant("mike", price_per_mtok_usd=2))
    presets = load_presets(tmp_path).presets
    mike, alpha = presets["mike"].scenario, presets["alpha"].scenario
    assert (mike.horizon_years, mike.ai_users) == (3, 5000)
    assert (alpha.horizon_years, alpha.ai_users, alpha.price_per_mtok_usd) == (3, 5000, 2)


def test_a_document_over_a_preset_is_indented_by_two_spaces() -> None:
    parent = SHIPPED_PRESETS["seed-leak"]
    cheaper = parent.scenario.model_copy(update={"price_per_mtok_usd": 5.0})
    document = preset_document("Cheaper", "Seed leak at $5.", cheaper, parent=parent)
    assert document == (
        "{\n"
        '  "$schema": "../preset.schema.json",\n'
        '  "name": "Cheaper",\n'
        '  "description": "Seed leak at $5.",\n'
        '  "extends": "seed-leak",\n'
        '  "values": {\n'
        '    "price_per_mtok_usd": 5.0\n'
        "  }\n"
        "}\n"
    )


def test_a_preset_file_or_folder_that_is_a_symlink_loop_is_named_not_raised(
    tmp_path: Path,
) -> None:
    write(tmp_path, "good.json", GOOD)
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    loaded = load_presets(tmp_path)
    assert list(loaded.presets) == ["good"]
    assert [(e.file, e.reason.split(":")[0]) for e in loaded.errors] == [
        ("loop.json", "cannot be read")
    ]
    (tmp_path / "folder").symlink_to(tmp_path / "folder")
    looped = load_presets(tmp_path / "folder")
    assert looped.presets == {} and "presets folder unreadable" in looped.errors[0].reason
