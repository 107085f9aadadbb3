"""Scale-out you can run: two replicas behind nginx, a replica killed, a rolling restart.

A browser opens a share link through nginx and moves a slider. The replica that
serves it is killed; within 10 s the page works again through the other replica
with the same numbers and no exception. Then both replicas are restarted one
after the other, with the same check each time.
"""

from __future__ import annotations

import os
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import APIResponse, Page, expect

from bench.balanced import NGINX, Balancer
from bench.served import Server, slider
from tests.e2e.conftest import kpis, settle, tile_value
from whatif import Scenario, encode_link, evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
RECOVERY_S = 10
TOKEN_SPEND = "Token spend, year 1"  # the tile a price step always changes
FAIL_TIMEOUT_S = 1  # deploy/nginx/upstream.conf
POLL_S = 0.05


@pytest.fixture
def cluster() -> Iterator[Balancer]:
    if not NGINX.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's nginx is missing in CI: `make test` installs it")
        pytest.skip("needs Debian's nginx (apt-get install nginx)")
    replicas = [Server(), Server()]
    balancer = Balancer(replicas)
    yield balancer
    balancer.stop()
    for replica in balancer.replicas:
        if replica.process.poll() is None:
            replica.stop()


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `condition` until it holds; fail, naming `what`, if it has not within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(POLL_S)  # the interval between two looks, not a guess at how long it takes


def serving(page: Page, balancer: Balancer) -> Server:
    """The replica this browser's requests reach (its affinity cookie decides).

    Right after a replica goes, an nginx worker may still count both as down for
    its fail_timeout and answer 502; Streamlit's client retries then, and so does this.
    """
    answers: list[APIResponse] = []

    def answered() -> bool:
        answers.append(page.request.get(balancer.url + "_stcore/health"))
        return answers[-1].ok

    try:
        wait_until(answered, 5 * FAIL_TIMEOUT_S, "nginx answers this browser's health check")
    except AssertionError as error:
        raise AssertionError(balancer.error_log()[-3000:]) from error
    return balancer.replica_at(answers[-1].headers["x-whatif-replica"])


def answered_by(balancer: Balancer, route: str) -> Server | None:
    """The replica nginx sends a health check with this affinity route to, if any answers."""
    probe = urllib.request.Request(
        balancer.url + "_stcore/health", headers={"Cookie": f"whatif_route={route}"}
    )
    try:
        with urllib.request.urlopen(probe, timeout=2) as answer:
            return balancer.replica_at(answer.headers["X-Whatif-Replica"])
    except OSError:
        return None


def restart(balancer: Balancer, replica: Server) -> Server:
    """A new server process on the same port, as a rolling restart brings back; like a
    rolling restart, it waits until the replica is healthy and nginx has taken it back.

    nginx checks replicas passively: a worker that saw the port fail keeps it out for
    fail_timeout (1 s), then tries it again. It is back once some of a spread of affinity
    routes (about half of them hash to it) is answered by the new process.
    """
    if replica.process.poll() is None:
        replica.stop()
    fresh = Server(port=replica.port)
    balancer.replicas[balancer.replicas.index(replica)] = fresh
    routes = [f"probe-{n}" for n in range(16)]
    wait_until(
        lambda: any(answered_by(balancer, route) is fresh for route in routes),
        RECOVERY_S,
        f"nginx sends requests to the restarted replica on port {fresh.port}",
    )
    return fresh


# Records that the page lost its server, however briefly, and that the page then ran
# again (the full rerun its client asks the new replica for after reconnecting).
WATCH_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__whatifLost = false;
    window.__whatifRanAgain = false;
    window.__whatifObserver?.disconnect();
    window.__whatifObserver = new MutationObserver(() => {
        if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') {
            window.__whatifLost = true;
        } else if (window.__whatifLost
                   && app.getAttribute('data-test-script-state') === 'running') {
            window.__whatifRanAgain = true;
        }
    });
    window.__whatifObserver.observe(app, {attributes: true});
}"""
RECONNECTED_JS = """() => window.__whatifRanAgain && document.querySelector('[data-testid="stApp"]')
    .getAttribute('data-test-connection-state') === 'CONNECTED'"""


def lose(page: Page, replica: Server, *, crash: bool) -> float:
    """Take a replica down (killed, or stopped as a rolling restart does), watching the page;
    the moment it began to go down."""
    page.evaluate(WATCH_JS)
    started = time.monotonic()
    if crash:
        replica.kill()
    else:
        replica.stop()
    return started


def recovers(page: Page, since: float, scenario: Scenario, base: Scenario) -> float:
    """Seconds from `since` until the page, on another replica, shows the same numbers and
    answers a slider move."""
    page.wait_for_function(RECONNECTED_JS, timeout=RECOVERY_S * 1000)
    settle(page)
    assert kpis(page) == shown(scenario, base)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    # It answers: the price moves a step up and back, each served by the replica now.
    price = slider(page, "price_per_mtok_usd")
    step = scenario.model_copy(update={"price_per_mtok_usd": scenario.price_per_mtok_usd + 0.25})
    for key, now in (("ArrowRight", step), ("ArrowLeft", scenario)):
        price.focus()
        price.press(key)
        expect(tile_value(page, TOKEN_SPEND)).to_have_text(
            shown(now, base)["Token spend, year 1"], timeout=RECOVERY_S * 1000
        )
    settle(page)
    assert kpis(page) == shown(scenario, base)
    return time.monotonic() - since


def shown(scenario: Scenario, base: Scenario) -> dict[str, str]:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario), evaluate(base))}


def test_a_killed_replica_and_a_rolling_restart_keep_the_page_working(
    page: Page, cluster: Balancer
) -> None:
    seed = PRESETS["seed-leak"]
    page.goto(cluster.url + "?" + encode_link(seed.scenario, "seed-leak"))
    settle(page)
    capex = slider(page, "ai_capex_busd_per_year")
    capex.focus()
    capex.press("PageUp")
    page.wait_for_url("**ai_capex_busd_per_year=**")
    moved = float(page.url.split("ai_capex_busd_per_year=")[1].split("&")[0])
    scenario = seed.scenario.model_copy(update={"ai_capex_busd_per_year": moved})
    expect(tile_value(page, "NPV at 9%")).to_have_text(shown(scenario, seed.scenario)["NPV at 9%"])
    settle(page)
    assert kpis(page) == shown(scenario, seed.scenario)

    first = serving(page, cluster)
    down = lose(page, first, crash=True)
    assert recovers(page, down, scenario, seed.scenario) <= RECOVERY_S
    second = serving(page, cluster)
    assert second is not first

    # Rolling restart: bring the killed one back, then restart the other, one at a time.
    first = restart(cluster, first)
    down = lose(page, second, crash=False)
    assert recovers(page, down, scenario, seed.scenario) <= RECOVERY_S
    assert serving(page, cluster) is first
    restart(cluster, second)
    down = lose(page, first, crash=False)
    assert recovers(page, down, scenario, seed.scenario) <= RECOVERY_S
    assert serving(page, cluster) is not first
