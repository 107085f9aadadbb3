"""Several replicas of the app behind Debian's nginx, configured by deploy/nginx/.

Shared by the failover test (tests/e2e) and `make load`: the replicas are the
same `streamlit run` servers as everywhere else, and nginx runs the committed
deploy/nginx/nginx.conf with its own listen.conf and upstream.conf written for
the loopback ports, from a temporary prefix folder.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from bench.redis_served import RedisServer
from bench.served import ROOT, Server, end, free_port, healthy_within

NGINX: Final = Path("/usr/sbin/nginx")
CONFIG: Final = ROOT / "deploy" / "nginx" / "nginx.conf"


class Balancer:
    """nginx on a free loopback port in front of the given replicas, until stop()."""

    def __init__(self, replicas: list[Server]) -> None:
        self.replicas = replicas
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.prefix = Path(tempfile.mkdtemp(prefix="whatif-nginx-"))
        for folder in ("temp", "logs"):
            (self.prefix / folder).mkdir()
        shutil.copy(CONFIG, self.prefix / "nginx.conf")
        (self.prefix / "listen.conf").write_text(f"listen 127.0.0.1:{self.port};\n")
        (self.prefix / "upstream.conf").write_text(
            "".join(f"server 127.0.0.1:{r.port} max_fails=1 fail_timeout=1s;\n" for r in replicas)
        )
        self.process = subprocess.Popen(
            [str(NGINX), "-p", str(self.prefix), "-c", "nginx.conf", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not healthy_within(self.url, self.process, 20):
            log = self.error_log()
            self.stop()
            raise RuntimeError("nginx did not start: " + (log or "no answer in 20 s"))

    def replica_at(self, address: str) -> Server:
        """The replica behind an upstream address as nginx names it (127.0.0.1:PORT)."""
        port = int(address.rsplit(":", 1)[1])
        return next(r for r in self.replicas if r.port == port)

    def access_log(self) -> str:
        return self._log("access.log")

    def error_log(self) -> str:
        return self._log("error.log")

    def _log(self, name: str) -> str:
        path = self.prefix / "logs" / name
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        end(self.process)
        shutil.rmtree(self.prefix, ignore_errors=True)


@contextmanager
def rooms_across_replicas(count: int = 2) -> Iterator[tuple[RedisServer, list[Server], Balancer]]:
    """A redis-server, `count` replicas that keep their meetings' rooms in it, and nginx in
    front of them, all stopped when the block ends (the meeting benchmarks)."""
    redis_server = RedisServer()
    replicas = [Server(redis_url=redis_server.url) for _ in range(count)]
    balancer = Balancer(replicas)
    try:
        yield redis_server, replicas, balancer
    finally:
        balancer.stop()
        for replica in replicas:
            replica.stop()
        redis_server.stop()


def nginx_test(config_dir: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a copy of the committed configuration (with its includes)."""
    with tempfile.TemporaryDirectory(prefix="whatif-nginx-t-") as folder:
        prefix = Path(folder)
        for name in ("nginx.conf", "listen.conf", "upstream.conf"):
            shutil.copy(config_dir / name, prefix / name)
        for sub in ("temp", "logs"):
            (prefix / sub).mkdir()
        # The committed upstream names compose's services; resolve them to loopback here.
        upstream = (prefix / "upstream.conf").read_text()
        (prefix / "upstream.conf").write_text(
            upstream.replace("whatif-1:", "127.0.0.1:").replace("whatif-2:", "127.0.0.2:")
        )
        return subprocess.run(
            [str(NGINX), "-t", "-p", str(prefix), "-c", "nginx.conf"],
            capture_output=True,
            text=True,
            check=False,
        )
