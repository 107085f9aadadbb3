"""Preset files in the page: an applied file keeps its lineage, the download reproduces
the page, bad files change nothing, and the address bar holds only what applies."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from app.lineage import Lineage
from app.share import brief_bytes
from whatif import Preset, Scenario, evaluate, load_presets
from whatif.analysis import simulate
from whatif.formatting import format_kpi
from whatif.presets import DEFAULT_PRESET_ID, DEFAULT_PRESETS_DIR, fingerprint
from whatif.summary import changes, kpi_tiles

Page = Callable[..., AppTest]
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
TRAP = PRESETS["capex-trap"]
CORRELATION = {
    "fields": ["price_per_mtok_usd", "token_growth_pct_per_year"],
    "rank": -0.5,
    "source": "Dearer tokens are used less",
}
# A file over the capex trap: a price of its own, a range for it, and a correlation.
MINE = {
    "name": "Mine",
    "description": "The capex trap at $9 per million tokens.",
    "extends": "capex-trap",
    "sources": ["My own estimate"],
    "values": {"price_per_mtok_usd": 9},
    "ranges": {"price_per_mtok_usd": [6, 12]},
    "correlations": [CORRELATION],
}
MINE_SCENARIO = TRAP.scenario.model_copy(update={"price_per_mtok_usd": 9.0})


@pytest.fixture
def presets_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped presets the page reads; the test fails if anything wrote to it."""
    folder = tmp_path / "presets"
    shutil.copytree(DEFAULT_PRESETS_DIR, folder)
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(folder))

    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    before = digest()
    yield folder
    assert digest() == before


def open_share(app: AppTest) -> AppTest:
    app.session_state["share_open"] = True
    return app.run()


def upload(app: AppTest, content: bytes | str, name: str = "mine.json") -> AppTest:
    raw = content.encode() if isinstance(content, str) else content
    app.file_uploader(key="upload").set_value((name, raw, "application/json"))
    return app.run()


def open_editor(app: AppTest) -> AppTest:
    app.session_state["share_open"] = True
    app.session_state["json_open"] = True
    return app.run()


def downloaded(app: AppTest) -> str:
    """The page as a preset file: what both download buttons write (the editor's text,
    followed from the page until it is edited)."""
    text = open_editor(app).text_area(key="json_text").value
    assert text is not None
    return text


def apply_json(app: AppTest, text: str) -> AppTest:
    app.text_area(key="json_text").input(text).run()
    next(b for b in app.button if b.label == "Apply to this session").click()
    return app.run()


def tiles(app: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta or "") for m in app.metric}


def expected_tiles(scenario: Scenario, base: Scenario) -> dict[str, tuple[str, str]]:
    reference = evaluate(base) if scenario != base else None
    return {t.label: (t.value, t.delta or "") for t in kpi_tiles(evaluate(scenario), reference)}


def fields(app: AppTest) -> dict[str, Any]:
    return {name: app.session_state[name] for name in Scenario.model_fields}


def note(app: AppTest) -> str:
    """The changes note ("Changed from ..."), or "" when nothing changed."""
    return next(
        (i.value.replace("\\", "") for i in app.info if i.value.startswith("Changed from")), ""
    )


def what_changed(app: AppTest) -> str:
    """The note's list of changes, without what they are measured from."""
    return note(app).rsplit("”: ", 1)[-1]


def file_shown(app: AppTest) -> Preset:
    """The file the session applied (its ranges and correlations are the page's)."""
    applied: tuple[str, Preset] = app.session_state["applied_file"]
    return applied[1]


def test_a_file_extending_a_preset_is_measured_against_it_with_its_own_ranges(
    page: Page, presets_folder: Path
) -> None:
    app = upload(open_share(page()), json.dumps(MINE))
    assert not app.exception and not app.error
    selector = app.selectbox(key="preset_choice")
    assert selector.options[0] == "Bear: the capex trap + your file “Mine”"
    assert selector.value == "+file"
    assert "Choosing a preset leaves it" in app.sidebar.caption[0].value
    caption = app.caption[0].value.replace("\\", "")
    assert caption.startswith("**Mine** (your file, applied to this session only)")
    assert "Based on “Bear: the capex trap”" in caption and "My own estimate" in caption
    assert note(app) == (
        "Changed from the preset “Bear: the capex trap”, with your file “Mine”: "
        + "; ".join(changes(MINE_SCENARIO, TRAP.scenario))
    )
    assert tiles(app) == expected_tiles(MINE_SCENARIO, TRAP.scenario)
    # The address bar names the preset it is measured against, and what differs.
    assert app.query_params["preset"] == "capex-trap"
    assert app.query_params["preset_fp"] == fingerprint(TRAP.scenario)
    assert app.query_params["price_per_mtok_usd"] == "9"
    # The Uncertainty tab draws the file's ranges and correlations, merged over the trap's.
    app.session_state["analysis_tab"] = "Uncertainty"
    app.run()
    assert file_shown(app).ranges == {**TRAP.ranges, "price_per_mtok_usd": (6, 12)}
    simulation = simulate(
        MINE_SCENARIO, file_shown(app).ranges, correlations=file_shown(app).correlations
    )
    assert {m.label: m.value for m in app.metric}["Probability NPV > 0"] == format_kpi(
        simulation.probability_npv_positive * 100, "pct"
    )
    how = next(c.value for c in app.caption if "Triangular draws" in c.value).replace("\\", "")
    assert "Price per million tokens" in how and "Dearer tokens are used less" in how
    assert TRAP.correlations[0].source.replace("\\", "")[:40] in how


def test_a_file_without_a_parent_is_measured_against_the_default_preset(
    page: Page, presets_folder: Path
) -> None:
    alone = TRAP.scenario.model_copy(update={"price_per_mtok_usd": 9.0})
    document = {"name": "Alone", "description": "No parent.", "values": alone.model_dump()}
    app = upload(open_share(page(preset="seed-leak")), json.dumps(document))
    default = PRESETS[DEFAULT_PRESET_ID]
    assert app.selectbox(key="preset_choice").options[0] == (
        f"Your file “Alone”, measured against {default.name}"
    )
    assert f"Measured against “{default.name}”" in app.caption[0].value.replace("\\", "")
    assert tiles(app) == expected_tiles(alone, default.scenario)
    assert app.query_params["preset"] == DEFAULT_PRESET_ID
    assert file_shown(app).ranges == {}  # its own, none: nothing merges in from a parent
    # Written back, it stands alone again: every field, no "extends".
    written = json.loads(downloaded(app))
    assert "extends" not in written and written["values"] == alone.model_dump()


def test_applying_an_unchanged_preset_as_json_changes_no_number_and_shows_no_change(
    page: Page, presets_folder: Path
) -> None:
    app = page(preset="capex-trap")
    before, address = tiles(app), dict(app.query_params)
    app = apply_json(open_editor(app), downloaded(app))
    assert "nothing was saved" in app.success[0].value
    assert tiles(app) == before
    assert note(app) == ""
    assert dict(app.query_params) == address


def test_choosing_a_preset_or_resetting_to_it_leaves_the_file(
    page: Page, presets_folder: Path
) -> None:
    app = upload(open_share(page()), json.dumps(MINE))
    app.selectbox(key="preset_choice").set_value("capex-trap").run()
    assert app.selectbox(key="preset_choice").options[0] == PRESETS["capex-trap"].name
    assert fields(app) == TRAP.scenario.model_dump() and note(app) == ""
    assert "applied_file" not in app.session_state
    app = upload(app, json.dumps(MINE | {"name": "Again"}), "again.json")
    next(b for b in app.button if b.label == "Reset to preset").click().run()
    assert app.selectbox(key="preset_choice").value == "capex-trap"
    assert fields(app) == TRAP.scenario.model_dump() and note(app) == ""


ROUND_TRIPS = {
    "an edited preset": ({"preset": "capex-trap", "price_per_mtok_usd": "7.25"}, None),
    "an applied file moved further": ({"horizon_years": "7"}, MINE),
}


@pytest.mark.parametrize(("link", "file"), ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_a_downloaded_preset_file_applied_again_gives_the_same_numbers_changes_and_ranges(
    page: Page, presets_folder: Path, link: dict[str, str], file: dict[str, Any] | None
) -> None:
    app = page(**link)
    if file:
        app = upload(open_share(app), json.dumps(file))
        app.session_state["horizon_years"] = 7  # a move after applying it
        app.run()
    shown = (tiles(app), what_changed(app), dict(app.query_params))
    ranges = file_shown(app).ranges if file else TRAP.ranges
    correlations = set(file_shown(app).correlations if file else TRAP.correlations)
    text = downloaded(app)
    document = json.loads(text)
    assert document["extends"] == "capex-trap" and None not in document.values()
    assert set(document["values"]) == {k for k in link if k != "preset"} | (
        set(file["values"]) if file else set()
    )
    (presets_folder / "downloaded.json").write_text(text)  # `whatif presets check` accepts it
    assert not load_presets(presets_folder).errors
    (presets_folder / "downloaded.json").unlink()
    again = upload(open_share(page()), text, "downloaded.json")
    assert (tiles(again), what_changed(again), dict(again.query_params)) == shown
    assert file_shown(again).ranges == ranges
    assert set(file_shown(again).correlations) == correlations


def test_the_brief_of_an_applied_file_has_its_name_and_is_measured_against_its_parent() -> None:
    file = Preset("mine", "Mine", "Mine, described.", (), {}, MINE_SCENARIO, extends="capex-trap")
    pdf = brief_bytes(evaluate(MINE_SCENARIO), Lineage("capex-trap", TRAP, file), "http://x/")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Mine" in text and "Mine, described." in text
    assert "Bear: the capex trap" in text and "your file" in text


BAD_UPLOADS = {
    "broken JSON": (b'{"name": "x",\n "description": }', "mine.json, line 2 column 17"),
    "a missing parent": (
        json.dumps({"name": "x", "description": "y", "extends": "capex-trapp"}).encode(),
        "no preset 'capex-trapp' (did you mean 'capex-trap'?)",
    ),
    "a broken parent": (
        json.dumps({"name": "x", "description": "y", "extends": "broken"}).encode(),
        "'broken' could not be loaded (see its own error)",
    ),
    "over 1 MB": (b"{" + b" " * 1_000_000 + b"}", "refused: larger than 1 MB"),
}


@pytest.mark.parametrize(("content", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_a_bad_upload_changes_nothing_in_the_session_and_writes_no_preset_file(
    page: Page, presets_folder: Path, content: bytes, message: str
) -> None:
    (presets_folder / "broken.json").write_text('{"name": "broken"')
    app = open_share(page(preset="seed-leak", price_per_mtok_usd="7"))
    before = (fields(app), tiles(app), dict(app.query_params), app.selectbox[0].value)
    app = upload(app, content)
    assert not app.exception
    assert message in app.error[-1].value.replace("\\", "")
    assert (fields(app), tiles(app), dict(app.query_params), app.selectbox[0].value) == before
    (presets_folder / "broken.json").unlink()


def test_an_edit_with_a_syntax_error_keeps_the_text_names_the_line_and_changes_nothing(
    page: Page, presets_folder: Path
) -> None:
    app = open_editor(page(preset="seed-leak", price_per_mtok_usd="7"))
    before = (fields(app), tiles(app), dict(app.query_params))
    broken = downloaded(app).replace('"values": {', '"values": {,', 1)
    app = apply_json(app, broken)
    error = app.error[0].value.replace("\\", "")
    line = broken[: broken.index('"values": {,')].count("\n") + 1
    assert f"the edited JSON, line {line} column" in error and "invalid JSON" in error
    assert app.text_area(key="json_text").value == broken
    assert (fields(app), tiles(app), dict(app.query_params)) == before


HOSTILE = {
    "unknown parameters": (
        "preset=seed-leak&colour=red&%3Cimg%3E=1&price_per_mtok_usd=7",
        {"price_per_mtok_usd": "7"},
    ),
    "300 junk parameters": (
        "&".join(f"junk{i}=1" for i in range(300)) + "&preset=seed-leak&horizon_years=7",
        {"horizon_years": "7"},
    ),
    "duplicated parameters": (
        "preset=capex-trap&preset=seed-leak&horizon_years=6&horizon_years=7&view=present"
        "&view=present&price_per_mtok_usd=abc&price_per_mtok_usd=15",
        {"horizon_years": "7", "view": "present"},
    ),
}


@pytest.mark.parametrize(("query", "kept"), HOSTILE.values(), ids=HOSTILE.keys())
def test_after_a_hostile_link_the_address_bar_holds_only_what_applies(
    page: Page, query: str, kept: dict[str, str]
) -> None:
    app = page(**_pairs(query))
    seed = PRESETS["seed-leak"].scenario
    assert dict(app.query_params) == {
        "preset": "seed-leak",
        "preset_fp": fingerprint(seed),
        "model_version": "3",
        **kept,
    }
    warnings = app.warning[0].value.replace("\\", "")
    assert warnings.count('"preset=') <= 1 and warnings.count('"price_per_mtok_usd=') <= 1
    assert warnings.count('"horizon_years=') <= 1


def _pairs(query: str) -> dict[str, str | list[str]]:
    """A query string as AppTest takes it: a repeated name as a list of its values."""
    grouped: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        grouped.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}
