"""A meeting under AppTest: the presenter's room, the pages that follow it, bad rooms."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from app.live_sliders import LIVE
from app.room import APPLIED, BANNER, FOLLOWED, FOLLOWING, NEWS, PRESENTER, STATUS, room_bus
from rooms import Published
from rooms.port import ID_CHARS
from tests.app.live import control_data, move
from tests.app.live import tiles as control_tiles
from whatif import Scenario, encode_link, evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles

Page = Callable[..., AppTest]
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
SEED = PRESETS["seed-leak"].scenario
AT_6 = SEED.model_copy(update={"price_per_mtok_usd": 6.0})
AT_8 = SEED.model_copy(update={"price_per_mtok_usd": 8.0})


def tiles(scenario: Scenario) -> dict[str, str]:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario))}


def shown(app: AppTest) -> dict[str, str]:
    """The tiles the live control shows."""
    return {t.label: t.value for t in control_tiles(app)}


def texts(app: AppTest) -> str:
    return " ".join(str(e.value) for e in [*app.info, *app.warning, *app.caption])


def test_the_presenter_starts_a_room_and_each_settled_move_reaches_it(page: Page) -> None:
    app = page(preset="seed-leak")
    app.button(key="room_start_sidebar").click().run()
    room_id = app.query_params["room"]
    assert len(room_id) == ID_CHARS and "secret" not in str(app.query_params)
    room = room_bus().read(room_id)
    assert room and room.link == encode_link(SEED, "seed-leak")
    move(app, "price_per_mtok_usd", 6.0)
    room = room_bus().read(room_id)
    assert room and room.link == encode_link(AT_6, "seed-leak") and room.seq == 1
    assert "0 pages follow this scenario" in texts(app)
    # Ending the meeting leaves the address bar, and the room keeps its last scenario.
    app.button(key="room_end_sidebar").click().run()
    assert "room" not in app.query_params
    room = room_bus().read(room_id)
    assert room and room.ended and room.link == encode_link(AT_6, "seed-leak")


def test_a_page_on_the_room_link_follows_the_presenter_and_can_step_out(page: Page) -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    app = page(room=opened.room_id)
    assert not app.exception
    assert "Following the presenter" in texts(app) and shown(app) == tiles(AT_6)
    bus.publish(opened.room_id, opened.secret, encode_link(AT_8, "seed-leak"))
    app.run()
    assert shown(app) == tiles(AT_8)
    # A follower who moves a slider explores alone; the presenter's next move passes by.
    move(app, "price_per_mtok_usd", 5.0)
    bus.publish(opened.room_id, opened.secret, encode_link(AT_6, "seed-leak"))
    app.run()
    assert "exploring on your own" in texts(app)
    assert shown(app) == tiles(SEED.model_copy(update={"price_per_mtok_usd": 5.0}))
    rejoin = next(b for b in app.button if b.label == "Rejoin")
    rejoin.click().run()
    app.run()
    assert "Following the presenter" in texts(app) and shown(app) == tiles(AT_6)
    stop = next(b for b in app.button if b.label == "Stop following")
    stop.click().run()
    bus.publish(opened.room_id, opened.secret, encode_link(AT_8, "seed-leak"))
    app.run()
    assert shown(app) == tiles(AT_6)


def test_a_hostile_or_forged_message_changes_nothing(page: Page) -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    app = page(room=opened.room_id)
    # The presenter's own secret, but a value the link codec refuses: not applied at all.
    hostile = encode_link(AT_8, "seed-leak").replace(
        "price_per_mtok_usd=8", "price_per_mtok_usd=1e9"
    )
    assert isinstance(bus.publish(opened.room_id, opened.secret, hostile), Published)
    app.run()
    assert not app.exception and shown(app) == tiles(AT_6)
    # Without the secret: refused by the bus.
    bus.publish(opened.room_id, "forged", encode_link(AT_8, "seed-leak"))
    app.run()
    assert shown(app) == tiles(AT_6)


def test_an_ended_room_shows_its_last_scenario_says_so_and_is_not_listened_to(
    page: Page,
) -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_8, "seed-leak"))
    bus.end(opened.room_id, opened.secret)
    app = page(room=opened.room_id)
    assert "The meeting has ended" in texts(app) and shown(app) == tiles(AT_8)
    assert control_data(app)["room"] is None  # no feed for a meeting that has ended


def test_an_unknown_or_malformed_room_is_named_and_the_page_still_works(page: Page) -> None:
    unknown = page(preset="seed-leak", room="A" * ID_CHARS)
    assert not unknown.exception and f"no meeting “{'A' * ID_CHARS}”" in texts(unknown)
    assert shown(unknown) == tiles(SEED)
    bad = page(preset="seed-leak", room="<script>")
    assert not bad.exception and "is not a room of this page" in texts(bad)
    assert shown(bad) == tiles(SEED)


def test_the_presenters_control_relays_drags_with_a_token_that_cannot_publish(page: Page) -> None:
    app = page(preset="seed-leak")
    assert control_data(app)["room"] is None  # no meeting: the control listens to nothing
    app.button(key="room_start_sidebar").click().run()
    opened = app.session_state[PRESENTER]
    room = control_data(app)["room"]
    # The drag token relays drags; the secret stays in the presenter's own tab, for a reload.
    assert room == {"id": opened.room_id, "drag": opened.drag_token, "claim": opened.secret}
    forged = encode_link(AT_8, "seed-leak")
    assert not isinstance(room_bus().publish(opened.room_id, room["drag"], forged), Published)


def test_a_following_page_listens_to_the_room_until_it_steps_out(page: Page) -> None:
    opened = room_bus().open(encode_link(AT_6, "seed-leak"))
    app = page(room=opened.room_id)
    assert control_data(app)["room"] == {"id": opened.room_id, "follow": True}
    assert opened.secret not in str(control_data(app))  # a follower never sees it
    next(b for b in app.button if b.label == "Stop following").click().run()
    assert control_data(app)["room"] is None
    next(b for b in app.button if b.label == "Rejoin").click().run()
    assert control_data(app)["room"] == {"id": opened.room_id, "follow": True}


def test_word_from_the_feed_makes_the_next_run_read_the_room_before_it_draws(page: Page) -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    app = page(room=opened.room_id)
    bus.publish(opened.room_id, opened.secret, encode_link(AT_8, "seed-leak"))
    app.session_state[NEWS] = True  # what the control's "room" trigger sets (_room_news)
    app.run()
    assert shown(app) == tiles(AT_8) and NEWS not in app.session_state


def _news_in_the_scenario_fragment() -> None:
    """What the scenario fragment does first when the control heard the feed (AppTest runs
    this function's source alone, so it imports what it uses)."""
    import streamlit as st  # noqa: PLC0415

    from app.room import news_in_fragment  # noqa: PLC0415
    from whatif import load_presets  # noqa: PLC0415
    from whatif.presets import DEFAULT_PRESETS_DIR  # noqa: PLC0415

    st.session_state["fragment_alone"] = news_in_fragment(load_presets(DEFAULT_PRESETS_DIR))


def fragment_alone(room_id: str, applied: Scenario) -> bool:
    """Whether a follower that last applied `applied` from the room shows the room's news
    by rerunning its scenario fragment alone (True) or the whole page (False)."""
    app = AppTest.from_function(_news_in_the_scenario_fragment, default_timeout=30)
    app.session_state[FOLLOWED] = room_id
    app.session_state[FOLLOWING] = True
    app.session_state[STATUS] = "live"
    app.session_state[BANNER] = ("live", True)
    app.session_state[APPLIED] = (0, "seed-leak", applied)
    app.session_state[NEWS] = True
    app.run()
    assert not app.exception
    alone: bool = app.session_state["fragment_alone"]
    return alone


def test_a_follower_redraws_only_the_scenario_fragment_when_the_presenter_moves_a_slider() -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    bus.publish(opened.room_id, opened.secret, encode_link(AT_8, "seed-leak"))
    assert fragment_alone(opened.room_id, AT_6)


def test_a_follower_redraws_the_whole_page_when_the_presenter_changes_an_advanced_field() -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    moved = AT_6.model_copy(update={"horizon_years": AT_6.horizon_years + 1})
    bus.publish(opened.room_id, opened.secret, encode_link(moved, "seed-leak"))
    assert not fragment_alone(opened.room_id, AT_6)


def test_a_follower_redraws_the_whole_page_when_the_presenter_leaves_the_preset() -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    bus.publish(opened.room_id, opened.secret, encode_link(AT_6, None))
    assert not fragment_alone(opened.room_id, AT_6)


def test_a_follower_redraws_the_whole_page_when_the_meeting_ends() -> None:
    bus = room_bus()
    opened = bus.open(encode_link(AT_6, "seed-leak"))
    bus.end(opened.room_id, opened.secret)
    assert not fragment_alone(opened.room_id, AT_6)


def test_a_presenter_whose_room_ended_without_them_is_told_and_can_start_again(
    page: Page,
) -> None:
    app = page(preset="seed-leak")
    app.button(key="room_start_sidebar").click().run()
    opened = app.session_state[PRESENTER]
    room_bus().end(opened.room_id, opened.secret)  # as 4 hours without a change would
    move(app, "price_per_mtok_usd", 6.0)
    assert not app.exception
    assert "Your meeting ended after 4 hours without a change" in texts(app)
    assert "room" not in app.query_params and PRESENTER not in app.session_state
    app.button(key="room_start_sidebar").click().run()
    assert app.query_params["room"] != opened.room_id
    assert "Your meeting ended" not in texts(app)


def test_a_reloaded_presenters_tab_takes_its_room_back_with_the_secret_it_kept(
    page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    presenting = page(preset="seed-leak")
    presenting.button(key="room_start_sidebar").click().run()
    opened = presenting.session_state[PRESENTER]
    # The reload: a new session on the room link, following, until its control claims.
    reloaded = page(room=opened.room_id)
    assert "Following the presenter" in texts(reloaded)
    with caplog.at_level(logging.WARNING, logger="rooms"):
        reloaded.session_state[LIVE] = {"claim": {"id": opened.room_id, "secret": "guess"}}
        reloaded.run()
    assert "Following the presenter" in texts(reloaded) and PRESENTER not in reloaded.session_state
    assert f"refused a claim to room {opened.room_id}" in caplog.text
    reloaded.session_state[LIVE] = {"claim": {"id": opened.room_id, "secret": opened.secret}}
    reloaded.run()
    assert reloaded.session_state[PRESENTER] == opened
    assert "Following the presenter" not in texts(reloaded)
    assert any(b.label == "End the meeting" for b in reloaded.button)
    move(reloaded, "price_per_mtok_usd", 6.0)
    room = room_bus().read(opened.room_id)
    assert room and room.link == encode_link(AT_6, "seed-leak")
