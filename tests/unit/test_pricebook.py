"""The price book and the blended price: MODEL.md's worked check, staleness, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.samples import ONE_MODEL_BOOK
from whatif.documents import DocumentError
from whatif.pricebook import (
    DEFAULT_PRICEBOOK,
    STALE_AFTER_DAYS,
    Mix,
    MixError,
    PriceBook,
    blend,
    blend_json,
    load_pricebook,
    parse_mix,
    parse_pricebook,
)
from whatif.schema import schema_text

SCHEMA = DEFAULT_PRICEBOOK.parent / "pricebook.schema.json"
ONE_MODEL = ONE_MODEL_BOOK


def book_of(document: dict[str, Any]) -> PriceBook:
    book = parse_pricebook(json.dumps(document), "book.json")
    assert isinstance(book, PriceBook), book
    return book


def test_the_worked_check_of_model_md_gives_4_975() -> None:
    # 100% of a $5 / $25 / $0.50 model, 90% input tokens, half of them cache hits.
    result = blend(book_of(ONE_MODEL), Mix({"frontier": 100}, 90, 50))
    assert result.price_per_mtok_usd == pytest.approx(4.975, abs=1e-12)


def test_a_mix_weighs_each_model_by_its_share() -> None:
    document = json.loads(json.dumps(ONE_MODEL))
    document["models"]["cheap"] = {**ONE_MODEL["models"]["frontier"], "input": 1, "output": 1}
    document["models"]["cheap"]["cached_input"] = 1
    result = blend(book_of(document), Mix({"frontier": 25, "cheap": 75}, 90, 50))
    assert result.price_per_mtok_usd == pytest.approx(0.25 * 4.975 + 0.75 * 1.0)
    assert result.parts_usd == pytest.approx({"frontier": 0.25 * 4.975, "cheap": 0.75})


def test_the_shipped_price_book_is_valid_sourced_and_covers_three_vendors_and_in_house() -> None:
    book = load_pricebook(DEFAULT_PRICEBOOK)
    assert isinstance(book, PriceBook), book
    assert len(book.models) >= 6
    vendors = {m.vendor for m in book.models.values()}
    assert {"Anthropic", "OpenAI", "Google"} <= vendors
    in_house = [m for m in book.models.values() if m.vendor.startswith("In house")]
    assert in_house and all("basis" in m.source.lower() for m in in_house)
    for price in book.models.values():
        assert price.cached_input <= price.input <= price.output
    document = json.loads(DEFAULT_PRICEBOOK.read_text())
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))


def test_the_committed_price_book_schema_is_what_the_model_generates() -> None:
    assert SCHEMA.read_text() == schema_text("pricebook"), "run `make schema`"


def test_a_price_book_older_than_180_days_is_stale_and_says_its_date() -> None:
    book = book_of(ONE_MODEL)
    fresh = dt.date(2026, 11, 25) + dt.timedelta(days=STALE_AFTER_DAYS)
    assert not book.stale(fresh)
    late = fresh + dt.timedelta(days=1)
    assert book.stale(late) and book.age_days(late) == 181
    assert "2026-11-25" in book.freshness(late) and "stale" in book.freshness(late)


@pytest.mark.parametrize(
    ("mix", "named"),
    [
        (Mix({"frontier": 60}, 90, 50), "add up to 60%, not 100%"),
        (Mix({"frontier": 99.98}, 90, 50), "add up to 99.98%, not 100%"),
        (Mix({"nope": 100}, 90, 50), "unknown model 'nope'"),
        (Mix({"frontier": 100}, 101, 50), "the input share must be a percentage"),
        (Mix({"frontier": 100}, 90, -1), "the cache-hit rate must be a percentage"),
        (Mix({"frontier": 100}, float("nan"), 50), "the input share"),
        (Mix({"frontier": 120, "x": -20}, 90, 50), "'x''s share"),
    ],
)
def test_a_bad_mix_is_refused_naming_the_problem(mix: Mix, named: str) -> None:
    with pytest.raises(MixError, match=named.replace("(", r"\(")):
        blend(book_of(ONE_MODEL), mix)


def test_shares_within_a_hundredth_of_a_percent_of_100_are_accepted() -> None:
    blend(book_of(ONE_MODEL), Mix({"frontier": 100.009}, 90, 50))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "names no model"),
        ("frontier", "expected MODEL=PERCENT"),
        ("a=1,a=2", "given twice"),
        ("a=nan", "expected MODEL=PERCENT"),
        ("a=x", "expected MODEL=PERCENT"),
    ],
)
def test_a_mix_is_written_id_equals_percent(text: str, named: str) -> None:
    with pytest.raises(MixError, match=named):
        parse_mix(text)
    assert parse_mix(" a=60, b=40 ") == {"a": 60, "b": 40}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": 20261125}, "as_of"),
        ({"models": {}}, "models"),
        ({"models": {"Bad Id": ONE_MODEL["models"]["frontier"]}}, "models.Bad Id"),
        ({"models": {"m": {**ONE_MODEL["models"]["frontier"], "input": -1}}}, "models.m.input"),
        ({"models": {"m": {**ONE_MODEL["models"]["frontier"], "input": "5"}}}, "models.m.input"),
        ({"models": {"m": {**ONE_MODEL["models"]["frontier"], "output": 1001}}}, "models.m.output"),
        ({"models": {"m": {**ONE_MODEL["models"]["frontier"], "source": ""}}}, "models.m.source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_malformed_price_book_names_the_field(change: dict[str, Any], field: str) -> None:
    problem = parse_pricebook(json.dumps(ONE_MODEL | change), "book.json")
    assert isinstance(problem, DocumentError)
    assert problem.file == "book.json" and problem.field == field


def test_a_missing_or_broken_price_book_file_is_named(tmp_path: Path) -> None:
    missing = load_pricebook(tmp_path / "none.json")
    assert isinstance(missing, DocumentError) and "cannot be read" in missing.reason
    broken = tmp_path / "broken.json"
    broken.write_text('{"as_of": "2026-11-25",\n "models": }')
    problem = load_pricebook(broken)
    assert isinstance(problem, DocumentError) and (problem.line, problem.column) == (2, 12)


def test_a_price_book_says_its_date_and_age_and_once_stale_what_to_do() -> None:
    book = book_of(ONE_MODEL)
    assert book.freshness(dt.date(2026, 11, 28)) == "Prices as of 2026-11-25 (3 days old)"
    assert book.freshness(dt.date(2027, 5, 25)) == (
        "Prices as of 2026-11-25 (181 days old): stale, older than 180 days; "
        "check the vendors' price pages and update the price book"
    )


def test_the_price_json_gives_the_books_age_on_the_day_asked_and_names_the_book() -> None:
    # A book dated far ahead: on the day asked it is stale, on any real day it is not yet.
    book = book_of(ONE_MODEL | {"as_of": "2999-01-01"})
    found = blend_json(blend(book, Mix({"frontier": 100}, 90, 50)), dt.date(2999, 12, 31))
    assert found.pop("blended_price_per_mtok_usd") == pytest.approx(4.975)
    (model,) = found.pop("models")
    assert model.pop("contribution_per_mtok_usd") == pytest.approx(4.975)
    assert model == {"id": "frontier", "name": "Frontier", "vendor": "Vendor"}
    assert found == {
        "as_of": "2999-01-01",
        "age_days": 364,
        "stale": True,
        "pricebook": "book.json",
    }


def test_a_price_book_that_is_not_an_object_or_has_a_bad_model_id_says_so() -> None:
    problem = parse_pricebook("[]", "book.json")
    assert isinstance(problem, DocumentError)
    assert problem.reason == "a price book must be a JSON object, not list"
    bad_id = {"models": {"Bad Id": ONE_MODEL["models"]["frontier"]}}
    problem = parse_pricebook(json.dumps(ONE_MODEL | bad_id), "book.json")
    assert isinstance(problem, DocumentError)
    assert problem.reason == "model ids are lower-case letters, digits and single dashes"


def test_an_unreadable_or_undecodable_price_book_is_named_by_its_path(tmp_path: Path) -> None:
    missing = load_pricebook(tmp_path / "none.json")
    assert missing == DocumentError(
        str(tmp_path / "none.json"), "cannot be read: No such file or directory"
    )
    latin = tmp_path / "latin.json"
    latin.write_bytes(b"\xff{}")
    assert load_pricebook(latin) == DocumentError(
        str(latin), "not UTF-8 text (bad byte at offset 0)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" , ", "the mix names no model"),
        ("a=1=2", "'a=1=2': expected MODEL=PERCENT, e.g. claude-opus-5-5=60"),
        (
            "a,b=",
            "'a': expected MODEL=PERCENT, e.g. claude-opus-5-5=60; "
            "'b=': expected MODEL=PERCENT, e.g. claude-opus-5-5=60",
        ),
    ],
)
def test_a_bad_mix_is_refused_with_every_problem_in_one_message(text: str, message: str) -> None:
    with pytest.raises(MixError) as refused:
        parse_mix(text)
    assert str(refused.value) == message


def test_all_input_tokens_all_from_the_cache_is_a_valid_mix() -> None:
    # 100% is a percentage too: every token is cached input, at $0.50.
    assert blend(book_of(ONE_MODEL), Mix({"frontier": 100}, 100, 100)).price_per_mtok_usd == 0.5


def test_a_mix_naming_unknown_models_lists_them_and_the_books_models_and_short_name() -> None:
    document = json.loads(json.dumps(ONE_MODEL))
    document["models"]["cheap"] = document["models"]["frontier"]
    folder = "a-price-book-kept-in-a-folder-with-a-long-name/"
    file = folder + "b" * 29 + ".json"  # 81 characters: one more than a message shows
    book = parse_pricebook(json.dumps(document), file)
    assert isinstance(book, PriceBook)
    with pytest.raises(MixError) as refused:
        blend(book, Mix({"nope": 50, "gone": 50}, 101, 50))
    assert str(refused.value) == (
        "the input share must be a percentage from 0 to 100, not 101; "
        f"unknown model 'nope', 'gone' (the price book {folder}{'b' * 29}.js… "
        "has: frontier, cheap)"
    )


_json = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_json, st.fixed_dictionaries({"as_of": _json, "models": _json})))
def test_any_price_book_document_loads_or_is_named_never_raises(document: Any) -> None:
    outcome = parse_pricebook(json.dumps(document), "book.json")
    if isinstance(outcome, DocumentError):
        assert outcome.file == "book.json" and outcome.reason


@settings(max_examples=200, deadline=None)
@given(
    # The book's one model, or a name it lacks; its share often the whole mix, sometimes not.
    st.dictionaries(
        st.just("frontier") | st.text(max_size=12),
        st.just(100.0) | st.floats(0, 100) | st.floats(allow_nan=True),
        max_size=4,
    ),
    st.floats(0, 100) | st.floats(allow_nan=True),
    st.floats(0, 100) | st.floats(allow_nan=True),
)
def test_any_mix_is_priced_or_refused_with_a_reason(
    shares: dict[str, float], input_share: float, cache_hit: float
) -> None:
    try:
        result = blend(book_of(ONE_MODEL), Mix(shares, input_share, cache_hit))
    except MixError as exc:
        assert str(exc)
    else:
        # Between the model's cheapest price (a cached input token) and its dearest (output).
        assert 0.5 <= result.price_per_mtok_usd <= 25
