"""A meeting across replicas: a presenter on one replica, a follower on the other,
both through nginx, the room in Debian's redis-server; then stepping out, a forged
publish, and Redis killed and restarted."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bench.balanced import NGINX, Balancer
from bench.redis_served import REDIS_SERVER, RedisServer
from bench.served import Server, slider
from rooms import RedisBus, Refused
from tests.e2e.conftest import SHOTS, VIEWPORT, settle, tile_value
from whatif import Scenario, encode_link, evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
SEED = PRESETS["seed-leak"].scenario
FOLLOW_S = 1.0  # a released move reaches the follower within a second
TILE = "Token spend, year 1"  # the tile a price step always changes
STEP = 0.25  # the price slider's step


class Meeting:
    def __init__(self, redis_server: RedisServer, balancer: Balancer) -> None:
        self.redis, self.balancer = redis_server, balancer


@pytest.fixture
def meeting() -> Iterator[Meeting]:
    for binary, package in ((NGINX, "nginx"), (REDIS_SERVER, "redis-server")):
        if not binary.exists():
            if os.environ.get("CI") == "true":
                pytest.fail(f"Debian's {package} is missing in CI: `make test` installs it")
            pytest.skip(f"needs Debian's {package} (apt-get install {package})")
    redis_server = RedisServer()
    replicas = [Server(redis_url=redis_server.url), Server(redis_url=redis_server.url)]
    balancer = Balancer(replicas)
    yield Meeting(redis_server, balancer)
    balancer.stop()
    for replica in replicas:
        replica.stop()
    redis_server.stop()


def on_replica(
    browser: Browser, balancer: Balancer, avoid: str | None
) -> tuple[BrowserContext, str]:
    """A browser context whose affinity cookie sends it to a replica other than `avoid`."""
    for _ in range(50):
        context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.add_cookies(
            [{"name": "whatif_route", "value": uuid.uuid4().hex, "url": balancer.url}]
        )
        replica = context.request.get(balancer.url + "_stcore/health").headers["x-whatif-replica"]
        if replica != avoid:
            return context, replica
        context.close()
    raise AssertionError("nginx sent every cookie to one replica")


def token_spend(scenario: Scenario) -> str:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario))}[TILE]


def step_price(presenter: Page, key: str, price: float) -> tuple[float, float]:
    """A released price move on the presenter's page; when it was made, and the new price."""
    thumb = slider(presenter, "price_per_mtok_usd")
    thumb.focus()
    moved = time.monotonic()
    thumb.press(key)
    return moved, price + (STEP if key == "ArrowRight" else -STEP)


def test_a_follower_on_another_replica_shows_each_released_move_within_a_second(
    browser: Browser, meeting: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    balancer = meeting.balancer
    host, host_replica = on_replica(browser, balancer, None)
    presenter = host.new_page()
    presenter.goto(balancer.url + "?preset=seed-leak")
    settle(presenter)
    presenter.get_by_role("button", name="Let the room follow").click()
    presenter.wait_for_url("**room=**")
    room_id = presenter.url.split("room=")[1].split("&")[0]

    guest, guest_replica = on_replica(browser, balancer, host_replica)
    assert guest_replica != host_replica
    follower = guest.new_page()
    follower.goto(balancer.url + f"?room={room_id}")
    settle(follower)
    expect(follower.get_by_text("Following the presenter")).to_be_visible()
    expect(presenter.get_by_text("1 page follows this scenario")).to_be_visible(timeout=10_000)

    price, delays = SEED.price_per_mtok_usd, []
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowRight", "ArrowRight"):
        moved, price = step_price(presenter, key, price)
        want = token_spend(SEED.model_copy(update={"price_per_mtok_usd": price}))
        expect(tile_value(presenter, TILE)).to_have_text(want)
        shown = time.monotonic()
        expect(tile_value(follower, TILE)).to_have_text(want, timeout=5_000)
        delays.append((shown - moved, time.monotonic() - moved))
        settle(presenter)
        settle(follower)
    SHOTS.mkdir(parents=True, exist_ok=True)
    follower.screenshot(path=str(SHOTS / "room-follower.png"))
    presenter.screenshot(path=str(SHOTS / "room-presenter.png"))
    # The aim is a second from the key press; the test allows twice that, because on a
    # busy machine (two shared cores) the follower's whole-page run alone takes 0.5-1 s.
    # The figures are printed; README, In a meeting, gives them on a quiet machine.
    print("release to presenter, to follower, s:", [(round(p, 2), round(f, 2)) for p, f in delays])
    assert max(f for _, f in delays) <= 2 * FOLLOW_S, delays

    # Stop following: the presenter's moves pass the follower by; Rejoin catches up.
    follower.get_by_role("button", name="Stop following").click()
    expect(follower.get_by_text("You are exploring on your own.")).to_be_visible()
    left_at = tile_value(follower, TILE).inner_text()
    moved, price = step_price(presenter, "ArrowRight", price)
    settle(presenter)
    time.sleep(FOLLOW_S)
    assert tile_value(follower, TILE).inner_text() == left_at
    follower.get_by_role("button", name="Rejoin").click()
    now = token_spend(SEED.model_copy(update={"price_per_mtok_usd": price}))
    expect(tile_value(follower, TILE)).to_have_text(now)

    # A publish without the presenter's secret is refused and logged; nothing changes.
    bus = RedisBus(meeting.redis.url)
    forged = encode_link(SEED.model_copy(update={"price_per_mtok_usd": 40.0}), "seed-leak")
    with caplog.at_level(logging.WARNING, logger="rooms"):
        assert isinstance(bus.publish(room_id, "not-the-secret", forged), Refused)
    assert f"refused a publish to room {room_id}" in caplog.text
    time.sleep(FOLLOW_S)
    expect(tile_value(follower, TILE)).to_have_text(now)

    # Redis goes away: the follower keeps its numbers and says following paused; the
    # presenter moves meanwhile; Redis comes back (empty) and the follower catches up.
    meeting.redis.kill()
    expect(follower.get_by_text("Live following paused", exact=False)).to_be_visible()
    expect(tile_value(follower, TILE)).to_have_text(now)
    moved, price = step_price(presenter, "ArrowRight", price)
    settle(presenter)
    meeting.redis.start()
    later = token_spend(SEED.model_copy(update={"price_per_mtok_usd": price}))
    expect(tile_value(follower, TILE)).to_have_text(later, timeout=10_000)
    expect(follower.get_by_text("Live following paused", exact=False)).to_be_hidden()
    expect(follower.get_by_test_id("stException")).to_have_count(0)
    host.close()
    guest.close()
