"""The Payback tile shows how the payback month moved against the preset."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.app.live import move
from whatif import evaluate, load_presets
from whatif.formatting import payback_change
from whatif.presets import DEFAULT_PRESETS_DIR

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
Page = Callable[..., AppTest]


def payback_tile(app: AppTest) -> object:
    return next(m for m in app.metric if m.label == "Payback")


def test_payback_moving_out_of_the_horizon_reads_never_within_horizon(page: Page) -> None:
    app = page(preset="seed-leak")
    assert not payback_tile(app).delta  # type: ignore[attr-defined]
    move(app, "price_per_mtok_usd", 100.0)
    tile = payback_tile(app)
    assert tile.value == "> 5 years"  # type: ignore[attr-defined]
    assert tile.delta == "never within horizon vs preset"  # type: ignore[attr-defined]


def test_a_later_payback_shows_the_months_it_moved(page: Page) -> None:
    # A 24-month ramp on the seed leak moves payback from month 1 to month 19.
    app = page(preset="seed-leak", benefit_ramp_months="24")
    assert payback_tile(app).value == "month 19"  # type: ignore[attr-defined]
    assert payback_tile(app).delta == "+18 months vs preset"  # type: ignore[attr-defined]


def test_a_payback_that_arrives_within_the_horizon_says_so(page: Page) -> None:
    app = page(preset="meta-2025")
    assert evaluate(PRESETS["meta-2025"].scenario).kpis.payback_month is None
    move(app, "ai_capex_busd_per_year", 5.0)
    tile = payback_tile(app)
    assert tile.value == "month 14"  # type: ignore[attr-defined]
    assert tile.delta == "now within horizon vs preset"  # type: ignore[attr-defined]


def test_payback_changes_read_as_months_or_the_horizon() -> None:
    assert payback_change(15, 1) == ("+14 months", False)
    assert payback_change(9, 12) == ("-3 months", True)
    assert payback_change(None, 1) == ("never within horizon", False)
    assert payback_change(30, None) == ("now within horizon", True)
    assert payback_change(None, None) == (None, True)
