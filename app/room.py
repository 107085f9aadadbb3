"""A meeting that follows the presenter: "Let the room follow", and the pages that do.

The presenter's session opens a room on the bus (rooms/) and keeps its secret;
the address bar gains `room=ID` and the QR code holds the short room link. Each
settled scenario of the presenter (a released slider, a preset, an advanced
field) is published as its complete link. A page opened on the room link hears
of it through the room's feed (app/stream.py, server-sent events to its live
control, which then reruns its scenario fragment: `news_in_fragment`), applies
the link through the link codec, and shows it. While the presenter holds a
thumb, the feed relays it and the follower's control looks it up in the room's
sweep along that slider (fetched from app/stream.py). A poll of the bus every 5 s
in a fragment (`st.fragment(run_every=...)`, a public API; no Streamlit
internals) is the fallback where no stream gets through, and the follower's
heartbeat. A follower who changes anything leaves the room and explores alone;
"Rejoin" takes them back.

Whatever comes from the bus is read like a pasted link: a link with any part
the codec ignores is not applied at all, and the page keeps what it shows.
While the bus cannot be reached the page keeps its scenario and says so, and
the presenter's page brings its room back when a restarted Redis lost it.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta
from typing import Final

import streamlit as st

from app.state import CHOICE, NO_PRESET, set_fields
from rooms import (
    MEETING_ENDED,
    BusDownError,
    Opened,
    Published,
    Room,
    RoomBus,
    bus_from_env,
    check_room_id,
)
from whatif import HEADLINE_FIELDS, PresetSet, Scenario, decode_link, encode_link
from whatif.formatting import escape_markdown
from whatif.links import ROOM_PARAM

PRESENTER: Final = "room_presenter"  # the Opened (id and secret) of this session's room
PUBLISHED: Final = "room_published"  # the last link the bus took from this presenter
PENDING: Final = "room_pending"  # the presenter's latest link, published or not yet
FOLLOWED: Final = "room_followed"  # the room id this page follows or left
FOLLOWING: Final = "room_following"  # True while it follows
APPLIED: Final = "room_applied"  # (seq, preset id, scenario) last applied from the room
STATUS: Final = "room_status"  # what the last poll found: "live", "ended", "unknown", "paused"
PAGE_ID: Final = "room_page_id"
# The feed brings every change at once; the poll is the heartbeat that counts followers
# and the fallback where no event stream gets through. Each poll is a fragment run on
# the server: at 5 s, 200 followers cost 40 runs a second, not 200.
POLL_S: Final = 5.0
NEWS: Final = "room_news"  # the feed said the room changed: poll before drawing
COUNT_S: Final = 2.0
BEAT_S: Final = 2.0  # a follower tells the bus it is still there at most this often
LAST_BEAT: Final = "room_last_beat"
LAPSED: Final = "room_lapsed"  # the id of this presenter's room that ended without it
BANNER: Final = "room_banner"  # (status, following) as the banner last showed them

log = logging.getLogger("whatif.room")


@st.cache_resource(show_spinner=False)
def room_bus() -> RoomBus:
    """One bus per server process: Redis when WHATIF_REDIS_URL is set, else memory."""
    return bus_from_env()


def presenter() -> Opened | None:
    opened = st.session_state.get(PRESENTER)
    return opened if isinstance(opened, Opened) else None


def room_link(room_id: str) -> str:
    """The short link of a room: what the QR code holds while the room follows."""
    return f"{(st.context.url or '').split('?')[0]}?{ROOM_PARAM}={room_id}"


def read_room_param() -> None:
    """On a session's first run: a page opened on a room link follows that room."""
    if FOLLOWED in st.session_state or presenter():
        return
    raw = st.query_params.get(ROOM_PARAM)
    st.session_state[FOLLOWED] = None
    if raw is None:
        return
    room_id = check_room_id(raw)
    if room_id is None:
        st.session_state[STATUS] = "bad"
        return
    st.session_state[FOLLOWED] = room_id
    st.session_state[FOLLOWING] = True


def feed_for_control() -> dict[str, object] | None:
    """What the live control needs of the meeting: the presenter's page relays its held
    thumb with the room's drag token, and keeps the secret in its tab (sessionStorage) so
    that a reload takes the room back; a following page listens to the room's feed."""
    opened = presenter()
    if opened:
        return {"id": opened.room_id, "drag": opened.drag_token, "claim": opened.secret}
    room_id = st.session_state.get(FOLLOWED)
    live = st.session_state.get(STATUS) not in ("ended", "unknown", "bad")
    if room_id and st.session_state.get(FOLLOWING) and live:
        return {"id": room_id, "follow": True}
    return None


def reclaim(room_id: object, secret: object) -> bool:
    """A presenter's tab, reloaded on its room link, asks for its room back with the secret
    it kept: this page presents again if the secret is the room's (a wrong one is logged
    by the bus and changes nothing)."""
    if not isinstance(secret, str) or check_room_id(room_id) != st.session_state.get(FOLLOWED):
        return False
    try:
        if not room_bus().claim(str(room_id), secret):
            return False
    except BusDownError:
        return False
    st.session_state[PRESENTER] = Opened(str(room_id), secret)
    for key in (FOLLOWED, FOLLOWING, APPLIED, STATUS, BANNER, PUBLISHED, LAPSED):
        st.session_state.pop(key, None)
    return True


def heard_news() -> None:
    """The live control heard the feed (the room moved on, ended, paused or resumed): the
    next run reads the room before it draws anything."""
    st.session_state[NEWS] = True


def news_in_fragment(presets: PresetSet) -> bool:
    """The feed's word, read and applied in the scenario fragment's run (the live control's
    trigger reruns that fragment). Whether the fragment can show it alone: it can when the
    presenter moved headline sliders only. A new preset or advanced field (the sidebar) or
    a new state of the room (the banner) lies outside the fragment: the whole page reruns.
    A follower's browser then redraws the fragment, not the page, on each released move."""
    if not st.session_state.pop(NEWS, False):
        return True
    before = st.session_state.get(APPLIED)
    banner = st.session_state.get(BANNER)
    _poll(presets)
    after = st.session_state.get(APPLIED)
    if (st.session_state.get(STATUS), st.session_state.get(FOLLOWING)) != banner:
        return False
    return after == before or _headline_only(before, after)


def _headline_only(
    before: tuple[int, str | None, Scenario | None] | None,
    after: tuple[int, str | None, Scenario | None] | None,
) -> bool:
    """Whether the room's new scenario differs from the last one applied in headline fields
    alone, under the same preset choice."""
    if before is None or after is None or before[2] is None or after[2] is None:
        return False
    old, new = before[2].model_dump(), after[2].model_dump()
    moved = {name for name in new if new[name] != old[name]}
    return before[1] == after[1] and moved <= set(HEADLINE_FIELDS)


# --- the presenter ---------------------------------------------------------------------


def _start() -> None:
    st.session_state[PRESENTER] = "starting"
    st.session_state.pop(LAPSED, None)


def _end() -> None:
    opened = presenter()
    if opened:
        try:
            room_bus().end(opened.room_id, opened.secret)
        except BusDownError:
            log.warning("could not end room %s: the bus is down", opened.room_id)
    for key in (PRESENTER, PUBLISHED):
        st.session_state.pop(key, None)
    if ROOM_PARAM in st.query_params:
        del st.query_params[ROOM_PARAM]


def room_control(where: str) -> None:
    """The presenter's control: "Let the room follow", or while the room follows, how many
    pages do and "End the meeting"."""
    if presenter() or st.session_state.get(PRESENTER) == "starting":
        _presenter_panel()
        st.button("End the meeting", key=f"room_end_{where}", on_click=_end)
        return
    if st.session_state.get(FOLLOWED):
        return  # a follower does not start rooms of its own
    if st.session_state.get(LAPSED):
        st.caption(
            ":material/event_available: Your meeting ended after 4 hours without a change; "
            "its link shows its last scenario. Let the room follow again to start a new one."
        )
    st.button(
        "Let the room follow",
        key=f"room_start_{where}",
        on_click=_start,
        icon=":material/groups:",
        help="Everyone who scans the QR code (or opens the room link) sees your scenario "
        "change as you change it. Only this page can change it.",
    )


def publish(scenario: Scenario, choice: str) -> None:
    """The presenter's settled scenario to the room (opening the room on the first call).
    Its complete link: a follower gets every number, whatever preset it would assume."""
    state = st.session_state.get(PRESENTER)
    if state is None:
        return
    link = encode_link(scenario, choice or None)
    st.session_state[PENDING] = link
    try:
        if state == "starting":
            opened = room_bus().open(link)
            st.session_state[PRESENTER] = opened
            st.session_state[PUBLISHED] = link
            st.query_params[ROOM_PARAM] = opened.room_id
            return
        if isinstance(state, Opened) and st.session_state.get(PUBLISHED) != link:
            _send(state, link)
    except BusDownError:
        return  # PENDING waits: the presenter's panel sends it when the bus is back


def _send(opened: Opened, link: str) -> None:
    bus = room_bus()
    outcome = bus.publish(opened.room_id, opened.secret, link)
    if not isinstance(outcome, Published) and bus.reopen(opened, link):
        outcome = Published(0)  # the store had lost the room: it is back, showing `link`
    if isinstance(outcome, Published):
        st.session_state[PUBLISHED] = link
    elif outcome.problem == MEETING_ENDED:
        # The room idled out (4 hours without a change): this page presents no more, and
        # says so rather than retry; "Let the room follow" opens a new room.
        log.info("room %s ended while its presenter's page was open", opened.room_id)
        for key in (PRESENTER, PUBLISHED, PENDING):
            st.session_state.pop(key, None)
        st.session_state[LAPSED] = opened.room_id
        if ROOM_PARAM in st.query_params:
            del st.query_params[ROOM_PARAM]
        st.rerun(scope="app")


@st.fragment(run_every=timedelta(seconds=COUNT_S))
def _presenter_panel() -> None:
    """How many pages follow, refreshed every two seconds; a publish the bus missed
    while it was down goes out here, with no move of the presenter needed."""
    opened = presenter()
    if opened is None:
        return
    pending = st.session_state.get(PENDING)
    try:
        if pending and st.session_state.get(PUBLISHED) != pending:
            _send(opened, pending)
        count = room_bus().followers(opened.room_id)
    except BusDownError:
        st.caption(":material/pause_circle: Live following paused: the room cannot be reached.")
        return
    st.caption(
        f":material/groups: {count} {'page follows' if count == 1 else 'pages follow'} "
        "this scenario"
    )


# --- the followers ---------------------------------------------------------------------


def _apply(room: Room, presets: PresetSet) -> bool:
    """The room's scenario on this page, if the link codec takes all of it."""
    decoded = decode_link(room.link, presets.presets)
    if decoded.warnings:
        log.warning(
            "room %s sent a scenario the page refused: %s",
            room.room_id,
            "; ".join(w.problem for w in decoded.warnings),
        )
        st.session_state[APPLIED] = (room.seq, None, None)
        return False
    set_fields(decoded.scenario)
    st.session_state[CHOICE] = decoded.preset_id or NO_PRESET
    st.session_state[APPLIED] = (room.seq, decoded.preset_id or NO_PRESET, decoded.scenario)
    return True


def _stop() -> None:
    st.session_state[FOLLOWING] = False


def _rejoin() -> None:
    st.session_state[FOLLOWING] = True
    st.session_state.pop(APPLIED, None)  # the next poll applies the room's current scenario


def _poll(presets: PresetSet) -> bool:
    """Ask the room and apply its scenario if it is newer; whether that is news for this
    page (a scenario applied, or a change of state for the banner)."""
    room_id = st.session_state.get(FOLLOWED)
    if not room_id:
        return False
    bus = room_bus()
    try:
        room = bus.read(room_id)
        now = time.monotonic()
        if st.session_state.get(FOLLOWING) and (
            now - st.session_state.get(LAST_BEAT, 0.0) >= BEAT_S
        ):
            page = st.session_state.setdefault(PAGE_ID, secrets.token_urlsafe(12))
            bus.follow(room_id, page)
            st.session_state[LAST_BEAT] = now
    except BusDownError:
        room, status = None, "paused"
    else:
        if room is None:
            # A room this page followed and the store no longer has: a restarted Redis;
            # the presenter's page brings it back. Never seen at all: an unknown room.
            status = "paused" if APPLIED in st.session_state else "unknown"
        else:
            status = "ended" if room.ended else "live"
    st.session_state[STATUS] = status
    # A follower who stepped out by moving a slider: the banner must say so too.
    news = (status, st.session_state.get(FOLLOWING)) != st.session_state.get(BANNER)
    if room is not None:
        applied = st.session_state.get(APPLIED)
        fresh = applied is None or applied[0] != room.seq
        wanted = st.session_state.get(FOLLOWING) or applied is None
        news = (fresh and wanted and _apply(room, presets)) or news
    return news


@st.fragment(run_every=timedelta(seconds=POLL_S))
def _poll_room(presets: PresetSet) -> None:
    """The fallback poll: rerun the whole page only when the room has news for it. A poll
    with no news draws nothing, so it costs a round trip and no drawing."""
    if _poll(presets):
        st.rerun(scope="app")


def follow(presets: PresetSet) -> None:
    """The follower's banner, and the poll of the room while it is live (or paused)."""
    status = st.session_state.get(STATUS)
    if status == "bad":
        raw = escape_markdown(str(st.query_params.get(ROOM_PARAM, ""))[:40])
        st.info(
            f"“{raw}” is not a room of this page (a room id has 22 letters, digits, - or _), "
            "so this page works on its own.",
            icon=":material/link_off:",
        )
        return
    room_id = st.session_state.get(FOLLOWED)
    if not room_id or presenter():
        return
    if status is None or st.session_state.pop(NEWS, False):
        # The first run, or the feed's word: what the room is, before anything is drawn.
        _poll(presets)
        status = st.session_state.get(STATUS)
    # The banner shows what the last poll found; the next poll reruns the page if that
    # has changed (the poll draws nothing, so its place among the elements is moot).
    _banner(room_id)
    if status not in ("ended", "unknown"):
        _poll_room(presets)


def _banner(room_id: str) -> None:
    status = st.session_state.get(STATUS)
    st.session_state[BANNER] = (status, st.session_state.get(FOLLOWING))
    if status == "unknown":
        st.info(
            f"There is no meeting “{room_id}” (it may have ended long ago); this page works "
            "on its own.",
            icon=":material/event_busy:",
        )
        return
    if status == "ended":
        st.info(
            "The meeting has ended; this is the presenter's last scenario.",
            icon=":material/event_available:",
        )
        return
    # Always one container here, empty or not: an element that comes and goes would shift
    # every later element's place, and the browser would rebuild them all (the tiles twice).
    pause = st.container()
    if status == "paused":
        pause.warning(
            "Live following paused: the meeting cannot be reached just now. The page keeps "
            "the last scenario and follows again when it is back.",
            icon=":material/pause_circle:",
        )
    text, button = st.columns([5, 1], vertical_alignment="center")
    if st.session_state.get(FOLLOWING):
        text.info("Following the presenter", icon=":material/groups:")
        button.button("Stop following", on_click=_stop)
    else:
        text.info("You are exploring on your own.", icon=":material/explore:")
        button.button("Rejoin", on_click=_rejoin, help="Back to the presenter's scenario")


def leave_if_changed(scenario: Scenario, choice: str) -> None:
    """A follower who changes anything leaves the room (the banner says so next poll)."""
    applied = st.session_state.get(APPLIED)
    if not st.session_state.get(FOLLOWING) or not applied or applied[2] is None:
        return
    if (choice, scenario) != (applied[1], applied[2]):
        st.session_state[FOLLOWING] = False
