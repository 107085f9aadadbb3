"""A meeting across replicas: a presenter on one replica, a follower on the other,
both through nginx, the room in Debian's redis-server; then stepping out, a forged
publish, and Redis killed and restarted."""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bench.balanced import NGINX, Balancer, rooms_across_replicas
from bench.redis_served import REDIS_SERVER, RedisServer
from bench.served import slider
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
DRAG_S = 3.0  # how long the presenter holds and drags the thumb
DRAG_MOVES_PER_S = 30
FOLLOWED_PER_S = 5.0  # the follower's tiles move at least this often during a drag

# Counts, on the follower's page, how often the watched tile's text changes (the live
# control draws it inside its shadow root): window.__followed, until __watching is false.
WATCH_TILE_JS = """(label) => {
    const host = [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
        .find((node) => node.shadowRoot && node.shadowRoot.querySelector('.tile-value'));
    const tile = () => [...host.shadowRoot.querySelectorAll('.tile')]
        .find((node) => node.querySelector('.tile-label').textContent === label);
    window.__followed = 0;
    window.__watching = true;
    let last = tile().querySelector('.tile-value').textContent;
    new MutationObserver(() => {
        const now = tile().querySelector('.tile-value').textContent;
        if (window.__watching && now !== last) { last = now; window.__followed += 1; }
    }).observe(host.shadowRoot, {subtree: true, childList: true, characterData: true});
}"""


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
    with rooms_across_replicas() as (redis_server, _, balancer):
        yield Meeting(redis_server, balancer)


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


def presenting_and_following(browser: Browser, balancer: Balancer) -> tuple[Page, Page, str]:
    """The presenter's page on one replica with its room open, a follower on another."""
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
    return presenter, follower, room_id


def test_a_follower_on_another_replica_follows_the_presenters_held_thumb(
    browser: Browser, meeting: Meeting
) -> None:
    presenter, follower, _ = presenting_and_following(browser, meeting.balancer)
    thumb = slider(presenter, "price_per_mtok_usd")
    box = thumb.bounding_box()
    assert box is not None
    y, left, width = box["y"] + box["height"] / 2, box["x"] + 8, box["width"] - 16
    # The presenter grabs the thumb: both pages fetch their sweep along the slider.
    presenter.mouse.move(left, y)
    presenter.mouse.down()
    expect(thumb).to_have_attribute("data-swept", "true")
    expect(slider(follower, "price_per_mtok_usd")).to_have_attribute("data-swept", "true")
    follower.evaluate(WATCH_TILE_JS, TILE)
    moves = int(DRAG_S * DRAG_MOVES_PER_S)
    start = time.monotonic()
    for n in range(1, moves + 1):
        presenter.mouse.move(left + width * n / moves, y)
        presenter.wait_for_timeout(1000 / DRAG_MOVES_PER_S)
    held = time.monotonic() - start
    followed = int(follower.evaluate("window.__watching = false, window.__followed"))
    presenter.mouse.up()
    released = time.monotonic()
    price = float(thumb.input_value())
    want = token_spend(SEED.model_copy(update={"price_per_mtok_usd": price}))
    expect(tile_value(follower, TILE)).to_have_text(want, timeout=5_000)
    settled_in = time.monotonic() - released
    print(f"follower: {followed / held:.1f} tile changes/s while held; release {settled_in:.2f} s")
    assert followed / held >= FOLLOWED_PER_S, (followed, held)
    assert settled_in <= FOLLOW_S, settled_in
    expect(follower.get_by_text("Following the presenter")).to_be_visible()
    presenter.context.close()
    follower.context.close()


def test_a_follower_on_another_replica_shows_each_released_move_within_a_second(
    browser: Browser, meeting: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    presenter, follower, room_id = presenting_and_following(browser, meeting.balancer)
    expect(presenter.get_by_text("1 page follows this scenario")).to_be_visible(timeout=10_000)

    # The presenter tabs to the slider first: both pages fetch their sweep along it.
    slider(presenter, "price_per_mtok_usd").focus()
    for page in (presenter, follower):
        expect(slider(page, "price_per_mtok_usd")).to_have_attribute("data-swept", "true")
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
    # A second from the key press: the presenter's control relays the released value at
    # once and the follower looks it up in its sweep; the room's word then reruns its page.
    print("release to presenter, to follower, s:", [(round(p, 2), round(f, 2)) for p, f in delays])
    assert max(f for _, f in delays) <= FOLLOW_S, delays

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
    presenter.context.close()
    follower.context.close()


def test_a_presenter_who_reloads_the_page_still_presents(
    browser: Browser, meeting: Meeting
) -> None:
    context, _ = on_replica(browser, meeting.balancer, None)
    presenter = context.new_page()
    presenter.goto(meeting.balancer.url + "?preset=seed-leak")
    settle(presenter)
    presenter.get_by_role("button", name="Let the room follow").click()
    presenter.wait_for_url("**room=**")
    expect(presenter.get_by_role("button", name="End the meeting")).to_be_visible()
    # The banner can be drawn before the control has kept the secret in the tab.
    presenter.wait_for_function(
        "() => Object.keys(sessionStorage).some((k) => k.startsWith('whatif-room-'))"
    )
    presenter.reload()
    expect(presenter.get_by_role("button", name="End the meeting")).to_be_visible()
    expect(presenter.get_by_text("Following the presenter")).to_be_hidden()
    # And it still publishes: a page opened on the room link shows its next move.
    room_id = presenter.url.split("room=")[1].split("&")[0]
    guest, _ = on_replica(browser, meeting.balancer, None)
    follower = guest.new_page()
    follower.goto(meeting.balancer.url + f"?room={room_id}")
    settle(follower)
    _, price = step_price(presenter, "ArrowRight", SEED.price_per_mtok_usd)
    want = token_spend(SEED.model_copy(update={"price_per_mtok_usd": price}))
    expect(tile_value(follower, TILE)).to_have_text(want)
    context.close()
    guest.close()


def test_nginx_turns_away_a_flood_of_drags_before_any_replica_sees_it(meeting: Meeting) -> None:
    url = meeting.balancer.url + "rooms/" + "A" * 22 + "/drag"

    def post(_: int) -> int:
        drag = {"name": "price_per_mtok_usd", "value": 6.0, "key": "0" * 16, "token": "forged"}
        body = json.dumps(drag).encode()
        asked = urllib.request.Request(url, data=body, method="POST")
        asked.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(asked, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    with ThreadPoolExecutor(32) as pool:
        codes = list(pool.map(post, range(300)))
    # A burst of 20 passes to the room, which refuses a forged token; past 40 a second,
    # nginx answers 429 itself.
    assert codes.count(403) >= 20 and codes.count(429) > 0
    assert set(codes) <= {403, 429}
