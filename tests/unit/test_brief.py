"""The one-page brief, read back from its PDF: one page, the page's numbers, no raster."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from whatif import Scenario, encode_link, evaluate, load_presets
from whatif.brief import BriefInput, Paper, brief_pdf, title_for
from whatif.cli import main
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.scenario import MODEL_VERSION
from whatif.summary import kpi_tiles

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
DAY = dt.date(2026, 11, 25)
HOSTILE = "<script>alert(1)</script> *bold* #set text(red) $x$ [link](javascript:x)"


def brief_of(
    scenario: Scenario, preset_id: str | None = "meta-2025", paper: Paper = "a4", **kw: str
) -> tuple[PdfReader, BriefInput]:
    preset = PRESETS[preset_id] if preset_id else None
    base = preset.scenario if preset else None
    brief = BriefInput(
        result=evaluate(scenario),
        title=kw.get("title", title_for(preset.name if preset else None, scenario, base)),
        origin=kw.get("origin", f"the preset “{preset.name}”" if preset else "the defaults"),
        description=kw.get("description", preset.description if preset else "Custom."),
        link="http://whatif.example/?" + encode_link(scenario, preset_id),
        base=base,
    )
    return PdfReader(io.BytesIO(brief_pdf(brief, paper=paper, today=DAY))), brief


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_brief_is_one_landscape_page_with_no_raster_image() -> None:
    scenario = PRESETS["meta-2025"].scenario.model_copy(update={"price_per_mtok_usd": 6.0})
    for paper in ("a4", "us-letter"):
        pdf, _ = brief_of(scenario, paper=paper)
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.mediabox.width > page.mediabox.height
        assert list(page.images) == []


def test_the_brief_shows_every_kpi_as_the_page_formats_it_and_the_title_date_and_version() -> None:
    preset = PRESETS["meta-2025"]
    scenario = preset.scenario.model_copy(update={"price_per_mtok_usd": 6.0})
    pdf, _ = brief_of(scenario)
    text = pdf.pages[0].extract_text()
    for tile in kpi_tiles(evaluate(scenario), evaluate(preset.scenario)):
        assert tile.label in text and tile.value in text, tile.label
        assert tile.delta is None or tile.delta in text
    assert "Meta FY2025, evidence-based (edited)" in text
    assert "25 November 2026" in text and f"model version {MODEL_VERSION}" in text
    assert "Price per million tokens 5 → 6 ($ / million tokens)" in text


def test_the_brief_writes_out_the_complete_link_and_a_qr_code_of_it() -> None:
    scenario = PRESETS["seed-leak"].scenario
    pdf, brief = brief_of(scenario, "seed-leak")
    assert flat(brief.link) in flat(pdf.pages[0].extract_text())
    assert "Scan to open this scenario" in pdf.pages[0].extract_text()


def test_every_assumption_is_in_the_table_with_its_unit_and_source() -> None:
    pdf, _ = brief_of(PRESETS["capex-trap"].scenario, "capex-trap")
    text = flat(pdf.pages[0].extract_text())
    for label in ("Benefit ramp-up", "Diluted shares", "Discount rate", "AI capex growth"):
        assert flat(label) in text
    assert flat("2.574 billion shares") in text and flat("40,000 employees") in text
    assert flat("Meta FY2025 10-K: 2,574 million diluted") in text


def test_hostile_preset_text_appears_literally() -> None:
    scenario = PRESETS["seed-leak"].scenario
    pdf, _ = brief_of(scenario, "seed-leak", title=HOSTILE, description=HOSTILE * 3)
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1
    assert flat(HOSTILE) in flat(text)


def test_a_long_description_and_many_changes_still_fit_one_page() -> None:
    everything = Scenario(
        horizon_years=10,
        ai_users=1,
        price_per_mtok_usd=99,
        tax_rate_pct=1,
        benefit_ramp_months=60,
        ai_opex_busd_per_year=200,
        discount_rate_pct=50,
        token_growth_pct_per_year=1000,
        capex_growth_pct_per_year=300,
        in_house_share_pct=100,
    )
    pdf, _ = brief_of(everything, "seed-leak", description="word " * 500)
    assert len(pdf.pages) == 1 and list(pdf.pages[0].images) == []
    assert "more (see the table)" in pdf.pages[0].extract_text()


def test_the_cli_writes_the_brief_and_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "brief.pdf"
    assert main(["brief", "--preset", "seed-leak", "-o", str(out)]) == 0
    assert len(PdfReader(out).pages) == 1
    before = out.read_bytes()
    assert main(["brief", "--preset", "seed-leak", "--set", "horizon_years=3", "-o", str(out)]) == 2
    assert f"{out} exists; use --force" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert main(["brief", "--preset", "seed-leak", "-o", str(out), "--force"]) == 0


@pytest.mark.parametrize(
    "argv",
    [["--preset", "nope"], ["--set", "horizon_years=11"], ["--link", "colour=red"]],
)
def test_the_cli_brief_exits_2_on_bad_input_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    out = tmp_path / "brief.pdf"
    assert main(["brief", *argv, "-o", str(out)]) == 2
    assert not out.exists() and "Traceback" not in capsys.readouterr().err


def test_the_cli_brief_links_to_the_address_its_link_came_from(tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    link = "https://whatif.example.com/app?preset=seed-leak&horizon_years=3"
    assert main(["brief", "--link", link, "-o", str(out)]) == 0
    text = flat(PdfReader(out).pages[0].extract_text())
    assert "https://whatif.example.com/app?preset=seed-leak&model_version=3" in text
