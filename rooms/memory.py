"""The room bus in one process's memory: rooms for a single replica, and the tests' fake."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rooms.port import (
    FOLLOWER_SEEN_S,
    IDLE_S,
    KEEP_S,
    MAX_LINK_CHARS,
    PUBLISHES_PER_S,
    Opened,
    Published,
    Refused,
    Room,
    RoomBus,
    check_room_id,
    new_room_id,
    new_secret,
    read_state,
    refuse_forged,
    same_secret,
    secret_hash,
)


@dataclass
class _Kept:
    secret_hash: str
    fields: dict[str, str]
    live_until: float
    keep_until: float
    second: int = -1
    in_second: int = 0
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
        self._lock = threading.Lock()

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
                {"seq": "0", "link": link[:MAX_LINK_CHARS], "ended": "0"},
                now + self.idle_s,
                now + self.keep_s,
            )
            return True

    def _live(self, kept: _Kept) -> bool:
        return kept.fields["ended"] == "0" and kept.live_until > self.clock()

    def _presenters(self, room_id: str, secret: str) -> _Kept | Refused:
        """The room, if `secret` is its presenter's (call with the lock held)."""
        kept = self._get(room_id) if check_room_id(room_id) else None
        if kept is None:
            return Refused("no such room")
        if not same_secret(secret, kept.secret_hash):
            return refuse_forged(room_id)
        return kept

    def publish(self, room_id: str, secret: str, link: str) -> Published | Refused:
        with self._lock:
            kept = self._presenters(room_id, secret)
            if isinstance(kept, Refused):
                return kept
            if not self._live(kept):
                return Refused("the meeting has ended")
            if len(link) > MAX_LINK_CHARS:
                return Refused("the scenario is too long to publish")
            now = self.clock()
            if int(now) != kept.second:
                kept.second, kept.in_second = int(now), 0
            kept.in_second += 1
            if kept.in_second > PUBLISHES_PER_S:
                return Refused("too many publishes this second")
            seq = int(kept.fields["seq"]) + 1
            kept.fields.update(seq=str(seq), link=link)
            kept.live_until, kept.keep_until = now + self.idle_s, now + self.keep_s
            return Published(seq)

    def end(self, room_id: str, secret: str) -> Published | Refused:
        with self._lock:
            kept = self._presenters(room_id, secret)
            if isinstance(kept, Refused):
                return kept
            seq = int(kept.fields["seq"]) + 1
            kept.fields.update(seq=str(seq), ended="1")
            return Published(seq)

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
