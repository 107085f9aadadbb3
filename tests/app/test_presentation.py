"""The presentation view under AppTest: what it shows, what it leaves out, the switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.app.live import move, tiles
from whatif import evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles

Page = Callable[..., AppTest]
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets


def chart_titles(app: AppTest) -> list[str]:
    return [c.proto.spec for c in app.get("vega_lite_chart")]


def test_presenting_shows_the_kpis_one_chart_and_a_qr_code_and_no_intro(page: Page) -> None:
    app = page(preset="meta-2025", view="present")
    assert not app.exception and not app.warning
    shown = {m.label: m.value for m in tiles(app)}
    want = kpi_tiles(evaluate(PRESETS["meta-2025"].scenario))
    # The investor's row and the programme's row: eight tiles on the big screen.
    assert shown == {t.label: t.value for t in want[:8]}
    assert len(app.get("vega_lite_chart")) == 1
    assert "When does the AI spend pay back?" in chart_titles(app)[0]
    assert not app.title and not app.get("tabs") and not app.code  # no intro, tabs or share
    html = " ".join(h.proto.body for h in app.get("html"))
    assert "whatif-qr" in html and "data:image/svg+xml;base64," in html
    assert "Meta FY2025, evidence-based" in app.subheader[0].value.replace("\\", "")


def test_the_chart_is_chosen_on_the_page(page: Page) -> None:
    app = page(preset="meta-2025", view="present")
    group: Any = app.get("button_group")[0]
    group.set_value("margin").run()
    assert len(app.get("vega_lite_chart")) == 1
    assert "What happens to the operating margin?" in chart_titles(app)[0]


def test_a_slider_still_moves_the_numbers_while_presenting(page: Page) -> None:
    app = page(preset="meta-2025", view="present")
    move(app, "price_per_mtok_usd", 9.0)
    expected = PRESETS["meta-2025"].scenario.model_copy(update={"price_per_mtok_usd": 9.0})
    want = {t.label: t.value for t in kpi_tiles(evaluate(expected))}
    assert {m.label: m.value for m in tiles(app)}["NPV at 9%"] == want["NPV at 9%"]


def test_the_toggle_sets_and_clears_view_present_in_the_address(page: Page) -> None:
    app = page(preset="meta-2025")
    assert len(app.get("vega_lite_chart")) == 3  # and the live control's payback curve
    app.toggle(key="presentation_toggle").set_value(True).run()
    assert app.query_params.get("view") in ("present", ["present"])
    assert len(app.get("vega_lite_chart")) == 1
    app.toggle(key="presentation_toggle").set_value(False).run()
    assert "view" not in app.query_params
    assert len(app.get("vega_lite_chart")) == 3
