"""The room bus in Redis: rooms that every replica behind the balancer shares.

A room is a hash (`secret` and `drag` token as their SHA-256, `seq`, `link`,
`ended`) kept for KEEP_S after its last publish, beside a `live` key that expires
after IDLE_S without one. Publishing, ending and relaying a drag are Lua scripts,
so the secret check, the per-second rate count, the write and the word on the
room's feed (a pub/sub channel) happen at once for all replicas. Reads go through
`read_state`, as in memory; whatever Redis holds is checked there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Any, Final

import redis
import redis.asyncio

from rooms.port import (
    DRAGS_PER_S,
    FOLLOWER_SEEN_S,
    IDLE_S,
    KEEP_S,
    MAX_EVENT_CHARS,
    MAX_LINK_CHARS,
    PUBLISHES_PER_S,
    QUIET_S,
    BusDownError,
    Opened,
    Published,
    Refused,
    Room,
    RoomBus,
    check_room_id,
    drag_token,
    new_room_id,
    new_secret,
    read_state,
    refuse_forged,
    same_secret,
    secret_hash,
)

PREFIX: Final = "whatif:room:"
TIMEOUT_S: Final = 0.5  # a follower's poll must not hang on a Redis that went away

# The feed's word for a new scenario, as rooms.port.moved_event writes it.
_MOVED: Final = """
local function moved(seq, ended)
  local kind = 'moved'
  if ended then kind = 'ended' end
  redis.call('PUBLISH', KEYS[4], '{"kind": "' .. kind .. '", "seq": ' .. seq .. '}')
  return {seq}
end
"""

# KEYS: room hash, live key, rate key, feed channel. ARGV: secret hash, link or "", idle
# ms, keep ms, rate limit. An empty link ends the room. Returns {seq} or {0, problem}.
_WRITE: Final = (
    _MOVED
    + """
local stored = redis.call('HGET', KEYS[1], 'secret')
if not stored then return {0, 'no such room'} end
if stored ~= ARGV[1] then return {0, 'forged'} end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'ended', '1')
  return moved(redis.call('HINCRBY', KEYS[1], 'seq', 1), true)
end
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('HGET', KEYS[1], 'ended') ~= '0' then
  return {0, 'the meeting has ended'}
end
local count = redis.call('INCR', KEYS[3])
if count == 1 then redis.call('PEXPIRE', KEYS[3], 2000) end
if count > tonumber(ARGV[5]) then return {0, 'too many publishes this second'} end
redis.call('HSET', KEYS[1], 'link', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
return moved(redis.call('HINCRBY', KEYS[1], 'seq', 1), false)
"""
)

# KEYS: room hash, live key, rate key, feed channel. ARGV: secret hash, drag token hash,
# link, idle ms, keep ms. Returns 1 if made.
_CREATE: Final = (
    _MOVED
    + """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'drag', ARGV[2], 'seq', '0', 'link', ARGV[3],
           'ended', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
moved(0, false)
return 1
"""
)

# KEYS: room hash, live key, rate key, feed channel. ARGV: drag token hash, event, rate
# limit. Returns 1 if relayed.
_DRAG: Final = """
if redis.call('HGET', KEYS[1], 'drag') ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('HGET', KEYS[1], 'ended') ~= '0' then
  return 0
end
local count = redis.call('INCR', KEYS[3])
if count == 1 then redis.call('PEXPIRE', KEYS[3], 2000) end
if count > tonumber(ARGV[3]) then return 0 end
redis.call('PUBLISH', KEYS[4], ARGV[2])
return 1
"""


class RedisBus(RoomBus):
    """Rooms in the Redis at `url` (WHATIF_REDIS_URL); BusDownError while it cannot be reached."""

    def __init__(self, url: str, idle_s: float = IDLE_S, keep_s: float = KEEP_S) -> None:
        self.idle_ms, self.keep_ms = int(idle_s * 1000), int(keep_s * 1000)
        self.url = url
        self.client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        self._write = self.client.register_script(_WRITE)
        self._create = self.client.register_script(_CREATE)
        self._drag = self.client.register_script(_DRAG)

    @staticmethod
    def _keys(room_id: str) -> tuple[str, str, str]:
        room = PREFIX + room_id
        return room, room + ":live", room + ":followers"

    @staticmethod
    def _feed(room_id: str) -> str:
        return PREFIX + room_id + ":feed"

    def _call(self, action: Any, *args: Any) -> Any:
        try:
            return action(*args)
        except redis.RedisError as exc:
            raise BusDownError(str(exc)) from exc

    def open(self, link: str) -> Opened:
        opened = Opened(new_room_id(), new_secret())
        self.reopen(opened, link)
        return opened

    def reopen(self, opened: Opened, link: str) -> bool:
        room, live, _ = self._keys(opened.room_id)
        answer = self._call(
            self._create,
            [room, live, room + ":rate", self._feed(opened.room_id)],
            [
                secret_hash(opened.secret),
                secret_hash(drag_token(opened.secret)),
                link[:MAX_LINK_CHARS],
                self.idle_ms,
                self.keep_ms,
            ],
        )
        return bool(answer)

    def _run(self, room_id: str, secret: str, link: str) -> Published | Refused:
        if not check_room_id(room_id):
            return Refused("no such room")
        if len(link) > MAX_LINK_CHARS:
            return Refused("the scenario is too long to publish")
        room, live, _ = self._keys(room_id)
        rate = f"{room}:rate:{int(time.time())}"
        answer = self._call(
            self._write,
            [room, live, rate, self._feed(room_id)],
            [secret_hash(secret), link, self.idle_ms, self.keep_ms, PUBLISHES_PER_S],
        )
        if answer[0] != 0:
            return Published(int(answer[0]))
        problem = answer[1].decode()
        return refuse_forged(room_id) if problem == "forged" else Refused(problem)

    def publish(self, room_id: str, secret: str, link: str) -> Published | Refused:
        if not link:
            return Refused("an empty scenario")
        return self._run(room_id, secret, link)

    def end(self, room_id: str, secret: str) -> Published | Refused:
        return self._run(room_id, secret, "")

    def read(self, room_id: str) -> Room | None:
        if not check_room_id(room_id):
            return None
        room, live, _ = self._keys(room_id)

        def get() -> list[Any]:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hmget(room, ["seq", "link", "ended"])
                pipe.exists(live)
                result: list[Any] = pipe.execute()
                return result

        values, is_live = self._call(get)
        try:
            fields = {
                name: value.decode()
                for name, value in zip(("seq", "link", "ended"), values, strict=True)
                if value is not None
            }
        except UnicodeDecodeError:
            return None
        return read_state(room_id, fields, bool(is_live))

    def claim(self, room_id: str, secret: str) -> bool:
        if not check_room_id(room_id):
            return False
        room, live, _ = self._keys(room_id)

        def get() -> list[Any]:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hmget(room, ["secret", "ended"])
                pipe.exists(live)
                result: list[Any] = pipe.execute()
                return result

        (stored, ended), is_live = self._call(get)
        if stored is None:
            return False
        if not same_secret(secret, stored.decode(errors="replace")):
            refuse_forged(room_id, "a claim")
            return False
        return ended == b"0" and bool(is_live)

    def drag(self, room_id: str, token: str, event: str) -> bool:
        if not check_room_id(room_id) or not isinstance(token, str):
            return False
        if len(event) > MAX_EVENT_CHARS:
            return False
        room, live, _ = self._keys(room_id)
        rate = f"{room}:drags:{int(time.time())}"
        answer = self._call(
            self._drag,
            [room, live, rate, self._feed(room_id)],
            [secret_hash(token), event, DRAGS_PER_S],
        )
        return bool(answer)

    async def listen(self, room_id: str) -> AsyncGenerator[str | None, None]:
        # A subscription that dies silently (a half-open connection) is found by a PING
        # each QUIET_S, and TCP keepalive: the stream then says paused, never hangs mute.
        client = redis.asyncio.Redis.from_url(
            self.url,
            socket_connect_timeout=TIMEOUT_S,
            socket_keepalive=True,
            health_check_interval=QUIET_S,
        )
        feed = client.pubsub(ignore_subscribe_messages=True)
        try:
            await feed.subscribe(self._feed(room_id))
            yield None
            while True:
                message = await feed.get_message(timeout=QUIET_S)
                if message is None:
                    yield None
                elif isinstance(message.get("data"), bytes):
                    try:
                        yield message["data"].decode()
                    except UnicodeDecodeError:
                        continue  # not an event of ours: nothing to relay
        except (redis.RedisError, OSError) as exc:
            raise BusDownError(str(exc)) from exc
        finally:
            try:
                await feed.aclose()  # type: ignore[no-untyped-call]
                await client.aclose()
            except (redis.RedisError, OSError, asyncio.CancelledError):
                pass  # the connection is gone already

    def follow(self, room_id: str, page_id: str) -> None:
        if not check_room_id(room_id):
            return
        _, _, followers = self._keys(room_id)
        now = time.time()

        def beat() -> None:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.zadd(followers, {page_id: now})
                pipe.zremrangebyscore(followers, "-inf", now - FOLLOWER_SEEN_S)
                pipe.expire(followers, int(FOLLOWER_SEEN_S * 6))
                pipe.execute()

        self._call(beat)

    def followers(self, room_id: str) -> int:
        if not check_room_id(room_id):
            return 0
        _, _, followers = self._keys(room_id)
        count = self._call(self.client.zcount, followers, time.time() - FOLLOWER_SEEN_S, "+inf")
        return int(count)
