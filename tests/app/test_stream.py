"""The meeting's routes (app/stream.py): the event stream and the presenter's drag relay."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from app import stream
from rooms import BusDownError, MemoryBus, Opened
from rooms.port import ID_CHARS
from whatif import encode_link, evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles
from whatif.sweep import sweep_key

LINK = "preset=seed-leak&model_version=3"
KEY = "0123456789abcdef"
DRAG = {"name": "price_per_mtok_usd", "value": 6.25, "key": KEY}


def request(room_id: str, body: bytes = b"", method: str = "POST", **params: str) -> Request:
    chunks = [body]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop() if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": False}

    path_params = {"room_id": room_id, **params}
    scope = {"type": "http", "method": method, "path_params": path_params, "headers": []}
    return Request(scope, receive)


def call(route: Callable[[Request], Coroutine[Any, Any, Response]], req: Request) -> Response:
    return asyncio.run(route(req))


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> MemoryBus:
    memory = MemoryBus()
    monkeypatch.setattr(stream, "room_bus", lambda: memory)
    return memory


def test_the_presenters_drag_token_relays_a_checked_thumb_and_nothing_else_gets_through(
    bus: MemoryBus, caplog: pytest.LogCaptureFixture
) -> None:
    opened = bus.open(LINK)

    def drag(body: object) -> int:
        text = body if isinstance(body, bytes) else json.dumps(body).encode()
        return call(stream.drag, request(opened.room_id, text)).status_code

    assert drag({**DRAG, "token": opened.drag_token}) == 204
    assert call(stream.drag, request("not-a-room", b"{}")).status_code == 404
    assert drag(b"x" * (stream.MAX_BODY + 1)) == 413
    assert drag(b"[" * 1000) == 400  # nested past the parser's depth, not a crash
    assert drag(b"{not json") == 400
    assert drag({**DRAG, "value": 6.3, "token": opened.drag_token}) == 400  # between steps
    assert drag({**DRAG, "name": "tax_rate_pct", "token": opened.drag_token}) == 400
    assert drag(DRAG) == 400  # no token
    with caplog.at_level(logging.WARNING, logger="whatif.room"):
        assert drag({**DRAG, "token": opened.secret}) == 403  # the secret is not the token
    assert f"refused a drag for room {opened.room_id}" in caplog.text


def test_only_a_live_room_has_an_event_stream(bus: MemoryBus) -> None:
    live, ended = bus.open(LINK), bus.open(LINK)
    bus.end(ended.room_id, ended.secret)
    for room_id in ("A" * ID_CHARS, ended.room_id, "short"):
        assert call(stream.events, request(room_id, method="GET")).status_code == 404
    answer = call(stream.events, request(live.room_id, method="GET"))
    assert isinstance(answer, StreamingResponse)
    assert answer.media_type == "text/event-stream"
    assert answer.headers["x-accel-buffering"] == "no"


class Flaky(MemoryBus):
    """A store whose feed gives `first` and then goes down, and once back gives `then`."""

    def __init__(self, first: list[str | None], then: list[str | None]) -> None:
        super().__init__()
        self.rounds = [first, then]

    async def listen(self, room_id: str) -> AsyncGenerator[str | None, None]:
        texts = self.rounds.pop(0)
        for text in texts:
            yield text
        if self.rounds:
            raise BusDownError("gone")
        await asyncio.sleep(3600)  # a feed stays open until the browser leaves


def test_the_stream_passes_checked_events_skips_hostile_ones_and_says_paused_and_resumed(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(stream, "DOWN_RETRY_S", 0.0)
    drag = json.dumps({"kind": "drag", **DRAG})
    bus = Flaky(
        [None, '{"kind": "reload", "url": "javascript:x"}', drag],
        [None, '{"kind": "moved", "seq": 3}'],
    )

    async def read(count: int) -> list[str]:
        feed = stream._feed(bus, "A" * ID_CHARS)
        got = [await anext(feed) for _ in range(count)]
        await feed.aclose()
        return got

    with caplog.at_level(logging.WARNING, logger="whatif.room"):
        sent = asyncio.run(read(7))
    assert sent == [
        f"retry: {stream.RETRY_MS}\n\n",
        ": still here\n\n",
        f"event: drag\ndata: {json.dumps({'kind': 'drag', **DRAG})}\n\n",
        'event: paused\ndata: {"kind": "paused"}\n\n',
        'event: resumed\ndata: {"kind": "resumed"}\n\n',
        ": still here\n\n",
        'event: moved\ndata: {"kind": "moved", "seq": 3}\n\n',
    ]
    assert "the store held an event the page refused" in caplog.text


def test_a_listener_that_leaves_leaves_nothing_behind() -> None:
    bus = MemoryBus()
    opened: Opened = bus.open(LINK)

    async def listen_and_leave() -> None:
        feed = bus.listen(opened.room_id)
        assert await anext(feed) is None
        assert bus._listeners[opened.room_id]
        await feed.aclose()

    asyncio.run(listen_and_leave())
    assert opened.room_id not in bus._listeners
    bus.publish(opened.room_id, opened.secret, LINK + "&x=1")  # no listener, no error


def test_a_follower_fetches_the_rooms_sweep_along_the_presenters_slider(bus: MemoryBus) -> None:
    seed = load_presets(DEFAULT_PRESETS_DIR).presets["seed-leak"].scenario
    at_6 = seed.model_copy(update={"price_per_mtok_usd": 6.0})
    opened = bus.open(encode_link(at_6, "seed-leak"))

    def fetch(room_id: str, name: str) -> Response:
        return call(stream.sweeps, request(room_id, method="GET", name=name))

    answer = fetch(opened.room_id, "price_per_mtok_usd")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    sent = json.loads(bytes(answer.body))
    # The presenter's key: the room's scenario but the price, measured against the preset.
    assert sent["key"] == sweep_key(at_6, seed, "price_per_mtok_usd")
    # At a grid point, the tiles' values are the page's own ($8 per million tokens).
    at_8 = seed.model_copy(update={"price_per_mtok_usd": 8.0})
    i = sent["values"].index(8.0)
    token_spend = next(t.value for t in kpi_tiles(evaluate(at_8)) if t.label.startswith("Token"))
    assert token_spend in json.dumps(sent["columns"]) and i > 0
    assert fetch(opened.room_id, "tax_rate_pct").status_code == 404  # not a headline slider
    assert fetch("short", "price_per_mtok_usd").status_code == 404
    assert fetch("A" * ID_CHARS, "price_per_mtok_usd").status_code == 404  # no such room
    bus.end(opened.room_id, opened.secret)
    assert fetch(opened.room_id, "price_per_mtok_usd").status_code == 404


def test_no_sweep_is_made_from_a_room_scenario_the_page_would_refuse(
    bus: MemoryBus, caplog: pytest.LogCaptureFixture
) -> None:
    opened = bus.open("preset=seed-leak&price_per_mtok_usd=1e999")
    with caplog.at_level(logging.WARNING, logger="whatif.room"):
        answer = call(
            stream.sweeps, request(opened.room_id, method="GET", name="tokens_per_month_t")
        )
    assert answer.status_code == 409
    assert "holds a scenario the page refused" in caplog.text


def test_no_sweep_comes_while_the_room_cannot_be_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down(MemoryBus):
        def read(self, room_id: str) -> None:
            raise BusDownError("gone")

    monkeypatch.setattr(stream, "room_bus", Down)
    answer = call(stream.sweeps, request("A" * ID_CHARS, method="GET", name="tokens_per_month_t"))
    assert answer.status_code == 503
