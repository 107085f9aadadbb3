"""Values the live headline sliders send while they move, checked like a link's.

The page's slider control sends one message per value, `{"seq": n, "name":
field, "value": number, "final": bool}`: `seq` numbers the messages so the
control can wait for the page to apply one before it sends the next, and
`final` is true for the value at release (or a key press), false while a thumb
is still held. A tampered page can send anything, so nothing is evaluated
before `read_move` has accepted it.

Rules (where a link is accepted, a move is too, plus the slider's step): the
name must be a headline field; the value a finite JSON number (not a string,
not a boolean) within the field's range; and on the slider's grid, minimum +
k x step, unless it is the value the slider already shows or the preset's own
value (presets and links may hold values between steps, such as $4.975).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from whatif.links import check_number, format_number
from whatif.scenario import FIELDS_BY_NAME, HEADLINE_FIELDS, FieldSpec, Scenario

# How far from a grid point (in steps) a value may sit and still be on it: JavaScript
# computes min + k x step in binary floating point, so 0.1 steps arrive as 0.30000000000000004.
GRID_TOLERANCE: Final = 1e-6


@dataclass(frozen=True)
class Move:
    """An accepted value for one headline field."""

    seq: int
    name: str
    value: float
    final: bool


@dataclass(frozen=True)
class Refusal:
    """A message that was not applied, and why (`seq` is None when it had no usable one)."""

    seq: int | None
    problem: str


def on_grid(spec: FieldSpec, value: float) -> bool:
    steps = (value - spec.minimum) / spec.step
    return abs(steps - round(steps)) <= GRID_TOLERANCE


def _number(raw: object) -> float | None:
    # bool is an int in Python, but `true` is not a number a slider sends.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        return float(raw)
    except OverflowError:  # an integer of hundreds of digits
        return math.inf


def _seq(raw: object) -> int | None:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def read_move(
    raw: object, current: Mapping[str, object], preset: Scenario | None
) -> Move | Refusal:
    """The move a slider message asks for, or why it is refused (never raises).

    `current` holds the values the sliders show now (the page's session state); with no
    `preset` and nothing current, only the slider's grid is accepted."""
    if not isinstance(raw, dict):
        return Refusal(None, "the slider sent something other than a value")
    seq = _seq(raw.get("seq"))
    if seq is None:
        return Refusal(None, "the slider's message had no sequence number")
    name = raw.get("name")
    if not isinstance(name, str) or name not in HEADLINE_FIELDS:
        return Refusal(seq, "the slider named no headline field")
    final = raw.get("final")
    if not isinstance(final, bool):
        return Refusal(seq, f"{name}: the slider did not say whether it was released")
    number = _number(raw.get("value"))
    if number is None:
        return Refusal(seq, f"{name}: not a number")
    spec = FIELDS_BY_NAME[name]
    checked = check_number(spec, number)
    if isinstance(checked, str):
        return Refusal(seq, f"{name}={format_number(number)}: {checked}")
    if checked in (current.get(name), getattr(preset, name, None)):
        return Move(seq, name, checked, final)
    if not on_grid(spec, checked):
        return Refusal(
            seq,
            f"{name}={format_number(checked)}: not a step of the slider "
            f"({format_number(spec.minimum)} + a multiple of {format_number(spec.step)})",
        )
    return Move(seq, name, snap(spec, checked), final)


def snap(spec: FieldSpec, value: float) -> float:
    """The grid point itself, as the link writes it (0.30000000000000004 -> 0.3)."""
    steps = round((value - spec.minimum) / spec.step)
    return round(spec.minimum + steps * spec.step, spec.decimals) + 0.0


# A meeting's feed (rooms/): the presenter's held thumb, relayed to the followers'
# controls, which look it up in a sweep keyed `key` (whatif.sweep.sweep_key); and the word
# that the room has a new scenario, or ended, numbered `seq`.
MAX_FEED_CHARS: Final = 512
SWEEP_KEY: Final = re.compile(r"[0-9a-f]{16}")


def read_drag(raw: object) -> dict[str, object] | None:
    """A presenter's thumb as the feed carries it, checked like a slider's message (a
    headline field, a finite number in range, on the grid: a follower only looks grid
    points up) with the key of the sweep it is a point of; None if it is not one."""
    if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
        return None
    if not SWEEP_KEY.fullmatch(raw["key"]):
        return None
    move = read_move({**raw, "seq": 0, "final": False}, {}, None)
    if isinstance(move, Refusal):
        return None
    return {"kind": "drag", "name": move.name, "value": move.value, "key": raw["key"]}


def read_feed(text: object) -> dict[str, object] | None:
    """One event of a room's feed, as the page may pass it to a browser, or None: whatever
    comes out of the store is read here first, so a hostile event changes nothing."""
    if not isinstance(text, str) or len(text) > MAX_FEED_CHARS:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    kind, seq = raw.get("kind"), _seq(raw.get("seq"))
    if kind in ("moved", "ended"):
        return {"kind": kind, "seq": seq} if seq is not None and seq >= 0 else None
    return read_drag(raw) if kind == "drag" else None
