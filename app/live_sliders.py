"""The headline as one live control (a Streamlit custom component): the five sliders, the
KPI tiles and the payback curve.

Streamlit's own slider reports a value only when the mouse is released, and its
element renderer cannot redraw the tiles and a chart at a thumb's pace. This control
draws them itself from texts Python formatted (`whatif.sweep`), so the numbers
follow the thumb. It is inline HTML, CSS and JavaScript (live_sliders.js and .css
beside this file), served by the app itself: nothing is fetched from a network.

The headline fields' values live in session state under their field names, as
the sidebar's widgets do. Each run first takes the control's newest message
(`st.session_state[LIVE]["value"]`), checks it with `whatif.live.read_move`
(like a link's value) and applies it; once the page is evaluated it mounts the
control with the values, the tiles and curve of the result, and the number of the
message it handled, which lets the control send its next value. A refused message
is named in a warning and the slider goes back. The page writes the address bar
itself once the thumb is released (`app.state.sync_field_params`).

When a slider is grabbed or focused, the control asks once for a sweep along it
(`st.session_state[LIVE]["sweep"]`, a field name and a request number); the page
answers in the next run's data with the views at every grid point, and the control
then looks values up while the thumb moves, sending only the release. The request
names a field and nothing else: sweep data only ever goes from the server out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import streamlit as st

from app.fields import field_label
from app.room import feed_for_control, heard_news, reclaim
from whatif import FIELDS, HEADLINE_FIELDS, Result, Scenario
from whatif.live import Move, read_move
from whatif.summary import TILE_ROWS, slider_notes
from whatif.sweep import cached_sweep, sweep_key, view

LIVE: Final = "live_sliders"  # the control's key; its state is st.session_state[LIVE]
HANDLED: Final = "live_handled"  # the last message handled (as JSON), its number, held
REFUSED: Final = "live_refused"
SETTLED: Final = "live_settled"
ANSWERED: Final = "live_sweep_answered"  # the number of the last sweep request answered
CLAIMED: Final = "live_claimed"  # the last claim of a room handled

_HERE = Path(__file__).parent
_control = st.components.v2.component(
    "whatif_live_sliders",
    css=(_HERE / "live_sliders.css").read_text(encoding="utf-8"),
    js=(_HERE / "live_sliders.js").read_text(encoding="utf-8"),
)

# What the control draws for each slider: label with unit, help with source, range, step.
FIELD_DATA: Final = [
    {
        "name": spec.name,
        "label": field_label(spec),
        "unit": spec.unit,
        "help": spec.help,
        "source": spec.source,
        "min": spec.minimum,
        "max": spec.maximum,
        "step": spec.step,
        "decimals": spec.decimals,
    }
    for spec in FIELDS
    if spec.headline
]


def _state(name: str) -> Any:
    state = st.session_state.get(LIVE)
    return state.get(name) if isinstance(state, Mapping) else None


def _take_move(preset: Scenario) -> None:
    """Apply the control's newest message to the headline fields, once; a refused one
    leaves the fields as they are and keeps why for `refusal`."""
    message = _state("value")
    if message is None:
        return
    # JSON text compares equal for equal messages, NaN included.
    text = json.dumps(message, sort_keys=True, default=repr)
    handled = st.session_state.get(HANDLED)
    if handled is not None and handled[0] == text:
        return
    shown = {name: st.session_state.get(name) for name in HEADLINE_FIELDS}
    outcome = read_move(message, shown, preset)
    if isinstance(outcome, Move):
        st.session_state[HANDLED] = (text, outcome.seq, not outcome.final)
        st.session_state[outcome.name] = outcome.value
    else:
        st.session_state[HANDLED] = (text, outcome.seq, False)
        st.session_state[REFUSED] = outcome.problem


def _handled_in_the_run() -> None:
    """Streamlit tracks a component's state only for names with a callback; the run
    itself reads the state (_take_move, _asked_sweep), so that AppTest drives the same path."""


def held_thumb(preset: Scenario) -> bool:
    """Apply the control's newest message; whether a thumb is still held (not released).
    A run that no move started (a sweep answered, the room's news) while a thumb is held
    is held too: its address bar and settled result wait for the release."""
    _take_move(preset)
    handled = st.session_state.get(HANDLED)
    return bool(handled and handled[2])


def _asked_sweep(scenario: Scenario, base: Scenario) -> dict[str, Any] | None:
    """The sweep the control asked for, once per request; None when none is due."""
    asked = _state("sweep")
    if not isinstance(asked, Mapping):
        return None
    name, number = asked.get("name"), asked.get("n")
    if name not in HEADLINE_FIELDS or not isinstance(number, int) or isinstance(number, bool):
        return None
    if st.session_state.get(ANSWERED) == number:
        return None
    st.session_state[ANSWERED] = number
    return cached_sweep(scenario, base, str(name))


def _take_claim() -> None:
    """A reloaded presenter's tab asked for its room back: present again, whole page."""
    claim = _state("claim")
    if not isinstance(claim, Mapping) or st.session_state.get(CLAIMED) == claim:
        return
    st.session_state[CLAIMED] = dict(claim)
    if reclaim(claim.get("id"), claim.get("secret")):
        st.rerun(scope="app")


def _room_news() -> None:
    """The control heard the meeting's feed: its fragment reruns and reads the room
    (`app.room.news_in_fragment`), and the whole page if the news reaches beyond it."""
    heard_news()


def live_sliders(
    result: Result,
    reference: Result | None,
    base: Scenario,
    *,
    rows: int = len(TILE_ROWS),
    chart: bool = True,
    large: bool = False,
) -> None:
    """The control: sliders, the first `rows` rows of tiles, and the payback curve when
    `chart` (`large` tiles for the presentation view). In a meeting, the presenter's
    control relays a held thumb to the room and a follower's listens to it
    (`app.room.feed_for_control`)."""
    _take_claim()
    handled = st.session_state.get(HANDLED)
    scenario = result.scenario
    _control(
        key=LIVE,
        data={
            "applied": handled[1] if handled else None,
            "values": {name: st.session_state[name] for name in HEADLINE_FIELDS},
            "notes": slider_notes(scenario),
            "fields": FIELD_DATA,
            "rows": TILE_ROWS[:rows],
            "chart": chart,
            "large": large,
            "view": view(result, reference),
            "keys": {name: sweep_key(scenario, base, name) for name in HEADLINE_FIELDS},
            "sweep": _asked_sweep(scenario, base),
            "room": feed_for_control(),
        },
        on_value_change=_handled_in_the_run,
        on_sweep_change=_handled_in_the_run,
        on_room_change=_room_news,
        on_claim_change=_handled_in_the_run,
        width="stretch",
        height="content",
    )


def refusal() -> str | None:
    """Why the control's last message was refused, once."""
    refused: str | None = st.session_state.pop(REFUSED, None)
    return refused


def settled(result: Result, held: bool) -> Result:
    """The result at the last release. While a thumb is held, the parts of the page that
    need not follow it (three of the four charts, the analyses, the tables) show this one,
    unchanged, so the browser has nothing to redraw there and the KPIs keep up."""
    if not held or SETTLED not in st.session_state:
        st.session_state[SETTLED] = result
    kept: Result = st.session_state[SETTLED]
    return kept
