"""Preset files in Chromium: the page downloaded as a preset file and applied again."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.served import ROOT, SETTLED_JS, Server
from tests.e2e.conftest import kpis, open_share, query, settle, tab_metrics, upload
from whatif.presets import DEFAULT_PRESETS_DIR

pytestmark = pytest.mark.e2e


def changes_listed(page: Page) -> str:
    """What the changes note lists, without what it is measured from."""
    note = page.get_by_test_id("stAlertContentInfo").filter(has_text="Changed from")
    return note.inner_text().rsplit("”: ", 1)[-1]


def uncertainty(page: Page) -> dict[str, str]:
    """The Uncertainty tab's percentiles: they follow the page's ranges and correlations."""
    page.get_by_role("tab", name="Uncertainty", exact=True).click()
    expect(page.get_by_text("Probability NPV > 0")).to_be_visible(timeout=30_000)
    settle(page, charts=1)
    return tab_metrics(page)


def test_a_downloaded_preset_file_uploaded_again_shows_the_same_numbers_changes_and_ranges(
    page: Page, app_server: Server, tmp_path: Path, repo_files_unchanged: None
) -> None:
    page.goto(app_server.url + "?preset=capex-trap&price_per_mtok_usd=7.25&horizon_years=7")
    settle(page)
    shown = (kpis(page), changes_listed(page), query(page))
    ranged = uncertainty(page)
    page.get_by_role("tab", name="Overview", exact=True).click()
    settle(page)
    open_share(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a preset file (JSON)").click()
    path = tmp_path / "mine.json"
    download.value.save_as(path)
    document = json.loads(path.read_text())
    assert document["extends"] == "capex-trap"
    assert document["values"] == {"price_per_mtok_usd": 7.25, "horizon_years": 7}
    # `whatif presets check` accepts it beside the presets it extends.
    folder = tmp_path / "presets"
    shutil.copytree(DEFAULT_PRESETS_DIR, folder)
    shutil.copy(path, folder)
    checked = subprocess.run(
        [sys.executable, "-m", "whatif", "presets", "check", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert checked.returncode == 0, checked.stdout
    # A new session on the default preset, then the file.
    page.goto(app_server.url)
    settle(page)
    open_share(page)
    upload(page, path)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("nothing was saved")
    expect(page.get_by_role("combobox", name="Preset")).to_have_value(
        "Bear: the capex trap + your file “Bear: the capex trap (edited)”"
    )
    page.wait_for_url("**preset=capex-trap**")
    settle(page)
    assert (kpis(page), changes_listed(page), query(page)) == shown
    assert uncertainty(page) == ranged
    assert len(ranged) == 4 and "Probability NPV > 0" in ranged


def test_an_edit_as_json_with_a_syntax_error_keeps_the_text_and_names_the_line(
    page: Page, app_server: Server, repo_files_unchanged: None
) -> None:
    page.goto(app_server.url + "?preset=seed-leak&price_per_mtok_usd=7")
    settle(page)
    before = (kpis(page), query(page))
    open_share(page)
    page.get_by_text("Edit as JSON").click()
    editor = page.get_by_role("textbox", name="The scenario as a preset file")
    expect(editor).to_have_value(re.compile('"extends": "seed-leak"'))
    # The run that opened the editor has ended: a click while it still runs can be lost
    # (CI saw no message at all once, with the edited text in the box).
    page.wait_for_function(SETTLED_JS, timeout=30_000)
    broken = editor.input_value().replace('"values": {', '"values": {,', 1)
    line = broken[: broken.index('"values": {,')].count("\n") + 1
    editor.fill(broken)
    page.get_by_role("button", name="Apply to this session").click()
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(
        f"the edited JSON, line {line} column", timeout=15_000
    )
    expect(editor).to_have_value(broken)
    settle(page)
    assert (kpis(page), query(page)) == before
