"""The page under Streamlit's AppTest: presets, sliders, links and broken preset files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.live import control_data, move, tiles
from tests.app.live import story as live_story
from tests.samples import DEFAULT_TILES
from tests.unit.reference import VERSION_1, VERSION_2
from whatif import Scenario, evaluate, load_presets
from whatif.formatting import format_kpi
from whatif.presets import DEFAULT_PRESET_ID, DEFAULT_PRESETS_DIR, fingerprint
from whatif.scenario import neutral_since
from whatif.summary import kpi_tiles

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
Page = Callable[..., AppTest]


def shown_kpis(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in tiles(app)}


def expected_kpis(scenario: Scenario) -> dict[str, str]:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario))}


def open_advanced(app: AppTest) -> AppTest:
    """Open the sidebar's (lazy) Advanced assumptions."""
    app.session_state["advanced_open"] = True
    return app.run()


def advanced_input(app: AppTest, field: str) -> Any:
    return app.number_input(key=f"input_{field}")


def npv_usd(app: AppTest) -> float:
    values = {name: app.session_state[name] for name in Scenario.model_fields}
    return evaluate(Scenario(**values)).kpis.npv_usd


@pytest.mark.parametrize("preset_id", sorted(PRESETS))
def test_every_preset_renders_its_own_numbers_without_exception(page: Page, preset_id: str) -> None:
    app = page(preset=preset_id)
    assert not app.exception
    assert shown_kpis(app) == expected_kpis(PRESETS[preset_id].scenario)
    # Three Vega-Lite charts; the live control draws the fourth, the payback curve.
    assert len(app.get("vega_lite_chart")) == 3
    assert control_data(app)["chart"] and control_data(app)["view"]["curve"]
    assert not app.warning and not app.error


def test_a_bare_address_opens_on_the_meta_2025_preset(page: Page) -> None:
    app = page()
    assert app.selectbox(key="preset_choice").value == "meta-2025"
    assert list(shown_kpis(app).items()) == list(DEFAULT_TILES.items())  # and in this order
    assert shown_kpis(app) == expected_kpis(PRESETS["meta-2025"].scenario)
    assert app.session_state["benefit_ramp_months"] == 12


@pytest.mark.parametrize(
    ("field", "value", "npv_rises"),
    [
        ("productivity_gain_pct", 400.0, True),
        ("price_per_mtok_usd", 40.0, False),
        ("tokens_per_month_t", 300.0, False),
        ("ad_conversion_lift_pct", 10.0, True),
        ("ai_capex_busd_per_year", 150.0, False),
    ],
)
def test_each_headline_slider_moves_the_kpis_the_expected_way(
    page: Page, field: str, value: float, npv_rises: bool
) -> None:
    app = page(preset="meta-2025")
    before = npv_usd(app)
    move(app, field, value)
    assert not app.exception
    after = npv_usd(app)
    assert (after > before) is npv_rises
    expected = PRESETS["meta-2025"].scenario.model_copy(update={field: value})
    assert shown_kpis(app) == expected_kpis(expected)


def test_moving_a_slider_after_a_preset_says_the_scenario_now_differs(page: Page) -> None:
    app = page(preset="seed-leak")
    assert not app.info
    move(app, "price_per_mtok_usd", 20.0)
    assert "Changed from the preset" in app.info[0].value
    assert "Price per million tokens 15 → 20" in app.info[0].value
    assert any("vs preset" in (m.delta or "") for m in tiles(app))


def test_choosing_a_preset_sets_every_field(page: Page) -> None:
    app = page(preset="meta-2025")
    app.selectbox(key="preset_choice").set_value("seed-leak").run()
    for name, value in PRESETS["seed-leak"].scenario.model_dump().items():
        assert app.session_state[name] == value
    assert shown_kpis(app) == expected_kpis(PRESETS["seed-leak"].scenario)


def test_a_link_overrides_its_preset_field_by_field(page: Page) -> None:
    app = page(preset="seed-leak", price_per_mtok_usd="20", horizon_years="7")
    expected = PRESETS["seed-leak"].scenario.model_copy(
        update={"price_per_mtok_usd": 20.0, "horizon_years": 7}
    )
    assert shown_kpis(app) == expected_kpis(expected)


def test_a_link_with_bad_parameters_still_renders_and_warns_about_each(page: Page) -> None:
    app = page(
        preset="no-such-preset",
        price_per_mtok_usd="abc",
        ai_users="1.5",
        tokens_per_month_t="9999",
        colour="red",
        horizon_years="3",
    )
    assert not app.exception
    (warning,) = app.warning
    for name in ("preset", "price_per_mtok_usd", "ai_users", "tokens_per_month_t", "colour"):
        assert name in warning.value.replace("\\", "")
    # With no usable preset the link starts from the default preset, and says why.
    assert (
        "The preset this link names is not here (see below), so it starts from “Meta FY2025, "
        "evidence-based” and applies the link's values over it."
    ) in [info.value.replace("\\", "") for info in app.info]
    default = PRESETS[DEFAULT_PRESET_ID].scenario
    assert shown_kpis(app) == expected_kpis(default.model_copy(update={"horizon_years": 3}))


def test_a_link_with_values_and_no_preset_says_it_starts_from_the_default_one(
    page: Page,
) -> None:
    app = page(horizon_years="3")
    assert (
        "This link names no preset, so it starts from “Meta FY2025, evidence-based” and "
        "applies the link's values over it."
    ) in [info.value.replace("\\", "") for info in app.info]
    assert not app.warning


def test_a_value_streamlit_would_read_but_the_link_codec_refuses_is_ignored(page: Page) -> None:
    # float() reads "1_0" as 10; the codec refuses digit separators, and the page follows it.
    app = page(price_per_mtok_usd="1_0")
    assert app.session_state["price_per_mtok_usd"] == 5.0
    assert "price_per_mtok_usd" in app.warning[0].value.replace("\\", "")


def write_presets(folder: Path) -> None:
    good = {"name": "Good one", "description": "Works.", "values": {"horizon_years": 4}}
    (folder / "good.json").write_text(json.dumps(good))
    (folder / "broken.json").write_text('{"name": "x",\n "description": }')
    (folder / "too-big.json").write_text(
        json.dumps({**good, "values": {"price_per_mtok_usd": 1000}})
    )
    (folder / "script.json").write_text(
        json.dumps({**good, "name": "<script>alert(1)</script>", "description": "**bold** $x$"})
    )


def test_broken_preset_files_are_named_and_the_others_still_work(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_presets(tmp_path)
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path))
    app = page(preset="good")
    assert not app.exception
    (error,) = app.error
    text = error.value.replace("\\", "")
    assert "broken.json, line 2" in text and "too-big.json" in text
    assert "values.price_per_mtok_usd" in text
    assert app.selectbox(key="preset_choice").options == [
        "Good one",
        "<script>alert(1)</script>",
    ]
    assert shown_kpis(app) == expected_kpis(Scenario(horizon_years=4))


def test_preset_text_is_shown_escaped_not_as_markup(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_presets(tmp_path)
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path))
    app = page(preset="script")
    caption = app.caption[0].value
    assert r"\<script\>" in caption and r"\*\*bold\*\*" in caption and r"\$x\$" in caption


def test_the_share_section_is_built_only_once_opened(page: Page) -> None:
    app = page(preset="seed-leak")
    assert not app.code and not app.get("download_button")
    app.session_state["share_open"] = True
    app.run()
    assert app.code and len(app.get("download_button")) == 2


def test_the_share_section_shows_the_complete_link_of_the_codec(page: Page) -> None:
    app = page(preset="seed-leak", price_per_mtok_usd="20")
    app.session_state["share_open"] = True
    link = app.run().code[0].value
    assert "preset=seed-leak" in link and "price_per_mtok_usd=20" in link
    assert "horizon_years=5" in link and "model_version=3" in link
    # The preset, the model version and every field.
    assert link.count("=") == 2 + len(Scenario.model_fields)


def test_numbers_at_the_edges_read_n_a_on_the_page_not_nan(page: Page) -> None:
    app = page(
        ai_users="0",
        tokens_per_month_t="0",
        ai_capex_busd_per_year="0",
        revenue_busd="0",
        ad_revenue_busd="0",
        ai_opex_busd_per_year="0",
    )
    assert not app.exception
    shown = shown_kpis(app)
    assert shown["ROI over 5 years"] == "n/a"
    assert shown["Token cost per user-hour"] == "n/a"
    assert shown["Margin impact, year 1"] == "n/a"
    assert not any("nan" in value.lower() or "inf" in value.lower() for value in shown.values())


def test_ten_years_of_extreme_growth_renders_finite_numbers(page: Page) -> None:
    app = page(
        horizon_years="10",
        token_growth_pct_per_year="1000",
        price_decline_pct_per_year="0",
        tokens_per_month_t="500",
        price_per_mtok_usd="100",
    )
    assert not app.exception
    # 500T tokens a month growing elevenfold a year at $100 per million: no NaN, no overflow.
    assert shown_kpis(app) == {
        "Value per share, after tax": "-$865,300,417,068.76",
        "Share-price effect at 22.5x P/E": "-$17,159.81",  # 22.5 x the -$762.66 of EPS
        "EPS impact, year 1 ($ / share)": "-$762.66",
        "ROIC, year 10 (hurdle 9%)": "-804,371,037,439.4%",
        "NPV at 9%": "-$2,560,095,717T",
        "ROI over 10 years": "-100.0%",
        "Payback": "> 10 years",
        "Margin impact, year 1": "-1048.87 pp",
        "Token spend, year 1": "$2.26T",
        "Token cost per user-hour": "$13,780.33",
        "Free cash flow, year 1": "-$2.03T",
    }


def test_preset_sources_are_shown_as_text_behind_a_label_naming_the_scenario(
    page: Page,
) -> None:
    app = page(preset="seed-leak")
    caption = app.caption[0].value
    assert "Sources:" in caption
    assert "60 trillion tokens" in caption.replace("\\", "")
    labels = [e.label for e in app.expander]
    assert "About this scenario: Seed leak at list price" in labels


def test_revenue_typed_below_ad_revenue_is_explained_not_a_traceback(page: Page) -> None:
    app = open_advanced(page(preset="meta-2025"))
    advanced_input(app, "revenue_busd").set_value(100.0).run()
    assert not app.exception
    assert "must be at least ad_revenue_busd" in app.error[0].value.replace("\\", "")
    fixed = PRESETS["meta-2025"].scenario.model_copy(update={"revenue_busd": 196.18})
    assert shown_kpis(app) == {**expected_kpis(fixed)}


def test_a_link_with_revenue_below_ad_revenue_keeps_the_presets_revenue(page: Page) -> None:
    app = page(preset="capex-trap", revenue_busd="1")
    assert not app.exception
    assert app.session_state["revenue_busd"] == PRESETS["capex-trap"].scenario.revenue_busd
    assert "revenue_busd" in app.warning[0].value.replace("\\", "")


def test_the_eps_tile_shows_the_change_per_share_and_its_delta_against_the_preset(
    page: Page,
) -> None:
    app = page(preset="meta-2025")
    label = "EPS impact, year 1 ($ / share)"
    tile = next(m for m in tiles(app) if m.label == label)
    eps = evaluate(PRESETS["meta-2025"].scenario).kpis.eps_impact_year1_usd
    assert eps > 0 and tile.value == f"+${eps:.2f}"
    move(app, "productivity_gain_pct", -50.0)
    tile = next(m for m in tiles(app) if m.label == label)
    assert tile.value.startswith("-$") and str(tile.delta).endswith(" vs preset")


def test_the_new_fields_sit_in_their_sidebar_groups_with_units(page: Page) -> None:
    app = page(preset="meta-2025")
    assert not app.number_input, "the advanced inputs are drawn only once opened"
    open_advanced(app)
    labels = {str(n.key).removeprefix("input_"): n.label for n in app.number_input}
    assert labels["benefit_ramp_months"] == "Benefit ramp-up (months)"
    assert labels["ai_opex_busd_per_year"] == "Other AI operating cost ($B / year)"
    assert labels["capex_growth_pct_per_year"] == "AI capex growth (% / year)"
    assert labels["tax_rate_pct"] == "Effective tax rate (%)"
    assert labels["diluted_shares_b"] == "Diluted shares (billion shares)"
    advanced_input(app, "benefit_ramp_months").set_value(0).run()
    assert shown_kpis(app) == expected_kpis(
        PRESETS["meta-2025"].scenario.model_copy(update={"benefit_ramp_months": 0})
    )
    assert app.query_params["benefit_ramp_months"] == "0"


def test_an_advanced_value_outlives_its_closed_expander_and_follows_a_preset_choice(
    page: Page,
) -> None:
    app = open_advanced(page(preset="meta-2025"))
    advanced_input(app, "discount_rate_pct").set_value(12.0).run()
    app.session_state["advanced_open"] = False
    app.run()
    assert not app.number_input
    assert app.session_state["discount_rate_pct"] == 12.0
    assert app.query_params["discount_rate_pct"] == "12"
    assert shown_kpis(app) == expected_kpis(
        PRESETS["meta-2025"].scenario.model_copy(update={"discount_rate_pct": 12.0})
    )
    open_advanced(app)
    assert advanced_input(app, "discount_rate_pct").value == 12.0
    app.selectbox(key="preset_choice").set_value("seed-leak").run()
    want = PRESETS["seed-leak"].scenario.discount_rate_pct
    assert advanced_input(app, "discount_rate_pct").value == want
    assert "discount_rate_pct" not in app.query_params


def test_a_version_1_share_link_opens_with_its_version_1_numbers(page: Page) -> None:
    case = next(c for c in VERSION_1["links"] if "preset=meta-2025" in c["link"])
    app = page(**{k: v for k, v in parse_qsl(urlsplit(case["link"]).query)})
    assert not app.exception and not app.warning
    assert app.session_state["benefit_ramp_months"] == 0
    assert app.session_state["capex_growth_pct_per_year"] == 0
    assert app.session_state["ai_opex_busd_per_year"] == 0
    shown = shown_kpis(app)
    assert shown["NPV at 9%"] == format_kpi(case["kpis"]["npv_usd"], "usd")
    assert shown["ROI over 5 years"] == format_kpi(case["kpis"]["roi_pct"], "pct")
    # From now on the address bar names the version, so it keeps this meaning.
    params = {k: v if isinstance(v, str) else v[-1] for k, v in app.query_params.items()}
    assert params["model_version"] == "3"


def test_a_link_whose_preset_was_edited_says_so_in_one_line(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = fingerprint(PRESETS["seed-leak"].scenario)
    document = json.loads((DEFAULT_PRESETS_DIR / "seed-leak.json").read_text())
    document["values"]["tokens_per_month_t"] = 90
    (tmp_path / "seed-leak.json").write_text(json.dumps(document))
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path))
    app = page(preset="seed-leak", preset_fp=old)
    (note,) = [i for i in app.info if "was edited after this link was made" in i.value]
    assert "complete link" in note.value
    fresh = page(preset="seed-leak", preset_fp=old[::-1])
    assert [i for i in fresh.info if "was edited" in i.value]
    unchanged = page(preset="seed-leak")
    assert not [i for i in unchanged.info if "was edited" in i.value]


@pytest.mark.parametrize("case", VERSION_2["links"], ids=lambda case: case["link"][22:45])
def test_every_presets_version_2_share_link_opens_with_its_version_2_numbers(
    page: Page, case: dict[str, Any]
) -> None:
    app = page(**{k: v for k, v in parse_qsl(urlsplit(case["link"]).query)})
    assert not app.exception and not app.warning
    for name in neutral_since(2):
        assert app.session_state[name] == Scenario.model_fields[name].default, name
    shown = shown_kpis(app)
    assert shown["NPV at 9%"] == format_kpi(case["kpis"]["npv_usd"], "usd")
    assert shown["ROI over 5 years"] == format_kpi(case["kpis"]["roi_pct"], "pct")
    eps = shown["EPS impact, year 1 ($ / share)"]
    assert eps == format_kpi(case["kpis"]["eps_impact_year1_usd"], "eps")
    # The address bar now names version 3 and the neutral values the link implied.
    params = {k: v if isinstance(v, str) else v[-1] for k, v in app.query_params.items()}
    assert params["model_version"] == "3"
    preset = PRESETS[params["preset"]].scenario
    for name in neutral_since(2):
        neutral = Scenario.model_fields[name].default
        assert (name in params) == (getattr(preset, name) != neutral), name


def test_the_investor_view_is_on_the_first_row_with_its_story_underneath(page: Page) -> None:
    app = page(preset="meta-2025")
    labels = [m.label for m in tiles(app)]
    assert labels[:4] == [
        "Value per share, after tax",
        "Share-price effect at 22.5x P/E",
        "EPS impact, year 1 ($ / share)",
        "ROIC, year 5 (hurdle 9%)",
    ]
    story = live_story(app)
    assert "Intrinsic value: the programme destroys" in story
    assert "at 22.5x" in story
    # The tiles disagree in sign here, and the sentence says why, in so many words.
    assert story.endswith(" They disagree: value counts all years' cash, price only year-1 EPS.")
