"""The page in a real browser: sliders, the address bar, presets, bad links and files."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from bench.served import ROOT, Server, slider
from tests.e2e.conftest import (
    TILES,
    changed,
    expected,
    kpis,
    kpis_in_a_fresh_browser,
    open_about,
    price_steps_right,
    query,
    settle,
    tab_metrics,
    tile_value,
)
from tests.samples import DEFAULT_TILES
from tests.unit.reference import VERSION_1, VERSION_2
from whatif import Scenario, load_presets
from whatif.formatting import format_kpi
from whatif.presets import DEFAULT_PRESET_ID, DEFAULT_PRESETS_DIR, fingerprint

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets

# What a reader sees, written by hand rather than by the page's formatter: the one place to
# update when the presets or the model change these numbers.
# The seed-leak preset's Uncertainty tab: its seeded Monte Carlo of NPV.
SEED_LEAK_UNCERTAINTY = {
    "NPV, P10": "$91.2B",
    "NPV, P50": "$211B",
    "NPV, P90": "$362B",
    "Probability NPV > 0": "99.9%",
}


def own_params(preset_id: str) -> dict[str, list[str]]:
    """The address bar of an unchanged preset: the preset, its fingerprint, the version."""
    return {
        "preset": [preset_id],
        "preset_fp": [fingerprint(PRESETS[preset_id].scenario)],
        "model_version": ["3"],
    }


def test_the_page_opens_on_the_evidence_preset_with_kpis_and_charts(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url)
    settle(page)
    expect(page.get_by_role("heading", name="What does AI spending do")).to_be_visible()
    assert kpis(page) == DEFAULT_TILES
    assert query(page) == own_params("meta-2025")


# The amounts printed on the income bridge's bars that a reader can see (opacity above 0).
BRIDGE_AMOUNTS_JS = """() => {
    const bridge = [...document.querySelectorAll('.vega-embed svg')].find((svg) =>
        svg.textContent.includes('Where does year-1 operating income go?'));
    return [...bridge.querySelectorAll('.mark-text.role-mark text')]
        .filter((text) => Number(getComputedStyle(text).opacity) > 0
                          && text.getAttribute('opacity') !== '0')
        .map((text) => text.textContent);
}"""


def test_the_income_bridge_spans_the_page_with_each_steps_amount_on_its_bar(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    amounts = page.evaluate(BRIDGE_AMOUNTS_JS)
    assert len(amounts) == 8 and all("$" in amount for amount in amounts), amounts


def test_a_keyboard_move_of_a_slider_updates_the_address_bar_kpis_and_charts(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    bridge = page.locator(".vega-embed").first
    before = bridge.inner_html()
    assert price_steps_right(page, 4) == "6"  # $5 -> $6
    want = expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=6))
    expect(tile_value(page, "NPV at 9%")).to_have_text(want["NPV at 9%"])
    settle(page)
    assert kpis(page) == want
    assert bridge.inner_html() != before, "the income bridge was not redrawn"
    expect(page.get_by_text("Changed from the preset")).to_be_visible()


def test_the_address_bar_opened_in_a_fresh_browser_shows_the_same_kpis(
    page: Page, app_server: Server, browser: Browser
) -> None:
    page.goto(app_server.url + "?preset=seed-leak")
    settle(page)
    capex = slider(page, "ai_capex_busd_per_year")
    capex.focus()
    capex.press("PageUp")
    page.wait_for_url("**ai_capex_busd_per_year=**")
    capex_now = float(query(page)["ai_capex_busd_per_year"][0])
    want = expected(changed(PRESETS["seed-leak"].scenario, ai_capex_busd_per_year=capex_now))
    expect(tile_value(page, "NPV at 9%")).to_have_text(want["NPV at 9%"])
    settle(page)
    assert kpis(page) == want
    assert kpis_in_a_fresh_browser(browser, page.url) == want


def test_choosing_a_preset_sets_the_sliders_and_the_link(page: Page, app_server: Server) -> None:
    page.goto(app_server.url + "?preset=meta-2025&price_per_mtok_usd=7")
    settle(page)
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Seed leak at list price").click()
    page.wait_for_url("**preset=seed-leak**")
    settle(page)
    price = slider(page, "price_per_mtok_usd")
    expect(price).to_have_value("15")
    assert query(page) == own_params("seed-leak")
    assert kpis(page) == expected(PRESETS["seed-leak"].scenario)


def test_a_bad_link_shows_the_page_with_a_warning_naming_each_ignored_parameter(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=nope&price_per_mtok_usd=abc&colour=red&horizon_years=3")
    settle(page)
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("This link had parts that were ignored")
    for name in ("preset=nope", "price_per_mtok_usd=abc", "colour=red"):
        expect(warning).to_contain_text(name)
    default = PRESETS[DEFAULT_PRESET_ID].scenario
    assert kpis(page) == expected(default.model_copy(update={"horizon_years": 3}))
    expect(page.get_by_text("Traceback")).to_have_count(0)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def hostile_presets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("presets")
    good = {"name": "Good one", "description": "Works.", "values": {"horizon_years": 4}}
    (folder / "good.json").write_text(json.dumps(good))
    (folder / "syntax.json").write_text('{\n  "name": "x",\n  "description": \n}')
    (folder / "range.json").write_text(json.dumps({**good, "values": {"ai_users": -5}}))
    (folder / "hostile.json").write_text(
        json.dumps(
            {
                **good,
                "name": "<script>window.__xss = 1</script>",
                "description": (
                    '<img src=x onerror="window.__xss = 2"> [click](javascript:window.__xss=3)'
                ),
            }
        )
    )
    return folder


@pytest.fixture(scope="module")
def hostile_server(hostile_presets: Path) -> Iterator[Server]:
    server = Server(presets_dir=hostile_presets)
    yield server
    server.stop()


def test_broken_and_hostile_preset_files_are_named_and_nothing_runs(
    page: Page, hostile_server: Server, hostile_presets: Path
) -> None:
    before = _digest(hostile_presets)
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto(hostile_server.url + "?preset=hostile")
    settle(page)
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("syntax.json, line 4")
    expect(error).to_contain_text("range.json, field values.ai_users")
    open_about(page)
    expect(page.get_by_text("<script>window.__xss = 1</script>").first).to_be_visible()
    expect(page.get_by_text('<img src=x onerror="window.__xss = 2">', exact=False)).to_be_visible()
    page.get_by_text("click](javascript").first.click()
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert kpis(page) == expected(Scenario(horizon_years=4))
    assert _digest(hostile_presets) == before


@pytest.mark.parametrize(
    ("tab", "charts", "metrics", "text", "numbers"),
    [
        ("Break-even", 0, 0, "What would you need to believe for this to pay?", {}),
        ("Sensitivity", 1, 0, "Lows and highs: the preset's ranges", {}),
        ("Break-even map", 1, 0, "Across", {}),
        ("Uncertainty", 1, 4, "Probability NPV > 0", SEED_LEAK_UNCERTAINTY),
    ],
)
def test_each_analysis_tab_draws_for_the_link_in_the_browser(
    page: Page,
    app_server: Server,
    tab: str,
    charts: int,
    metrics: int,
    text: str,
    numbers: dict[str, str],
) -> None:
    page.goto(app_server.url + "?preset=seed-leak")
    settle(page)
    page.get_by_role("tab", name=tab, exact=True).click()
    expect(page.get_by_text(text).first).to_be_visible(timeout=30_000)
    settle(page, charts=charts)
    # The tab's own metrics, beside the live control's tiles, read as the page shows them.
    expect(page.get_by_test_id("stTabs").get_by_test_id("stMetric")).to_have_count(metrics)
    assert tab_metrics(page).items() >= numbers.items()
    assert query(page) == own_params("seed-leak")


def test_a_bad_link_pasted_into_the_comparison_is_named_and_the_rest_compared(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    page.get_by_role("tab", name="Compare", exact=True).click()
    links = page.get_by_label("Or paste share links, one per line")
    links.fill("preset=capex-trap&colour=red\nhttp://example.test/?preset=seed-leak")
    links.press("Control+Enter")
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("Link 1 had parts that were ignored")
    expect(warning).to_contain_text("colour=red")
    expect(page.get_by_test_id("stTabs").get_by_test_id("stDataFrame")).to_be_visible(
        timeout=30_000
    )
    settle(page, charts=1)


def test_the_page_shows_the_numbers_the_cli_prints_for_the_same_link(
    page: Page, app_server: Server
) -> None:
    link = app_server.url + "?preset=vertical-integration&price_per_mtok_usd=12.5&horizon_years=8"
    page.goto(link)
    settle(page)
    printed = subprocess.run(
        [sys.executable, "-m", "whatif", "--link", link],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.splitlines()
    cli = {}
    for line in printed[:TILES]:  # the headline tiles, "label  value"
        label, value = line.rsplit("  ", 1)
        cli[label.strip()] = value.strip()
    assert kpis(page) == cli


@pytest.mark.parametrize(
    ("links", "implied"),
    [
        # meta-2025 now ramps over 12 months; a version-1 link predates that.
        (VERSION_1, "benefit_ramp_months=0"),
        # It now charges half its capex to the programme; a version-2 link predates that.
        (VERSION_2, "capex_attributed_pct=100"),
    ],
    ids=["version 1", "version 2"],
)
def test_an_older_share_link_keeps_its_numbers_and_the_address_bar_keeps_that_meaning(
    page: Page, app_server: Server, browser: Browser, links: dict[str, Any], implied: str
) -> None:
    case = next(c for c in links["links"] if "preset=meta-2025" in c["link"])
    page.goto(app_server.url + "?" + urlparse(case["link"]).query)
    settle(page)
    shown = kpis(page)
    assert shown["NPV at 9%"] == format_kpi(case["kpis"]["npv_usd"], "usd")
    assert shown["ROI over 5 years"] == format_kpi(case["kpis"]["roi_pct"], "pct")
    page.wait_for_url(f"**{implied}**")
    assert query(page)["model_version"] == ["3"]
    assert kpis_in_a_fresh_browser(browser, page.url) == shown


def test_the_price_calculator_sets_the_price_slider_and_the_link_carries_only_the_price(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    page.get_by_role("button", name="Blend from models").click()
    expect(page.get_by_text("Prices as of")).to_be_visible(timeout=30_000)
    # The default mix: the first model of the price book, 90% input, half of it cached.
    first = next(
        iter(json.loads((ROOT / "assets" / "pricebook.json").read_text())["models"].values())
    )
    blended = 0.9 * (0.5 * first["cached_input"] + 0.5 * first["input"]) + 0.1 * first["output"]
    price = f"{round(blended, 4):g}"
    page.get_by_role("button", name=f"Set the price slider to ${price}").click()
    page.wait_for_url(f"**price_per_mtok_usd={price}**")
    assert not any(key.startswith("mix") for key in query(page))
    want = expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=float(price)))
    expect(tile_value(page, "Token spend, year 1")).to_have_text(want["Token spend, year 1"])


def test_a_model_added_to_the_price_mix_takes_the_share_the_first_leaves(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    page.get_by_role("button", name="Blend from models").click()
    expect(page.get_by_text("Prices as of")).to_be_visible(timeout=30_000)
    first, second = list(
        json.loads((ROOT / "assets" / "pricebook.json").read_text())["models"].values()
    )[:2]
    first_share = page.get_by_label(f"{first['name']}, % of tokens")
    expect(first_share).to_have_value("100.00")
    first_share.fill("50")
    first_share.press("Enter")
    expect(first_share).to_have_value("50.00")
    page.get_by_label("Models in the mix").click()
    page.get_by_role("option", name=f"{second['name']} ({second['vendor']})").click()
    page.keyboard.press("Escape")
    expect(page.get_by_label(f"{second['name']}, % of tokens")).to_have_value("50.00")
    expect(page.get_by_text("not 100%")).to_have_count(0)
    blended = sum(
        0.5 * (0.9 * (0.5 * m["cached_input"] + 0.5 * m["input"]) + 0.1 * m["output"])
        for m in (first, second)
    )
    expect(
        page.get_by_role("button", name=f"Set the price slider to ${round(blended, 4):g}")
    ).to_be_visible()


def test_a_link_opened_after_its_preset_was_edited_says_so_in_one_line(
    page: Page, tmp_path: Path
) -> None:
    folder = tmp_path / "presets"
    shutil.copytree(DEFAULT_PRESETS_DIR, folder)
    server = Server(presets_dir=folder)
    try:
        page.goto(server.url + "?preset=seed-leak&price_per_mtok_usd=5")
        settle(page)
        page.wait_for_url("**preset_fp=**")
        link = page.url
        expect(page.get_by_text("was edited after this link was made")).to_have_count(0)
        # An analyst edits the preset; the old link now means other numbers.
        seed = folder / "seed-leak.json"
        document = json.loads(seed.read_text())
        document["values"]["tokens_per_month_t"] = 90
        seed.write_text(json.dumps(document))
        page.goto(link)
        settle(page)
        note = page.get_by_text("was edited after this link was made")
        expect(note).to_be_visible()
        expect(note).to_contain_text("Seed leak at list price")
        expect(page.get_by_text("share the complete link")).to_be_visible()
        # The page shows the preset's current values; the bar now carries its new fingerprint.
        edited = load_presets(folder).presets["seed-leak"].scenario
        assert kpis(page) == expected(changed(edited, price_per_mtok_usd=5))
        page.wait_for_url(f"**preset_fp={fingerprint(edited)}**")
    finally:
        server.stop()
