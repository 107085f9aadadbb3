"""One benchmark figure: a median over repeated runs, with min, max and its budget."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A measured figure; `budget` is the most it may be (same unit), if it has one, or
    the least when `at_least` (a rate)."""

    name: str
    unit: str
    median: float
    low: float
    high: float
    runs: int
    budget: float | None = None
    note: str = ""
    at_least: bool = False

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        within = self.median >= self.budget if self.at_least else self.median <= self.budget
        return "meets" if within else "MISSES"

    @property
    def budget_text(self) -> str:
        if self.budget is None:
            return ""
        return f"{'>= ' if self.at_least else ''}{self.budget:,.2f}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"verdict": self.verdict}


def figure(
    name: str,
    unit: str,
    samples: Sequence[float],
    budget: float | None = None,
    note: str = "",
    *,
    at_least: bool = False,
) -> Figure:
    return Figure(
        name,
        unit,
        statistics.median(samples),
        min(samples),
        max(samples),
        len(samples),
        budget,
        note,
        at_least,
    )


def timed(call: Callable[[], object], *, repeat: int, number: int, scale: float) -> list[float]:
    """`repeat` samples, each the mean of `number` calls, in seconds x scale."""
    call()  # warm-up: imports, caches, first allocations
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            call()
        samples.append((time.perf_counter() - start) / number * scale)
    return samples


def table(figures: Sequence[Figure]) -> str:
    """The figures as one aligned text table."""
    header = ("measure", "median", "min", "max", "unit", "budget", "")
    rows = [header] + [
        (
            f.name,
            f"{f.median:,.2f}",
            f"{f.low:,.2f}",
            f"{f.high:,.2f}",
            f.unit,
            f.budget_text,
            f.verdict,
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
