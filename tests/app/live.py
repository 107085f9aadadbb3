"""Driving the live headline sliders under AppTest: a message as the control sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import count
from typing import Any, Final

from streamlit.testing.v1 import AppTest

from app.live_sliders import LIVE

_SEQ: Final = count(1)


def send(app: AppTest, message: object) -> AppTest:
    """Put `message` in the control's state, as the browser does, and run the page."""
    app.session_state[LIVE] = {"value": message}
    return app.run()


def move(app: AppTest, field: str, value: float, *, final: bool = True) -> AppTest:
    """Move one headline slider to `value` (released unless `final` is False)."""
    return send(app, {"seq": next(_SEQ), "name": field, "value": value, "final": final})


def control_data(app: AppTest) -> dict[str, Any]:
    """What the page last sent the control: {applied, values, fields}."""
    element: Any = app.get("bidi_component")[0]
    data: dict[str, Any] = json.loads(element.proto.json)
    return data


@dataclass(frozen=True)
class ShownTile:
    """A KPI tile as the control draws it: label, value, delta ("" for none), tone, help."""

    label: str
    value: str
    delta: str
    tone: str
    help: str


def tiles(app: AppTest) -> list[ShownTile]:
    """The tiles the control was given to draw, in their rows (all that the view shows)."""
    data = control_data(app)
    shown = data["view"]["tiles"][: sum(data["rows"])]
    return [ShownTile(t["label"], t["value"], t["delta"], t["tone"], t["help"]) for t in shown]


def story(app: AppTest) -> str:
    """The investor's sentence under the first row of tiles."""
    text: str = control_data(app)["view"]["story"]
    return text
