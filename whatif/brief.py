"""The one-page brief: a scenario as a landscape PDF to circulate after a meeting.

Pure: a Result in, PDF bytes out, no streamlit. The page is typeset by Typst
(`brief.typ` beside this file), charts are the page's own Vega-Lite specs
rendered to SVG without a browser (vl-convert), and the QR code is drawn as
vector squares (segno), so nothing in the PDF is a raster image and it prints
sharply at any size. Every value reaches Typst as JSON data, never as markup,
so preset names, descriptions and sources appear literally.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import typst
import vl_convert

from whatif import charts
from whatif.links import format_number
from whatif.model import Result, evaluate
from whatif.qr import qr_svg
from whatif.scenario import FIELDS, MODEL_VERSION, FieldSpec, Scenario
from whatif.summary import changes, investor_story, kpi_tiles

Paper = Literal["a4", "us-letter"]
TEMPLATE: Final = Path(__file__).with_name("brief.typ")
MAX_DESCRIPTION_CHARS: Final = 240
MAX_CHANGES: Final = 9
ASSUMPTION_COLUMNS: Final = 3
ROW_WEIGHT: Final = 60  # a row's label and value, in characters of source note
CHART_SIZE: Final = {"width": 520, "height": 200}
CHART_FONT: Final = "Libertinus Serif"  # the brief's own font, embedded in Typst


@dataclass(frozen=True)
class BriefInput:
    """What the brief shows: the result, what it is compared with, and how to find it again.

    `base` is the preset's scenario (None for the model defaults); `origin` names it.
    """

    result: Result
    title: str
    origin: str
    description: str
    link: str
    base: Scenario | None = None


def title_for(preset_name: str | None, scenario: Scenario, base: Scenario | None) -> str:
    """The preset's name, "(edited)" when the scenario differs from it."""
    name = preset_name or "Model defaults"
    return f"{name} (edited)" if base is not None and scenario != base else name


def _clamped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart_svg(drawing: charts.Drawing) -> str:
    spec = drawing.to_dict() | CHART_SIZE
    spec["config"] = {**spec.get("config", {}), "font": CHART_FONT}
    return str(vl_convert.vegalite_to_svg(spec))


def _value(spec: FieldSpec, value: float) -> str:
    """As the link writes it, with thousands separators for counts (85,000 employees)."""
    return f"{int(value):,}" if spec.is_int else format_number(value, spec)


def _columns(rows: list[dict[str, Any]], count: int = ASSUMPTION_COLUMNS) -> list[list[Any]]:
    """The rows in `count` columns of about equal height, in order: a row's height goes
    with the length of its source note, the longest text in it."""
    weights = [len(row["source"]) + ROW_WEIGHT for row in rows]
    share = sum(weights) / count
    columns: list[list[Any]] = [[] for _ in range(count)]
    filled = 0.0
    for row, weight in zip(rows, weights, strict=True):
        # A row goes where the middle of it falls, so no column runs far over its share.
        column = min(count - 1, int((filled + weight / 2) // share))
        columns[column].append(row)
        filled += weight
    return columns


def _data(brief: BriefInput, today: dt.date, paper: Paper) -> dict[str, Any]:
    result, base = brief.result, brief.base or Scenario()
    scenario = result.scenario
    reference = evaluate(base) if scenario != base else None
    changed = changes(scenario, base)
    shown_changes = changed[:MAX_CHANGES]
    if len(changed) > MAX_CHANGES:
        shown_changes.append(f"and {len(changed) - MAX_CHANGES} more (see the table)")
    return {
        "paper": paper,
        "title": brief.title,
        "date": f"{today.day} {today:%B %Y}",
        "description": _clamped(brief.description, MAX_DESCRIPTION_CHARS),
        "kpis": [
            {"label": t.label, "value": t.value, "delta": t.delta}
            for t in kpi_tiles(result, reference)
        ],
        "investor_story": investor_story(result),
        "charts": [
            {"file": "bridge.svg", "caption": charts.income_bridge(result).caption},
            {"file": "cash.svg", "caption": charts.cumulative_cash(result).caption},
        ],
        "changes_title": f"Changed from {brief.origin}",
        "changes": shown_changes,
        "assumption_columns": _columns(
            [
                {
                    "label": spec.label,
                    "value": _value(spec, getattr(scenario, spec.name)),
                    "unit": spec.unit,
                    "source": spec.source,
                    "changed": getattr(scenario, spec.name) != getattr(base, spec.name),
                }
                for spec in FIELDS
            ]
        ),
        "link": brief.link,
        "footnote": (
            f"whatif brief · model version {MODEL_VERSION} (MODEL.md) · ROI, NPV and payback "
            f"are before tax; EPS after {format_number(scenario.tax_rate_pct)}% tax over "
            f"{format_number(scenario.diluted_shares_b)}B diluted shares · money in USD · "
            f"made {today.isoformat()}"
        ),
    }


def brief_pdf(brief: BriefInput, *, paper: Paper = "a4", today: dt.date | None = None) -> bytes:
    """The brief as one landscape page of PDF (A4 or US Letter)."""
    today = today or dt.date.today()
    result = brief.result
    with tempfile.TemporaryDirectory(prefix="whatif-brief-") as folder:
        root = Path(folder)
        (root / "brief.typ").write_bytes(TEMPLATE.read_bytes())
        (root / "bridge.svg").write_text(_chart_svg(charts.income_bridge(result)))
        (root / "cash.svg").write_text(_chart_svg(charts.cumulative_cash(result)))
        (root / "qr.svg").write_text(qr_svg(brief.link))
        (root / "brief.json").write_text(json.dumps(_data(brief, today, paper), allow_nan=False))
        return bytes(typst.compile(str(root / "brief.typ"), root=str(root)))
