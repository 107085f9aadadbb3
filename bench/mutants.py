"""`python -m bench.mutants` (`make mutants` runs it after mutmut): the mutation score per module.

Reads the verdicts mutmut left in mutants/whatif/*.py.meta for each module pyproject's
[tool.mutmut] names. A mutant counts as killed when a test failed on it, it made the
tests time out, or the type checker refused it; one that survived but is listed in
docs/mutants.md (by its mutmut name, with the reason it is equivalent to the code) is
left out of the score, since no test can tell it from the code. Not checked yet counts
as not killed, so an interrupted run never reads better than it is.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from typing import Final

from mutmut.stats import status_by_exit_code

from bench.served import ROOT

KILLED: Final = frozenset({"killed", "timeout", "caught by type check"})
EQUIVALENT_DOC: Final = ROOT / "docs" / "mutants.md"
# A listed equivalent mutant is named in full, in backticks (a bullet may name several).
LISTED: Final = re.compile(r"`(whatif\.[\w.]+__mutmut_\d+)`")


def modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return [path.removesuffix(".py") for path in config["only_mutate"]]


def equivalent() -> set[str]:
    return set(LISTED.findall(EQUIVALENT_DOC.read_text())) if EQUIVALENT_DOC.exists() else set()


def verdicts(module: str) -> dict[str, str]:
    """Mutant name -> mutmut's status, for one module ("whatif/links")."""
    meta = ROOT / "mutants" / f"{module}.py.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in codes.items()}


def score_rows() -> list[tuple[str, int, int, int]]:
    """(module, mutants, killed, equivalent) per module, and for them all."""
    listed = equivalent()
    rows = []
    for module in modules():
        found = verdicts(module)
        killed = sum(status in KILLED for status in found.values())
        same = sum(name in listed and status not in KILLED for name, status in found.items())
        rows.append((module.replace("/", "."), len(found), killed, same))
    total = ("all", sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))
    return [*rows, total]


def main() -> int:
    print(f"{'module':<20} {'mutants':>8} {'killed':>8} {'equiv.':>7} {'left':>6} {'score':>7}")
    for module, count, killed, same in score_rows():
        scored = count - same
        score = f"{100 * killed / scored:.1f}%" if scored else "n/a"
        print(f"{module:<20} {count:>8} {killed:>8} {same:>7} {scored - killed:>6} {score:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
