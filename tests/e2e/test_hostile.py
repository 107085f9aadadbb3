"""The page under hostile links, hostile preset files, uploads and two servers at once."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, Page, expect

from bench.served import Server, slider
from tests.e2e.conftest import expected, kpis, open_about, open_share, query, settle, upload
from whatif import load_presets
from whatif.presets import DEFAULT_PRESETS_DIR, fingerprint

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
XSS = "window.__xss = 1"


def watch_for_scripts(page: Page) -> list[str]:
    """Dialogs opened by the page; a script that ran would also set window.__xss."""
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def nothing_ran(page: Page, dialogs: list[str]) -> None:
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    expect(page.get_by_text("Traceback")).to_have_count(0)


NASTY_LINKS = {
    "infinities and nan": "price_per_mtok_usd=1e999&horizon_years=nan&ai_users=-0",
    "script in a value": "colour=" + quote("<script>alert(1)</script>"),
    "image tag as a name": quote(f"<img src=x onerror='{XSS}'>") + "=1&preset=..%2Fetc",
    "javascript link": "preset="
    + quote("javascript:alert(1)")
    + "&x="
    + quote("[a](javascript:alert(1))"),
    "three hundred junk parameters": "&".join(f"junk{i}=1" for i in range(300)),
    "a 3,000-digit number": "tokens_per_month_t=" + "9" * 3000,
    "repeats, controls and bidi": "preset=seed-leak&preset=capex-trap&revenue_busd=1&%E2%80%AE=%00",
}


@pytest.mark.parametrize("query", NASTY_LINKS.values(), ids=NASTY_LINKS.keys())
def test_a_nasty_link_shows_the_page_with_a_warning_and_runs_nothing(
    page: Page, app_server: Server, query: str
) -> None:
    dialogs = watch_for_scripts(page)
    page.goto(f"{app_server.url}?{query}")
    settle(page)
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text(
        "This link had parts that were ignored"
    )
    nothing_ran(page, dialogs)


ADDRESSES = {
    "unknown parameters": (
        "preset=seed-leak&colour=red&" + quote("<img>") + "=1&price_per_mtok_usd=7",
        {"price_per_mtok_usd": ["7"]},
    ),
    "three hundred junk parameters": (NASTY_LINKS["three hundred junk parameters"], {}),
    "duplicated parameters": (
        "preset=capex-trap&preset=seed-leak&horizon_years=6&horizon_years=7"
        "&price_per_mtok_usd=abc&price_per_mtok_usd=15",
        {"horizon_years": ["7"]},
    ),
}


@pytest.mark.parametrize(("link", "kept"), ADDRESSES.values(), ids=ADDRESSES.keys())
def test_after_a_hostile_link_the_address_bar_holds_only_what_applies(
    page: Page, app_server: Server, link: str, kept: dict[str, list[str]]
) -> None:
    page.goto(f"{app_server.url}?{link}")
    settle(page)
    preset = "seed-leak" if "preset=" in link else "meta-2025"
    want = {
        "preset": [preset],
        "preset_fp": [fingerprint(PRESETS[preset].scenario)],
        "model_version": ["3"],
        **kept,
    }
    page.wait_for_url(lambda url: "junk" not in url and "colour" not in url)
    assert query(page) == want
    warning = page.get_by_test_id("stAlertContentWarning").inner_text()
    for name in ("preset", "horizon_years", "price_per_mtok_usd", "colour"):
        assert warning.count(f'"{name}=') <= 1, name


def test_hostile_text_in_link_names_and_preset_sources_is_shown_as_text(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("presets")
    (folder / "hostile.json").write_text(
        json.dumps(
            {
                "name": "Sources test",
                "description": "Plain.",
                "sources": [
                    f"<img src=x onerror='{XSS}'>",
                    "[click me](javascript:alert(1))",
                    "<a href='javascript:alert(2)'>link</a>",
                ],
                "values": {},
            }
        )
    )
    server = Server(presets_dir=folder)
    try:
        dialogs = watch_for_scripts(page)
        name = quote(f"<img src=x onerror='{XSS}'>")
        page.goto(f"{server.url}?preset=hostile&{name}=1")
        settle(page)
        open_about(page)
        expect(page.get_by_text("[click me](javascript:alert(1))", exact=False)).to_be_visible()
        expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("<img src=x")
        page.get_by_text("click me", exact=False).first.click()
        nothing_ran(page, dialogs)
        assert page.locator("a[href^='javascript']").count() == 0
    finally:
        server.stop()


def test_an_uploaded_preset_applies_to_the_session_only(
    page: Page, app_server: Server, tmp_path: Path, repo_files_unchanged: None
) -> None:
    mine = PRESETS["seed-leak"].scenario.model_copy(update={"price_per_mtok_usd": 9.0})
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps({"name": "Mine", "description": "Uploaded.", "values": mine.model_dump()})
    )
    page.goto(app_server.url)
    settle(page)
    open_share(page)
    # The box states the limit the page applies.
    expect(page.get_by_test_id("stFileUploaderDropzoneInstructions")).to_contain_text(
        "1MB per file"
    )
    upload(page, path)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("nothing was saved")
    settle(page)
    assert kpis(page) == expected(mine)
    expect(slider(page, "price_per_mtok_usd")).to_have_value("9")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"name": "x",\n "description": }', "mine.json, line 2 column 17: invalid JSON"),
        (
            json.dumps({"name": "x", "description": "y", "values": {"horizon_years": 99}}).encode(),
            "values.horizon_years",
        ),
        (
            json.dumps({"name": "x", "description": "y", "extends": "capex-trapp"}).encode(),
            "no preset 'capex-trapp' (did you mean 'capex-trap'?)",
        ),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        # Over the limit the box states, the box itself refuses it before the page sees it.
        (b" " * 1_000_001, "File must be 1.0MB or smaller"),
    ],
    ids=["syntax error", "out of range", "missing parent", "not text", "over 1 MB"],
)
def test_a_bad_upload_is_refused_with_a_clear_message(
    page: Page,
    app_server: Server,
    tmp_path: Path,
    repo_files_unchanged: None,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "mine.json"
    path.write_bytes(content)
    page.goto(app_server.url)
    settle(page)
    before = kpis(page)
    open_share(page)
    upload(page, path)
    expect(page.get_by_text(message, exact=False).first).to_be_visible()
    settle(page)
    assert kpis(page) == before


def test_two_servers_show_the_same_numbers_for_the_same_link(
    page: Page, app_server: Server
) -> None:
    link = "?preset=capex-trap&ai_capex_busd_per_year=90&horizon_years=7"
    second = Server()
    try:
        shown = []
        for server in (app_server, second):
            page.goto(server.url + link)
            settle(page)
            shown.append(kpis(page))
    finally:
        second.stop()
    assert (
        shown[0]
        == shown[1]
        == expected(
            PRESETS["capex-trap"].scenario.model_copy(
                update={"ai_capex_busd_per_year": 90.0, "horizon_years": 7}
            )
        )
    )
