"""`python -m bench` (`make bench`): every benchmark, one table, figures in bench/results/.

Usage: python -m bench [core] [brief] [script] [browser]   (all when none is named)
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import brief, browser, core, script_run
from bench.measure import Figure, table
from bench.served import ROOT

SUITES = {"core": core.run, "brief": brief.run, "script": script_run.run, "browser": browser.run}


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main(names: list[str]) -> int:
    chosen = names or list(SUITES)
    unknown = set(chosen) - set(SUITES)
    if unknown:
        print(f"unknown suite(s): {', '.join(sorted(unknown))}; choose from {', '.join(SUITES)}")
        return 2
    figures: list[Figure] = []
    for name in chosen:
        print(f"running {name} ...", flush=True)
        figures += SUITES[name]()
    print()
    print(f"Machine: {machine()}")
    print(table(figures))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {
                "taken": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "figures": [f.as_dict() for f in figures],
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
