"""The room bus: a presenter's scenario, followed by the pages in the meeting.

One port (`RoomBus`), two adapters: `MemoryBus` keeps rooms in one process,
`RedisBus` shares them between replicas. Never imports streamlit; the page's
side of a meeting is app/room.py.
"""

from __future__ import annotations

import os

from rooms.memory import MemoryBus
from rooms.port import (
    IDLE_S,
    MEETING_ENDED,
    PUBLISHES_PER_S,
    BusDownError,
    Opened,
    Published,
    Refused,
    Room,
    RoomBus,
    check_room_id,
)
from rooms.redis_bus import RedisBus

REDIS_URL_VAR = "WHATIF_REDIS_URL"

__all__ = [
    "IDLE_S",
    "MEETING_ENDED",
    "PUBLISHES_PER_S",
    "REDIS_URL_VAR",
    "BusDownError",
    "MemoryBus",
    "Opened",
    "Published",
    "RedisBus",
    "Refused",
    "Room",
    "RoomBus",
    "bus_from_env",
    "check_room_id",
]


def bus_from_env() -> RoomBus:
    """Redis when WHATIF_REDIS_URL names one (replicas share rooms), else this process."""
    url = os.environ.get(REDIS_URL_VAR, "").strip()
    return RedisBus(url) if url else MemoryBus()
