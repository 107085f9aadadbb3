"""The room bus in one process's memory: rooms for a single replica, and the tests' fake.

The feed is a queue per listener, each on its own event loop (the server's), fed from
whichever thread publishes (a session's script run, or the drag route's worker).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from rooms.port import (
    DRAGS_PER_S,
    FOLLOWER_SEEN_S,
    IDLE_S,
    KEEP_S,
    MAX_EVENT_CHARS,
    MAX_LINK_CHARS,
    MEETING_ENDED,
    PUBLISHES_PER_S,
    QUIET_S,
    Opened,
    Published,
    Refused,
    Room,
    RoomBus,
    check_room_id,
    drag_token,
    moved_event,
    new_room_id,
    new_secret,
    read_state,
    refuse_forged,
    same_secret,
    secret_hash,
)

QUEUED: int = 64  # events a slow listener may fall behind by; then the oldest go


class _Rate:
    """How many times something happened in the current second, against a limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.second, self.count = limit, -1, 0

    def allows(self, now: float) -> bool:
        if int(now) != self.second:
            self.second, self.count = int(now), 0
        self.count += 1
        return self.count <= self.limit


def _offer(queue: asyncio.Queue[str], text: str) -> None:
    """Put on a listener's queue (on its loop); a full queue drops its oldest event."""
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(text)


@dataclass
class _Kept:
    secret_hash: str
    drag_hash: str
    fields: dict[str, str]
    live_until: float
    keep_until: float
    publishes: _Rate = field(default_factory=lambda: _Rate(PUBLISHES_PER_S))
    drags: _Rate = field(default_factory=lambda: _Rate(DRAGS_PER_S))
    followers: dict[str, float] = field(default_factory=dict)


class MemoryBus(RoomBus):
    """Rooms in a dict behind a lock (Streamlit runs each session's script in a thread)."""

    def __init__(
        self,
        idle_s: float = IDLE_S,
        keep_s: float = KEEP_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle_s, self.keep_s, self.clock = idle_s, keep_s, clock
        self._rooms: dict[str, _Kept] = {}
        self._listeners: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]]] = {}
        self._lock = threading.Lock()

    def _announce(self, room_id: str, text: str) -> None:
        """Put `text` on the room's feed (call with the lock held). A listener whose loop
        has closed (its server stopped) hears nothing more."""
        for entry in list(self._listeners.get(room_id, [])):
            loop, queue = entry
            try:
                loop.call_soon_threadsafe(_offer, queue, text)
            except RuntimeError:
                self._listeners[room_id].remove(entry)

    def _get(self, room_id: str) -> _Kept | None:
        kept = self._rooms.get(room_id)
        if kept and kept.keep_until <= self.clock():
            del self._rooms[room_id]
            return None
        return kept

    def open(self, link: str) -> Opened:
        opened = Opened(new_room_id(), new_secret())
        self.reopen(opened, link)
        return opened

    def reopen(self, opened: Opened, link: str) -> bool:
        now = self.clock()
        with self._lock:
            if self._get(opened.room_id) is not None:
                return False
            self._rooms[opened.room_id] = _Kept(
                secret_hash(opened.secret),
                secret_hash(drag_token(opened.secret)),
                {"seq": "0", "link": link[:MAX_LINK_CHARS], "ended": "0"},
                now + self.idle_s,
                now + self.keep_s,
            )
            self._announce(opened.room_id, moved_event(0, ended=False))
            return True

    def _live(self, kept: _Kept) -> bool:
        return kept.fields["ended"] == "0" and kept.live_until > self.clock()

    def _presenters(self, room_id: str, secret: str, what: str = "a publish") -> _Kept | Refused:
        """The room, if `secret` is its presenter's (call with the lock held)."""
        kept = self._get(room_id) if check_room_id(room_id) else None
        if kept is None:
            return Refused("no such room")
        if not same_secret(secret, kept.secret_hash):
            return refuse_forged(room_id, what)
        return kept

    def publish(self, room_id: str, secret: str, link: str) -> Published | Refused:
        with self._lock:
            kept = self._presenters(room_id, secret)
            if isinstance(kept, Refused):
                return kept
            if not self._live(kept):
                return Refused(MEETING_ENDED)
            if len(link) > MAX_LINK_CHARS:
                return Refused("the scenario is too long to publish")
            now = self.clock()
            if not kept.publishes.allows(now):
                return Refused("too many publishes this second")
            seq = int(kept.fields["seq"]) + 1
            kept.fields.update(seq=str(seq), link=link)
            kept.live_until, kept.keep_until = now + self.idle_s, now + self.keep_s
            self._announce(room_id, moved_event(seq, ended=False))
            return Published(seq)

    def end(self, room_id: str, secret: str) -> Published | Refused:
        with self._lock:
            kept = self._presenters(room_id, secret)
            if isinstance(kept, Refused):
                return kept
            seq = int(kept.fields["seq"]) + 1
            kept.fields.update(seq=str(seq), ended="1")
            self._announce(room_id, moved_event(seq, ended=True))
            return Published(seq)

    def claim(self, room_id: str, secret: str) -> bool:
        with self._lock:
            kept = self._presenters(room_id, secret, "a claim")
            return not isinstance(kept, Refused) and self._live(kept)

    def drag(self, room_id: str, token: str, event: str) -> bool:
        with self._lock:
            kept = self._get(room_id) if check_room_id(room_id) else None
            if kept is None or not same_secret(token, kept.drag_hash):
                return False
            if not self._live(kept) or len(event) > MAX_EVENT_CHARS:
                return False
            if not kept.drags.allows(self.clock()):
                return False
            self._announce(room_id, event)
            return True

    async def listen(self, room_id: str) -> AsyncGenerator[str | None, None]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[str](QUEUED))
        with self._lock:
            self._listeners.setdefault(room_id, []).append(entry)
        try:
            yield None
            while True:
                try:
                    yield await asyncio.wait_for(entry[1].get(), QUIET_S)
                except TimeoutError:
                    yield None
        finally:
            with self._lock:
                listeners = self._listeners.get(room_id, [])
                if entry in listeners:
                    listeners.remove(entry)
                if not listeners:
                    self._listeners.pop(room_id, None)

    def read(self, room_id: str) -> Room | None:
        with self._lock:
            kept = self._get(room_id) if check_room_id(room_id) else None
            return read_state(room_id, kept.fields, self._live(kept)) if kept else None

    def follow(self, room_id: str, page_id: str) -> None:
        with self._lock:
            kept = self._get(room_id) if check_room_id(room_id) else None
            if kept is not None:
                now = self.clock()
                kept.followers = {
                    page: seen
                    for page, seen in kept.followers.items()
                    if seen > now - FOLLOWER_SEEN_S
                }
                kept.followers[page_id] = now

    def followers(self, room_id: str) -> int:
        with self._lock:
            kept = self._get(room_id) if check_room_id(room_id) else None
            if kept is None:
                return 0
            since = self.clock() - FOLLOWER_SEEN_S
            return sum(seen > since for seen in kept.followers.values())
