"""The room bus's contract, run against both adapters: memory, and a real redis-server."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterator

import pytest
import redis

from bench.redis_served import REDIS_SERVER, RedisServer
from bench.served import free_port
from rooms import (
    MEETING_ENDED,
    BusDownError,
    MemoryBus,
    Opened,
    Published,
    RedisBus,
    Refused,
    RoomBus,
    bus_from_env,
    check_room_id,
)
from rooms.port import (
    DRAGS_PER_S,
    FOLLOWER_SEEN_S,
    ID_CHARS,
    MAX_EVENT_CHARS,
    PUBLISHES_PER_S,
    drag_token,
    moved_event,
)
from whatif.live import read_feed

LINK = "preset=seed-leak&model_version=3"
MOVED = "preset=seed-leak&model_version=3&price_per_mtok_usd=6"
Maker = Callable[..., RoomBus]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    if not REDIS_SERVER.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's redis-server is missing in CI: `make test` installs it")
        pytest.skip("needs Debian's redis-server (apt-get install redis-server)")
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(params=["memory", "redis"])
def make_bus(request: pytest.FixtureRequest) -> Maker:
    """A function making a bus of one adapter (with the room lifetimes a test asks for)."""
    if request.param == "memory":
        return MemoryBus
    server: RedisServer = request.getfixturevalue("redis_server")
    redis.Redis.from_url(server.url).flushdb()
    return lambda **kw: RedisBus(server.url, **kw)


@pytest.fixture
def bus(make_bus: Maker) -> RoomBus:
    return make_bus()


def test_a_new_room_has_an_unguessable_id_and_shows_the_presenters_scenario(
    bus: RoomBus,
) -> None:
    opened = bus.open(LINK)
    assert check_room_id(opened.room_id) == opened.room_id and len(opened.room_id) == ID_CHARS
    assert opened.secret not in opened.room_id
    room = bus.read(opened.room_id)
    assert room and room.link == LINK and room.seq == 0 and not room.ended
    assert bus.open(LINK).room_id != opened.room_id


def test_the_presenter_publishes_and_followers_read_the_latest_scenario(bus: RoomBus) -> None:
    opened = bus.open(LINK)
    first = bus.publish(opened.room_id, opened.secret, MOVED)
    assert isinstance(first, Published) and first.seq == 1
    room = bus.read(opened.room_id)
    assert room and room.link == MOVED and room.seq == 1


def test_a_forged_publish_is_refused_logged_and_changes_nothing(
    bus: RoomBus, caplog: pytest.LogCaptureFixture
) -> None:
    opened = bus.open(LINK)
    with caplog.at_level(logging.WARNING, logger="rooms"):
        refused = bus.publish(opened.room_id, "not-the-secret", MOVED)
        ended = bus.end(opened.room_id, "")
    assert isinstance(refused, Refused) and isinstance(ended, Refused)
    assert caplog.text.count(f"refused a publish to room {opened.room_id}") == 2
    room = bus.read(opened.room_id)
    assert room and room.link == LINK and not room.ended


@pytest.mark.parametrize(
    "room_id", ["", "short", "a" * (ID_CHARS + 1), "a" * (ID_CHARS - 1) + "/", "ä" * ID_CHARS]
)
def test_a_room_id_of_the_wrong_length_or_alphabet_is_no_room(bus: RoomBus, room_id: str) -> None:
    assert check_room_id(room_id) is None
    assert bus.read(room_id) is None
    assert isinstance(bus.publish(room_id, "x", MOVED), Refused)


def test_an_unknown_room_reads_as_none(bus: RoomBus) -> None:
    assert bus.read("A" * ID_CHARS) is None


def test_an_ended_room_keeps_its_last_scenario_and_takes_no_more(bus: RoomBus) -> None:
    opened = bus.open(LINK)
    bus.publish(opened.room_id, opened.secret, MOVED)
    assert isinstance(bus.end(opened.room_id, opened.secret), Published)
    room = bus.read(opened.room_id)
    assert room and room.ended and room.link == MOVED
    assert bus.publish(opened.room_id, opened.secret, LINK) == Refused(MEETING_ENDED)


def test_a_room_ends_after_its_idle_time_and_keeps_its_scenario(make_bus: Maker) -> None:
    bus = make_bus(idle_s=0.3)
    opened = bus.open(LINK)
    bus.publish(opened.room_id, opened.secret, MOVED)
    time.sleep(0.5)
    room = bus.read(opened.room_id)
    assert room and room.ended and room.link == MOVED
    assert bus.publish(opened.room_id, opened.secret, LINK) == Refused(MEETING_ENDED)


def test_publishing_is_limited_per_room_per_second(bus: RoomBus) -> None:
    opened, other = bus.open(LINK), bus.open(LINK)
    # Published in one second, or none refused if the second turned (then try again).
    for _ in range(3):
        start = int(time.time())
        outcomes = [
            bus.publish(opened.room_id, opened.secret, f"{MOVED}{i}")
            for i in range(PUBLISHES_PER_S + 5)
        ]
        if int(time.time()) == start:
            break
    assert sum(isinstance(o, Published) for o in outcomes) == PUBLISHES_PER_S
    assert isinstance(bus.publish(other.room_id, other.secret, MOVED), Published)


def test_the_presenter_sees_how_many_pages_follow(bus: RoomBus) -> None:
    opened = bus.open(LINK)
    for page in ("a", "b", "b", "c"):
        bus.follow(opened.room_id, page)
    assert bus.followers(opened.room_id) == 3
    assert FOLLOWER_SEEN_S >= 5  # a page that polls twice a second is never dropped


def test_without_a_redis_url_rooms_live_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WHATIF_REDIS_URL", raising=False)
    assert isinstance(bus_from_env(), MemoryBus)
    monkeypatch.setenv("WHATIF_REDIS_URL", "redis://127.0.0.1:1/0")
    assert isinstance(bus_from_env(), RedisBus)


def test_a_garbled_room_in_redis_is_no_room(redis_server: RedisServer) -> None:
    bus = RedisBus(redis_server.url)
    client = redis.Redis.from_url(redis_server.url)
    for field, value in [("seq", b"-1"), ("link", b"\xff\xfe"), ("link", b"a\nb"), ("ended", b"x")]:
        opened = bus.open(LINK)
        client.hset(f"whatif:room:{opened.room_id}", field, value)
        assert bus.read(opened.room_id) is None, (field, value)


def test_a_redis_that_is_gone_says_so_and_a_restarted_one_works(
    redis_server: RedisServer,
) -> None:
    bus = RedisBus(redis_server.url)
    opened = bus.open(LINK)
    redis_server.kill()
    try:
        with pytest.raises(BusDownError):
            bus.read(opened.room_id)
    finally:
        redis_server.start()
    assert bus.read(opened.room_id) is None  # no persistence: the restarted Redis is empty
    # The presenter's page brings its room back, under the same id and secret.
    assert bus.reopen(opened, MOVED)
    assert isinstance(bus.publish(opened.room_id, opened.secret, LINK), Published)


def test_a_room_is_reopened_only_when_the_store_lost_it(bus: RoomBus) -> None:
    opened = bus.open(LINK)
    stranger = Opened(opened.room_id, "another-secret")
    assert not bus.reopen(stranger, MOVED)
    assert isinstance(bus.publish(opened.room_id, stranger.secret, MOVED), Refused)


def heard(bus: RoomBus, room_id: str, act: Callable[[], object], count: int) -> list[str]:
    """The first `count` events of the room's feed after `act` (run in a thread, as a
    session's script run publishes), read as the event stream reads them."""

    async def listen() -> list[str]:
        feed = bus.listen(room_id)
        assert await anext(feed) is None  # the feed is open before anything is done
        await asyncio.to_thread(act)
        got: list[str] = []
        while len(got) < count:
            text = await asyncio.wait_for(anext(feed), 5)
            if text is not None:
                got.append(text)
        await feed.aclose()
        return got

    return asyncio.run(listen())


def test_the_feed_says_when_the_room_moves_on_and_when_it_ends(bus: RoomBus) -> None:
    opened = bus.open(LINK)

    def present() -> None:
        bus.publish(opened.room_id, opened.secret, MOVED)
        bus.end(opened.room_id, opened.secret)

    events = heard(bus, opened.room_id, present, 2)
    assert events == [moved_event(1, ended=False), moved_event(2, ended=True)]
    assert [read_feed(e) for e in events] == [
        {"kind": "moved", "seq": 1},
        {"kind": "ended", "seq": 2},
    ]


def test_the_drag_token_relays_a_held_thumb_and_can_publish_nothing(
    bus: RoomBus, caplog: pytest.LogCaptureFixture
) -> None:
    opened = bus.open(LINK)
    drag = (
        '{"kind": "drag", "name": "price_per_mtok_usd", "value": 6.25, "key": "0123456789abcdef"}'
    )
    assert opened.drag_token not in (opened.secret, drag_token("another-secret"))
    events = heard(
        bus, opened.room_id, lambda: bus.drag(opened.room_id, opened.drag_token, drag), 1
    )
    assert events == [drag]
    with caplog.at_level(logging.WARNING, logger="rooms"):
        assert isinstance(bus.publish(opened.room_id, opened.drag_token, MOVED), Refused)
        assert isinstance(bus.end(opened.room_id, opened.drag_token), Refused)
    assert not bus.drag(opened.room_id, opened.secret, drag)  # the secret is not the token
    assert not bus.drag(opened.room_id, "forged", drag)
    assert not bus.drag("A" * ID_CHARS, opened.drag_token, drag)
    assert not bus.drag(opened.room_id, opened.drag_token, "x" * (MAX_EVENT_CHARS + 1))
    bus.end(opened.room_id, opened.secret)
    assert not bus.drag(opened.room_id, opened.drag_token, drag)  # an ended room is still


def test_drags_are_limited_per_room_per_second(bus: RoomBus) -> None:
    # In one second of both clocks (Redis counts wall-clock seconds, memory monotonic
    # ones), or again with a fresh room.
    for _ in range(3):
        opened = bus.open(LINK)
        start = (int(time.time()), int(time.monotonic()))
        relayed = [
            bus.drag(opened.room_id, opened.drag_token, "{}") for _ in range(DRAGS_PER_S + 5)
        ]
        if (int(time.time()), int(time.monotonic())) == start:
            break
    assert sum(relayed) == DRAGS_PER_S


def test_a_feed_on_a_redis_that_is_gone_says_so() -> None:
    bus = RedisBus(f"redis://127.0.0.1:{free_port()}/0")

    async def listen() -> None:
        async for _ in bus.listen("A" * ID_CHARS):
            pass

    with pytest.raises(BusDownError):
        asyncio.run(listen())


def test_only_the_presenters_secret_claims_a_live_room(
    bus: RoomBus, caplog: pytest.LogCaptureFixture
) -> None:
    opened = bus.open(LINK)
    assert bus.claim(opened.room_id, opened.secret)
    with caplog.at_level(logging.WARNING, logger="rooms"):
        assert not bus.claim(opened.room_id, opened.drag_token)
    assert f"refused a claim to room {opened.room_id}" in caplog.text
    assert not bus.claim("A" * ID_CHARS, opened.secret)
    assert not bus.claim("bad id", opened.secret)
    bus.end(opened.room_id, opened.secret)
    assert not bus.claim(opened.room_id, opened.secret)  # an ended meeting stays ended
