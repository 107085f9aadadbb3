"""A meeting's feed over HTTP: routes of the app's server (serve.py, `st.App`'s public
custom routes), beside the page.

- `GET /rooms/{id}/events`: server-sent events for a follower's live control. A drag
  of the presenter's thumb (looked up in the room's sweep, so the follower's tiles follow
  at the thumb's pace), and word that the room moved on, ended, paused or resumed (the
  control then reruns its scenario fragment, which applies the room's scenario through
  the link codec, and the whole page when the news reaches beyond it). Whatever the
  store holds is read by `whatif.live.read_feed` first.
- `POST /rooms/{id}/drag`: the presenter's control relays its held thumb, at most 20 a
  second, with the room's drag token (`rooms.port.drag_token`), which relays drags and
  can publish nothing. The move is checked like a slider's message.
- `GET /rooms/{id}/sweeps/{field}`: the sweep along a headline slider for the room's
  current scenario (`whatif.sweep`), which a follower's control fetches when the
  presenter grabs that slider. A page's own sweeps come with its reruns; a follower's
  come this way so that thirty followers cost the server one sweep and no reruns. It
  is made from what the store holds, read like a link, never from the request.

Both share the process's bus with the page (`app.room.room_bus`): in memory on one
replica, or Redis, whose pub/sub carries the feed to every replica.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from functools import lru_cache
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app.lineage import Lineage
from app.room import room_bus
from app.state import current_presets
from rooms import BusDownError, RoomBus, check_room_id
from whatif import HEADLINE_FIELDS, Scenario, decode_link
from whatif.live import read_drag, read_feed
from whatif.sweep import SWEEPS_KEPT, cached_sweep

MAX_BODY: Final = 1024  # a drag is about 150 bytes
RETRY_MS: Final = 1000  # how soon a browser reconnects a dropped stream
DOWN_RETRY_S: Final = 1.0  # how often a stream tries a store that went away

log = logging.getLogger("whatif.room")


def _event(event: dict[str, object]) -> str:
    return f"event: {event['kind']}\ndata: {json.dumps(event)}\n\n"


async def _feed(bus: RoomBus, room_id: str) -> AsyncGenerator[str, None]:
    """The room's feed as server-sent events, for as long as the browser listens."""
    yield f"retry: {RETRY_MS}\n\n"
    paused = False
    while True:
        try:
            # aclosing: a browser that leaves closes the store's subscription at once.
            async with aclosing(bus.listen(room_id)) as feed:
                async for text in feed:
                    if paused:
                        paused = False
                        yield _event({"kind": "resumed"})
                    if text is None:
                        yield ": still here\n\n"
                        continue
                    event = read_feed(text)
                    if event is None:
                        log.warning("room %s: the store held an event the page refused", room_id)
                        continue
                    yield _event(event)
        except BusDownError:
            if not paused:
                paused = True
                yield _event({"kind": "paused"})
            await asyncio.sleep(DOWN_RETRY_S)


async def events(request: Request) -> Response:
    room_id = check_room_id(request.path_params["room_id"])
    if room_id is None:
        return PlainTextResponse("not a room id", status_code=404)
    bus = room_bus()
    try:
        room = await run_in_threadpool(bus.read, room_id)
    except BusDownError:
        room = None  # a stream to a store that is down waits for it (the page says paused)
    else:
        # Only a live room has a feed: a stream costs the store a subscription, so ids
        # that name no meeting get none.
        if room is None or room.ended:
            return PlainTextResponse("no such meeting, or it has ended", status_code=404)
    return StreamingResponse(
        _feed(bus, room_id),
        media_type="text/event-stream",
        # No proxy may hold events back (nginx: proxy_buffering off, and this header).
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def drag(request: Request) -> Response:
    room_id = check_room_id(request.path_params["room_id"])
    if room_id is None:
        return PlainTextResponse("not a room id", status_code=404)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return PlainTextResponse("too long for a drag", status_code=413)
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        return PlainTextResponse("not JSON", status_code=400)
    event = read_drag(raw)
    token = raw.get("token") if isinstance(raw, dict) else None
    if event is None or not isinstance(token, str):
        return PlainTextResponse("not a drag of a headline slider", status_code=400)
    try:
        relayed = await run_in_threadpool(room_bus().drag, room_id, token, json.dumps(event))
    except BusDownError:
        return PlainTextResponse("the room cannot be reached", status_code=503)
    if not relayed:
        log.warning("refused a drag for room %s: not its token, ended, or too many", room_id)
        return PlainTextResponse("refused", status_code=403)
    return Response(status_code=204)


def _sweep_body(link: str, name: str) -> bytes | None:
    """The sweep along `name` for a room's link, as sent; None if the link codec refuses
    any part of the link (the followers' pages would not apply it either)."""
    presets = current_presets().presets
    decoded = decode_link(link, presets)
    if decoded.warnings:
        return None
    preset_id = decoded.preset_id or ""
    # What a follower's page measures against: the room's preset, as its lineage says.
    base = Lineage(preset_id, presets.get(preset_id)).base
    return _encoded(decoded.scenario, base, name)


@lru_cache(maxsize=SWEEPS_KEPT)
def _encoded(scenario: Scenario, base: Scenario, name: str) -> bytes:
    """Encoded once for all the followers who ask (the sweep itself is cached too)."""
    return json.dumps(cached_sweep(scenario, base, name), separators=(",", ":")).encode()


async def sweeps(request: Request) -> Response:
    room_id = check_room_id(request.path_params["room_id"])
    name = request.path_params["name"]
    if room_id is None or name not in HEADLINE_FIELDS:
        return PlainTextResponse("not a room id, or not a headline slider", status_code=404)
    try:
        room = await run_in_threadpool(room_bus().read, room_id)
    except BusDownError:
        return PlainTextResponse("the room cannot be reached", status_code=503)
    if room is None or room.ended:
        return PlainTextResponse("no such meeting, or it has ended", status_code=404)
    body = await run_in_threadpool(_sweep_body, room.link, name)
    if body is None:
        log.warning("room %s holds a scenario the page refused; no sweep sent", room_id)
        return PlainTextResponse("the room's scenario was refused", status_code=409)
    # The room moves on: a sweep is for its scenario now, never kept by a cache.
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


ROUTES: Final = [
    Route("/rooms/{room_id}/events", events, methods=["GET"]),
    Route("/rooms/{room_id}/drag", drag, methods=["POST"]),
    Route("/rooms/{room_id}/sweeps/{name}", sweeps, methods=["GET"]),
]
