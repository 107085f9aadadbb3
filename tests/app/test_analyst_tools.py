"""The analysts' tools on the page: price calculator, Edit as JSON, presets that extend."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.samples import ONE_MODEL_BOOK
from whatif import Scenario, evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles

Page = Callable[..., AppTest]
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
BOOK = {
    "as_of": ONE_MODEL_BOOK["as_of"],
    "models": {
        **ONE_MODEL_BOOK["models"],
        "small": {
            **ONE_MODEL_BOOK["models"]["frontier"],
            "name": "Small",
            "input": 1,
            "output": 1,
            "cached_input": 1,
        },
    },
}


def open_calculator(app: AppTest) -> AppTest:
    app.session_state["price_calculator"] = True
    return app.run()


def shown_kpis(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def expected_kpis(scenario: Scenario) -> dict[str, str]:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario))}


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "book.json"
    path.write_text(json.dumps(BOOK))
    monkeypatch.setenv("WHATIF_PRICEBOOK", str(path))
    return path


def test_the_calculator_blends_a_mix_and_sets_the_price_slider(page: Page, book: Path) -> None:
    app = open_calculator(page(preset="meta-2025"))
    assert not app.exception
    app.multiselect(key="mix_models").set_value(["frontier", "small"]).run()
    app.number_input(key="mix_share_frontier").set_value(50.0)
    app.number_input(key="mix_share_small").set_value(50.0).run()
    blended = next(m for m in app.metric if m.label == "Blended price")
    assert blended.value == "$2.9875 per million tokens"  # (4.975 + 1) / 2
    button = next(b for b in app.button if b.label.startswith("Set the price slider"))
    button.click().run()
    assert app.session_state["price_per_mtok_usd"] == 2.9875
    expected = PRESETS["meta-2025"].scenario.model_copy(update={"price_per_mtok_usd": 2.9875})
    kpis = shown_kpis(app)
    assert all(kpis[label] == value for label, value in expected_kpis(expected).items())


def test_a_model_added_to_the_mix_takes_the_share_the_others_leave(page: Page, book: Path) -> None:
    app = open_calculator(page(preset="meta-2025"))
    assert app.number_input(key="mix_share_frontier").value == 100
    app.number_input(key="mix_share_frontier").set_value(50.0).run()
    app.multiselect(key="mix_models").set_value(["frontier", "small"]).run()
    assert app.number_input(key="mix_share_small").value == 50
    assert not app.error
    blended = next(m for m in app.metric if m.label == "Blended price")
    assert blended.value == "$2.9875 per million tokens"


def test_a_model_added_to_a_full_mix_starts_at_0_never_over_100(page: Page, book: Path) -> None:
    app = open_calculator(page(preset="meta-2025"))
    app.multiselect(key="mix_models").set_value(["frontier", "small"]).run()
    assert app.number_input(key="mix_share_frontier").value == 100
    assert app.number_input(key="mix_share_small").value == 0
    assert not app.error


def test_the_calculator_names_shares_that_do_not_add_up(page: Page, book: Path) -> None:
    app = open_calculator(page(preset="meta-2025"))
    app.multiselect(key="mix_models").set_value(["frontier", "small"]).run()
    app.number_input(key="mix_share_small").set_value(10.0).run()
    assert "not 100%" in app.error[0].value
    assert not [b for b in app.button if b.label.startswith("Set the price slider")]


def test_a_stale_price_book_is_shown_with_its_date(page: Page, book: Path) -> None:
    book.write_text(json.dumps(BOOK | {"as_of": "2025-01-31"}))
    app = open_calculator(page(preset="meta-2025"))
    warning = app.warning[0].value.replace("\\", "")
    assert "2025-01-31" in warning and "stale" in warning


def test_a_broken_price_book_names_its_field_and_the_page_keeps_working(
    page: Page, book: Path
) -> None:
    book.write_text(json.dumps({"as_of": "2026-11-25", "models": {"m": {"name": "M"}}}))
    app = open_calculator(page(preset="meta-2025"))
    assert not app.exception
    message = app.error[0].value.replace("\\", "")
    assert "book.json" in message and "models.m" in message
    assert shown_kpis(app) == expected_kpis(PRESETS["meta-2025"].scenario)


def test_the_calculator_is_not_built_until_opened(page: Page, book: Path) -> None:
    app = page(preset="meta-2025")
    assert "mix_models" not in app.session_state
    assert not [m for m in app.metric if m.label == "Blended price"]


def open_editor(app: AppTest) -> AppTest:
    app.session_state["share_open"] = True
    app.session_state["json_open"] = True
    return app.run()


def test_edit_as_json_shows_the_scenario_and_applies_an_edit_to_this_session(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DEFAULT_PRESETS_DIR, tmp_path / "presets")
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path / "presets"))
    before = {p.name: p.read_bytes() for p in (tmp_path / "presets").iterdir()}
    app = open_editor(page(preset="seed-leak"))
    text = app.text_area(key="json_text").value
    assert text is not None
    document = json.loads(text)
    # The unchanged preset: it extends it and changes nothing.
    assert (document["extends"], document["values"]) == ("seed-leak", {})
    document["values"]["price_per_mtok_usd"] = 7.5
    app.text_area(key="json_text").input(json.dumps(document)).run()
    next(b for b in app.button if b.label == "Apply to this session").click().run()
    assert not app.exception
    assert app.session_state["price_per_mtok_usd"] == 7.5
    assert "nothing was saved" in app.success[0].value
    assert {p.name: p.read_bytes() for p in (tmp_path / "presets").iterdir()} == before


def test_edit_as_json_names_a_syntax_error_with_its_line_and_column(page: Page) -> None:
    app = open_editor(page(preset="seed-leak"))
    app.text_area(key="json_text").input('{\n  "name": "x"\n  "description": "y"\n}').run()
    next(b for b in app.button if b.label == "Apply to this session").click().run()
    error = app.error[0].value.replace("\\", "")
    assert "line 3 column 3" in error and "invalid JSON" in error
    assert app.session_state["price_per_mtok_usd"] == 15


def test_edit_as_json_names_a_bad_value_with_its_field(page: Page) -> None:
    app = open_editor(page(preset="seed-leak"))
    edited = json.dumps(
        {"name": "x", "description": "y", "extends": "seed-leak", "values": {"horizon_years": 40}}
    )
    app.text_area(key="json_text").input(edited).run()
    next(b for b in app.button if b.label == "Apply to this session").click().run()
    assert "values.horizon_years" in app.error[0].value.replace("\\", "")


def test_a_preset_that_extends_another_says_what_it_is_based_on(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    (tmp_path / "cheap-seed.json").write_text(
        json.dumps(
            {
                "name": "Cheap seed",
                "description": "The seed at $1.",
                "extends": "seed-leak",
                "values": {"price_per_mtok_usd": 1},
            }
        )
    )
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path))
    app = page(preset="cheap-seed")
    assert not app.exception and not app.error
    assert "Based on “Seed leak at list price”" in app.caption[0].value.replace("\\", "")
    assert app.session_state["tokens_per_month_t"] == 60  # from the parent
    assert app.session_state["price_per_mtok_usd"] == 1


def test_the_upload_box_states_the_limit_the_page_applies() -> None:
    config = (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text()
    assert "maxUploadSize = 1\n" in config
