"""Messages from the live sliders: what is accepted, what is refused, and that nothing raises."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from whatif import FIELDS_BY_NAME, HEADLINE_FIELDS, Scenario
from whatif.live import (
    MAX_FEED_CHARS,
    Move,
    Refusal,
    on_grid,
    read_drag,
    read_feed,
    read_move,
    snap,
)

PRESET = Scenario()
CURRENT = PRESET.model_dump()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@st.composite
def grid_moves(draw: st.DrawFn) -> tuple[str, int, float]:
    """A headline field, a step count within its range, and the value JavaScript computes."""
    name = draw(st.sampled_from(HEADLINE_FIELDS))
    spec = FIELDS_BY_NAME[name]
    steps = draw(st.integers(0, round((spec.maximum - spec.minimum) / spec.step)))
    return name, steps, spec.minimum + steps * spec.step


@st.composite
def near_grid(draw: st.DrawFn) -> tuple[str, object]:
    """A headline field and a value for it: a step, a step nudged or pushed out of range, or
    any number (NaN and infinities included): most are accepted, many refused."""
    name, _, value = draw(grid_moves())
    spec = FIELDS_BY_NAME[name]
    nudge = draw(st.sampled_from([0.0, 1e-9, spec.step / 2, spec.maximum - spec.minimum + 1]))
    return name, draw(st.just(value + nudge) | st.floats() | st.integers())


@st.composite
def messages(draw: st.DrawFn) -> dict[str, object]:
    """A message shaped as the control sends it, with at most one part of it tampered with."""
    name, value = draw(near_grid())
    message: dict[str, object] = {
        "seq": draw(st.integers(0, 2**53)),
        "name": name,
        "value": value,
        "final": draw(st.booleans()),
    }
    return tampered(draw, message)


def tampered(draw: st.DrawFn, shaped: dict[str, object]) -> dict[str, object]:
    """`shaped` as it is, or with one of its parts replaced by any JSON value."""
    part = draw(st.sampled_from([None, *shaped]))
    return shaped if part is None else {**shaped, part: draw(json_values)}


def read_as_a_checked_move_or_refused(message: Any) -> None:
    outcome = read_move(message, CURRENT, PRESET)
    assert isinstance(outcome, Move | Refusal)
    if isinstance(outcome, Move):
        spec = FIELDS_BY_NAME[outcome.name]
        assert math.isfinite(outcome.value)
        assert spec.minimum <= outcome.value <= spec.maximum


@given(messages())
def test_any_tampered_message_is_refused_or_read_as_a_move_in_range(message: Any) -> None:
    read_as_a_checked_move_or_refused(message)


@given(
    st.dictionaries(
        st.sampled_from(["seq", "name", "value", "final", "extra"]), json_values, max_size=5
    )
    | json_values
)
def test_any_message_is_read_without_raising(message: Any) -> None:
    read_as_a_checked_move_or_refused(message)


@given(grid_moves(), st.integers(0, 2**53), st.booleans())
def test_every_step_of_every_slider_is_accepted_as_the_step_itself(
    move: tuple[str, int, float], seq: int, final: bool
) -> None:
    name, steps, value = move
    spec = FIELDS_BY_NAME[name]
    outcome = read_move({"seq": seq, "name": name, "value": value, "final": final}, CURRENT, PRESET)
    assert outcome == Move(seq, name, snap(spec, value), final)
    assert outcome.value == round(spec.minimum + steps * spec.step, spec.decimals)


@given(grid_moves())
def test_snapping_a_step_keeps_it_on_the_grid_and_is_idempotent(
    move: tuple[str, int, float],
) -> None:
    name, _, value = move
    spec = FIELDS_BY_NAME[name]
    snapped = snap(spec, value)
    assert on_grid(spec, snapped)
    assert snap(spec, snapped) == snapped


def test_a_value_between_steps_is_refused_unless_the_slider_shows_it_or_the_preset_holds_it() -> (
    None
):
    message = {"seq": 1, "name": "price_per_mtok_usd", "value": 4.3, "final": True}
    refused = read_move(message, CURRENT, PRESET)
    assert isinstance(refused, Refusal) and "not a step of the slider" in refused.problem
    shown = {**CURRENT, "price_per_mtok_usd": 4.3}
    assert read_move(message, shown, PRESET) == Move(1, "price_per_mtok_usd", 4.3, True)
    preset = PRESET.model_copy(update={"price_per_mtok_usd": 4.3})
    assert read_move(message, CURRENT, preset) == Move(1, "price_per_mtok_usd", 4.3, True)


def test_a_refusal_names_the_field_and_the_rule_but_echoes_no_unchecked_text() -> None:
    out = read_move(
        {"seq": 3, "name": "ai_capex_busd_per_year", "value": 301, "final": True}, CURRENT, PRESET
    )
    assert out == Refusal(
        3, "ai_capex_busd_per_year=301: outside the valid range 0 to 300 ($B / year)"
    )
    named = read_move({"seq": 3, "name": "<script>", "value": 1, "final": True}, CURRENT, PRESET)
    assert isinstance(named, Refusal) and "<script>" not in named.problem


KEY = "0123456789abcdef"


@st.composite
def feed_events(draw: st.DrawFn) -> dict[str, object]:
    """An event shaped as a room's feed carries it, with at most one part tampered with."""
    name, value = draw(near_grid())
    kind = draw(st.sampled_from(["moved", "ended", "drag"]))
    event: dict[str, object] = (
        {"kind": kind, "seq": draw(st.integers(-3, 2**53))}
        if kind != "drag"
        else {"kind": kind, "name": name, "value": value, "key": KEY}
    )
    return tampered(draw, event)


def read_as_one_of_its_kinds(raw: Any) -> None:
    event = read_feed(json.dumps(raw))
    if event is None:
        return
    assert event["kind"] in ("moved", "ended", "drag")
    if event["kind"] == "drag":
        spec = FIELDS_BY_NAME[str(event["name"])]
        value = event["value"]
        assert isinstance(value, float) and spec.minimum <= value <= spec.maximum
        assert on_grid(spec, value) and set(event) == {"kind", "name", "value", "key"}
    else:
        assert set(event) == {"kind", "seq"}
        assert type(event["seq"]) is int and event["seq"] >= 0


@given(feed_events())
def test_any_tampered_feed_event_is_dropped_or_read_as_one_of_its_kinds(raw: Any) -> None:
    read_as_one_of_its_kinds(raw)


@given(
    st.dictionaries(st.sampled_from(["kind", "seq", "name", "value", "key"]), json_values)
    | json_values
)
def test_any_feed_event_is_read_without_raising_and_only_as_one_of_its_kinds(raw: Any) -> None:
    read_as_one_of_its_kinds(raw)


@given(grid_moves())
def test_a_presenters_thumb_on_the_grid_is_relayed_as_the_step_itself(
    move: tuple[str, int, float],
) -> None:
    name, _, value = move
    event = read_feed(json.dumps({"kind": "drag", "name": name, "value": value, "key": KEY}))
    assert event == {
        "kind": "drag",
        "name": name,
        "value": snap(FIELDS_BY_NAME[name], value),
        "key": KEY,
    }


def test_a_feed_event_that_is_not_one_of_ours_is_dropped() -> None:
    drag = {"kind": "drag", "name": "price_per_mtok_usd", "value": 6.25, "key": KEY}
    assert read_drag(drag) == drag
    hostile: list[object] = [
        {**drag, "name": "tax_rate_pct"},  # not a headline slider
        {**drag, "value": 6.3},  # between steps: a follower looks up grid points only
        {**drag, "value": 1e9},
        {**drag, "value": "6.25"},
        {**drag, "value": True},
        {**drag, "key": "0123"},
        {**drag, "key": KEY.upper()},
        {"kind": "moved", "seq": -1},
        {"kind": "moved", "seq": "1"},
        {"kind": "reload"},
        [drag],
    ]
    for raw in hostile:
        assert read_feed(json.dumps(raw)) is None, raw
    assert read_feed("{" * 10) is None
    assert read_feed(json.dumps({**drag, "pad": "x" * 600})) is None  # longer than any event
    assert read_feed(None) is None


def test_the_rooms_word_reads_as_its_kind_and_number_from_zero() -> None:
    assert read_feed('{"kind": "moved", "seq": 0}') == {"kind": "moved", "seq": 0}
    assert read_feed('{"kind": "ended", "seq": 3}') == {"kind": "ended", "seq": 3}
    assert read_feed('{"kind": "moved"}') is None
    # A kind that is not the feed's, however drag-like the rest, is dropped.
    assert (
        read_feed(
            json.dumps({"kind": "jump", "name": "price_per_mtok_usd", "value": 6.25, "key": KEY})
        )
        is None
    )
    # Up to MAX_FEED_CHARS an event is read; one character more is not.
    event = '{"kind": "moved", "seq": 1}'
    assert read_feed(event.ljust(MAX_FEED_CHARS)) == {"kind": "moved", "seq": 1}
    assert read_feed(event.ljust(MAX_FEED_CHARS + 1)) is None
    assert read_drag(["price_per_mtok_usd", 6.25]) is None
    assert read_drag({"name": "price_per_mtok_usd", "value": 6.25}) is None  # no sweep key


def test_each_refusal_names_its_message_and_the_rule_it_broke() -> None:
    price = "price_per_mtok_usd"
    cases: list[tuple[object, Refusal]] = [
        ("6.25", Refusal(None, "the slider sent something other than a value")),
        (
            {"name": price, "value": 6.25, "final": True},
            Refusal(None, "the slider's message had no sequence number"),
        ),
        (
            {"seq": 7, "name": "tax_rate_pct", "value": 20, "final": True},
            Refusal(7, "the slider named no headline field"),
        ),
        (
            {"seq": 7, "name": price, "value": 6.25},
            Refusal(7, f"{price}: the slider did not say whether it was released"),
        ),
        (
            {"seq": 7, "name": price, "value": "6.25", "final": True},
            Refusal(7, f"{price}: not a number"),
        ),
        (
            {"seq": 7, "name": price, "value": 6.3, "final": True},
            Refusal(7, f"{price}=6.3: not a step of the slider (0 + a multiple of 0.25)"),
        ),
    ]
    for message, refusal in cases:
        assert read_move(message, {}, None) == refusal, message
