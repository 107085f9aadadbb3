"""Part of `make load`: a room's feed with LISTENERS followers, without their browsers.

A meeting's cost has two parts. While the presenter drags, each follower's
browser only listens to the room's feed and looks the thumb up in its own sweep:
no server reruns anything, so the feed itself is what must scale. On a release,
each follower's page reruns once, which `bench/meeting.py` measures with real
pages (as many as one machine's Chromium can hold).

Here LISTENERS plain HTTP clients hold the event stream (`GET /rooms/ID/events`)
open through nginx to two replicas that share the room through a redis-server,
as followers' browsers do. The presenter relays DRAGS values of a held thumb at
DRAGS_PER_S (`POST /rooms/ID/drag`, with the room's drag token). Every listener
records when each value arrives; the figures are the drag-to-listener delay
(p50, p95), how many deliveries were missed, and the server CPU (both replicas)
per relayed drag across all listeners.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Final
from urllib.parse import urlsplit

from bench.balanced import Balancer, rooms_across_replicas
from bench.measure import Figure, figure, table
from bench.served import Server
from rooms import RedisBus
from whatif import load_presets
from whatif.sweep import sweep_key

LISTENERS: Final = 200
DRAGS: Final = 60
DRAGS_PER_S: Final = 15  # what a presenter's control relays while a thumb moves
CONNECT_S: Final = 60.0
FIELD: Final = "price_per_mtok_usd"


async def _listen(host: str, port: int, path: str, heard: dict[float, float]) -> None:
    """One follower's stream: the arrival time (time.time()) of each relayed value."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    try:
        while line := await reader.readline():
            text = line.decode(errors="replace").strip()
            if text.startswith("data: {") and '"drag"' in text:
                value = json.loads(text.removeprefix("data: "))["value"]
                heard.setdefault(value, time.time())
    finally:
        writer.close()


async def _drag(host: str, port: int, path: str, body: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


async def _room(
    balancer: Balancer, replicas: list[Server], bus: RedisBus, count: int
) -> list[Figure]:
    scenario = load_presets().presets["seed-leak"].scenario
    opened = bus.open("preset=seed-leak&model_version=3")
    where = urlsplit(balancer.url)
    host, port = str(where.hostname), int(where.port or 80)
    events = f"/rooms/{opened.room_id}/events"
    heard: list[dict[float, float]] = [{} for _ in range(count)]
    listeners = [asyncio.create_task(_listen(host, port, events, h)) for h in heard]
    key = sweep_key(scenario, scenario, FIELD)
    # Each listener must be subscribed before the drags: relay probes until all hear one.
    deadline = time.monotonic() + CONNECT_S
    probe = 0.25
    while sum(probe in h for h in heard) < count and time.monotonic() < deadline:
        body = json.dumps({"name": FIELD, "value": probe, "key": key, "token": opened.drag_token})
        await _drag(host, port, f"/rooms/{opened.room_id}/drag", body.encode())
        await asyncio.sleep(1.0)
    connected = sum(probe in h for h in heard)
    cpu_before = sum(r.cpu_seconds() for r in replicas)
    sent: dict[float, float] = {}
    refused = 0
    for n in range(DRAGS):
        value = 10.0 + 0.25 * n
        body = json.dumps({"name": FIELD, "value": value, "key": key, "token": opened.drag_token})
        sent[value] = time.time()
        refused += await _drag(host, port, f"/rooms/{opened.room_id}/drag", body.encode()) != 204
        await asyncio.sleep(1 / DRAGS_PER_S)
    await asyncio.sleep(2.0)  # the last drags arrive
    cpu = sum(r.cpu_seconds() for r in replicas) - cpu_before
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    delays = [(h[v] - t) * 1000 for h in heard for v, t in sent.items() if v in h]
    missed = sum(v not in h for h in heard for v in sent)
    p95 = statistics.quantiles(delays, n=20)[-1] if len(delays) > 1 else float("nan")
    return [
        figure(f"Feed: listeners subscribed (of {count})", "count", [connected]),
        figure(f"Feed: drags refused (of {DRAGS})", "count", [refused], 0),
        figure(f"Feed: deliveries missed ({connected} x {DRAGS} drags)", "count", [missed], 0),
        figure("Feed: drag to listener, p50", "ms", [statistics.median(delays)]),
        figure("Feed: drag to listener, p95", "ms", [p95], 1000),
        figure(f"Feed: server CPU per relayed drag ({connected} listeners)", "ms",
               [cpu / DRAGS * 1e3]),
    ]  # fmt: skip


def run(count: int = LISTENERS) -> list[Figure]:
    """The feed with `count` listeners (`python -m bench.feed 50` for fewer)."""
    with rooms_across_replicas() as (redis_server, replicas, balancer):
        return asyncio.run(_room(balancer, replicas, RedisBus(redis_server.url), count))


if __name__ == "__main__":
    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else LISTENERS)))
