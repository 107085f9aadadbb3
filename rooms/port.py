"""The room bus's port: what a meeting needs from wherever rooms are kept.

A presenter opens a room and gets its id (shown to the room, in the QR code) and
a secret (kept in the presenter's session, never shown). Only the secret
publishes: each publish is the presenter's scenario as a link query string,
numbered by `seq`. Followers read the room's last state. A room ends when the
presenter ends it or when nothing was published for `idle_s` (4 hours); an
ended room keeps its last scenario, so a late link still shows it.

Both adapters keep a room as the same few text fields and hand them back
through `read_state`, the one checker of what comes out of the store: a
store that holds something hostile gives no room, never a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Final

ID_BYTES: Final = 16  # 128 random bits, more than the 96 a guess must beat
ID_CHARS: Final = 22  # base64url of 16 bytes, unpadded
SECRET_BYTES: Final = 32
ROOM_ID: Final = re.compile(rf"[A-Za-z0-9_-]{{{ID_CHARS}}}")
IDLE_S: Final = 4 * 3600
KEEP_S: Final = 7 * 24 * 3600  # an ended room's last scenario, for late links
PUBLISHES_PER_S: Final = 20  # a drag sends 5-10 a second; more is a runaway page
FOLLOWER_SEEN_S: Final = 15.0  # a page that has not asked for this long has gone (polls: 5 s)
MAX_LINK_CHARS: Final = 4096  # a complete link is about 1,000
DRAGS_PER_S: Final = 30  # a held thumb sends at most 20 a second
MAX_EVENT_CHARS: Final = 512  # a drag event is about 120
MEETING_ENDED: Final = "the meeting has ended"  # why an ended or idle room takes no publish
QUIET_S: Final = 15.0  # a feed says it is still there this often (proxies drop idle streams)

log = logging.getLogger("rooms")


class BusDownError(Exception):
    """The store cannot be reached (Redis restarting, the network gone)."""


def new_room_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def check_room_id(raw: object) -> str | None:
    """The room id if `raw` is one (length and alphabet), else None."""
    return raw if isinstance(raw, str) and ROOM_ID.fullmatch(raw) else None


def secret_hash(secret: str) -> str:
    """What the store keeps of a secret: a reader of the store cannot publish."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(secret: object, stored_hash: str) -> bool:
    if not isinstance(secret, str):
        return False
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def drag_token(secret: str) -> str:
    """What the presenter's browser holds to relay a held thumb: derived from the secret,
    one way, so it relays drags and can publish nothing."""
    return hashlib.sha256(f"drag:{secret}".encode()).hexdigest()


@dataclass(frozen=True)
class Opened:
    room_id: str
    secret: str

    @property
    def drag_token(self) -> str:
        return drag_token(self.secret)


@dataclass(frozen=True)
class Room:
    """A room as followers see it: the last scenario (a link query) and whether it ended."""

    room_id: str
    seq: int
    link: str
    ended: bool


@dataclass(frozen=True)
class Published:
    seq: int


@dataclass(frozen=True)
class Refused:
    """A publish or an end that was not done, and why."""

    problem: str


def read_state(room_id: str, fields: Mapping[str, str], live: bool) -> Room | None:
    """A room from the text fields the store holds, or None when they are not a room's."""
    seq, link, ended = fields.get("seq"), fields.get("link"), fields.get("ended")
    if not (isinstance(seq, str) and seq.isdigit() and len(seq) <= 18):
        return None
    if not isinstance(link, str) or len(link) > MAX_LINK_CHARS or not link.isprintable():
        return None
    if ended not in ("0", "1"):
        return None
    return Room(room_id, int(seq), link, ended == "1" or not live)


def moved_event(seq: int, ended: bool) -> str:
    """The feed's word that the room has a new scenario (or ended): followers ask for it."""
    return f'{{"kind": "{"ended" if ended else "moved"}", "seq": {seq}}}'


def refuse_forged(room_id: str, what: str = "a publish") -> Refused:
    log.warning("refused %s to room %s: not the presenter's secret", what, room_id)
    return Refused("not the presenter of this room")


class RoomBus(ABC):
    """Rooms, kept in one process or shared by replicas."""

    @abstractmethod
    def open(self, link: str) -> Opened:
        """A new room showing `link`, live for `idle_s` from now."""

    @abstractmethod
    def reopen(self, opened: Opened, link: str) -> bool:
        """Bring back a room the store lost (a Redis restarted without its data) under
        its id and secret, showing `link`; False if the room is there (nothing changes)."""

    @abstractmethod
    def publish(self, room_id: str, secret: str, link: str) -> Published | Refused:
        """The presenter's new scenario: refused (and logged) without the room's secret,
        for an ended or unknown room, and beyond PUBLISHES_PER_S in one second."""

    @abstractmethod
    def end(self, room_id: str, secret: str) -> Published | Refused:
        """End the meeting; the room keeps its last scenario."""

    @abstractmethod
    def read(self, room_id: str) -> Room | None:
        """The room's last state, or None for a room that never was (or was garbled)."""

    @abstractmethod
    def claim(self, room_id: str, secret: str) -> bool:
        """Whether `secret` is the presenter's of this live room (a presenter's page that
        was reloaded takes its room back); a wrong secret is logged."""

    @abstractmethod
    def drag(self, room_id: str, token: str, event: str) -> bool:
        """Relay a presenter's held thumb (`event`, checked by the caller) to the room's
        feed: False without the room's drag token, for an ended or unknown room, and beyond
        DRAGS_PER_S in one second. Publish and end put their own event on the feed."""

    @abstractmethod
    def listen(self, room_id: str) -> AsyncGenerator[str | None, None]:
        """The room's feed as it happens, for as long as the caller reads: None once it is
        open, then each event's text, and None again after each QUIET_S without one.
        Raises BusDownError when the store cannot be reached or goes away."""

    @abstractmethod
    def follow(self, room_id: str, page_id: str) -> None:
        """A following page says it is still there."""

    @abstractmethod
    def followers(self, room_id: str) -> int:
        """How many pages said they follow in the last FOLLOWER_SEEN_S seconds."""
