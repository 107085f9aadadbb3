"""The deployment files parse and name the port, probes and settings the app uses."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.balanced import NGINX, nginx_test

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PORT = 8501  # Streamlit's port in the Dockerfile and every replica
HEALTH = "/_stcore/health"


def documents(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def test_the_dockerfile_serves_the_page_on_the_port_the_deployments_use() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"--server.port={PORT}" in dockerfile and f"EXPOSE {PORT}" in dockerfile
    assert HEALTH in dockerfile


def test_compose_runs_two_replicas_with_health_checks_behind_nginx() -> None:
    (compose,) = documents(DEPLOY / "compose.yaml")
    services = compose["services"]
    assert {"whatif-1", "whatif-2", "nginx"} <= set(services)
    for name in ("whatif-1", "whatif-2"):
        replica = services[name]
        assert HEALTH in " ".join(replica["healthcheck"]["test"])
        assert str(PORT) in " ".join(replica["healthcheck"]["test"]) + str(replica["expose"])
        assert set(replica["environment"]) == {
            "WHATIF_PRESETS_DIR",
            "WHATIF_PRICEBOOK",
            "WHATIF_REDIS_URL",
        }
        assert replica["environment"]["WHATIF_REDIS_URL"] == "redis://redis:6379/0"
        assert all(volume.endswith(":ro") for volume in replica["volumes"])
    assert services["nginx"]["depends_on"]["whatif-1"]["condition"] == "service_healthy"
    assert "--save" in services["redis"]["command"]  # rooms are not kept across restarts


def test_kubernetes_probes_resources_service_and_cookie_affinity() -> None:
    by_kind = {
        d["kind"]: d
        for d in documents(DEPLOY / "k8s" / "whatif.yaml")
        if not d["metadata"]["name"].endswith("-redis")
    }
    assert {"Deployment", "Service", "Ingress"} <= set(by_kind)
    deployment = by_kind["Deployment"]["spec"]
    assert deployment["replicas"] >= 2
    (container,) = deployment["template"]["spec"]["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": PORT}]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": HEALTH, "port": "http"}
    assert container["resources"]["requests"]["memory"] == "256Mi"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert set(env) == {"WHATIF_PRESETS_DIR", "WHATIF_PRICEBOOK", "WHATIF_REDIS_URL"}
    mounts = container["volumeMounts"]
    assert all(m["readOnly"] for m in mounts)
    assert any(env["WHATIF_PRESETS_DIR"] == m["mountPath"] for m in mounts)
    assert by_kind["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    annotations = by_kind["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def test_kubernetes_replicas_share_rooms_through_a_redis_service() -> None:
    redis = {
        d["kind"]: d
        for d in documents(DEPLOY / "k8s" / "whatif.yaml")
        if d["metadata"]["name"] == "whatif-redis"
    }
    service = redis["Service"]["spec"]["ports"][0]
    (deployment,) = [
        d
        for d in documents(DEPLOY / "k8s" / "whatif.yaml")
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "whatif"
    ]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["WHATIF_REDIS_URL"] == f"redis://whatif-redis:{service['port']}/0"
    assert "--save" in redis["Deployment"]["spec"]["template"]["spec"]["containers"][0]["args"]


def test_the_nginx_config_upgrades_websockets_hashes_a_cookie_and_retries_a_dead_replica() -> None:
    config = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert "hash $route consistent;" in config and "$cookie_whatif_route" in config
    assert "proxy_next_upstream error timeout http_502 http_503;" in config
    assert f"location = {HEALTH}" in config
    upstreams = re.findall(r"server (\S+):(\d+)", (DEPLOY / "nginx" / "upstream.conf").read_text())
    assert upstreams == [("whatif-1", str(PORT)), ("whatif-2", str(PORT))]


def test_the_image_serves_the_page_with_the_meeting_routes_and_nginx_streams_them() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"run", "serve.py"' in dockerfile and "serve.py" in dockerfile.split("CMD")[0]
    config = (DEPLOY / "nginx" / "nginx.conf").read_text()
    stream = config.split("location ~ ^/rooms/[A-Za-z0-9_-]+/events$ {")[1].split("}")[0]
    assert "proxy_buffering off;" in stream and "proxy_read_timeout 1h;" in stream


def test_nginx_accepts_the_configuration() -> None:
    if not NGINX.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's nginx is missing in CI: `make test` installs it")
        pytest.skip("needs Debian's nginx (apt-get install nginx)")
    checked = nginx_test(DEPLOY / "nginx")
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
