"""Rank correlations between a preset's ranged drivers, and draws that honour them.

Shared MODEL.md ("Uncertainty: correlated draws and scenario sets"): a preset may say

    "correlations": [{"fields": [A, B], "rank": 0.6, "source": "..."}]

`read_correlations` is the one reader of that list. It never raises, whatever JSON
it is given: it returns the correlations, or one `CorrelationProblem` naming the
entry (its index, so the loader can give its line) and the pair. Rules:

- each entry is an object with exactly `fields` (two different field names), `rank`
  (a number in -0.95 to 0.95) and `source` (a non-empty citation);
- both fields have a range in the preset (after `extends` merging);
- a pair (in either order) is named at most once per file; a preset's own entry
  for a pair replaces the one it inherits through `extends`;
- the matrix of all pairs (unnamed pairs 0) is positive definite. Entries are
  added in order, inherited ones first, and the first entry after which the
  matrix is no longer positive definite is the one named.

`iman_conover` gives independent draws the requested rank correlations by
reordering them (Iman and Conover, 1982): van der Waerden scores, decorrelated,
multiplied by the Cholesky factor of the target matrix; each column of draws is
then reordered to the ranks of its scored column. Only the order changes, so
every marginal (the triangular draws) is kept exactly.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from whatif.formatting import shown
from whatif.scenario import FIELDS, FIELDS_BY_NAME

MAX_RANK: Final = 0.95
# Below this many draws a rank correlation means little (and the scores' own chance
# correlation may be singular): the draws stay independent.
MIN_CORRELATED_DRAWS: Final = 100
ENTRY_KEYS: Final = ("fields", "rank", "source")
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Correlation:
    """The rank (Spearman) correlation the draws of two ranged fields should have."""

    fields: tuple[str, str]
    rank: float
    source: str

    @property
    def pair(self) -> frozenset[str]:
        return frozenset(self.fields)


@dataclass(frozen=True)
class CorrelationProblem:
    """Why a preset's correlations are unusable: the entry (0-based, None for the
    whole list), the pair when known, and the rule broken."""

    index: int | None
    reason: str
    pair: tuple[str, str] | None = None

    @property
    def message(self) -> str:
        if self.pair is None:
            return self.reason
        return f"{self.pair[0]} ~ {self.pair[1]}: {self.reason}"


def _pair(raw: Any) -> tuple[str, str] | str:
    if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(n, str) for n in raw)):
        return '"fields" must name two fields, e.g. ["price_decline_pct_per_year", ...]'
    return raw[0], raw[1]


def _entry(index: int, raw: Any, ranged: Collection[str]) -> Correlation | CorrelationProblem:
    """One entry checked on its own: shape, fields, rank, source."""
    if not isinstance(raw, dict):
        return CorrelationProblem(index, 'each entry must be an object {"fields", "rank", ...}')
    extra = sorted(set(raw) - set(ENTRY_KEYS))
    if extra:
        return CorrelationProblem(index, f"unknown key {shown(extra[0])!r}")
    pair = _pair(raw.get("fields"))
    if isinstance(pair, str):
        return CorrelationProblem(index, pair)
    a, b = pair
    named = (shown(a), shown(b))
    for name in pair:
        if name not in FIELDS_BY_NAME:
            return CorrelationProblem(index, f"no field {shown(name)!r}", named)
        if name not in ranged:
            return CorrelationProblem(
                index, f"{name} has no range in this preset (give it one under ranges)", named
            )
    if a == b:
        return CorrelationProblem(index, "a field cannot be correlated with itself", named)
    rank = raw.get("rank")
    if isinstance(rank, bool) or not isinstance(rank, int | float) or not math.isfinite(rank):
        return CorrelationProblem(index, '"rank" must be a number', named)
    if not -MAX_RANK <= rank <= MAX_RANK:
        return CorrelationProblem(
            index, f"rank {rank:g} is outside -{MAX_RANK:g} to {MAX_RANK:g}", named
        )
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        return CorrelationProblem(index, '"source" must say where the correlation comes from')
    return Correlation((a, b), float(rank), source)


def _is_positive_definite(correlations: Sequence[Correlation]) -> bool:
    _, matrix = correlation_matrix(correlations)
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


def read_correlations(
    raw: Any, ranged: Collection[str], inherited: Sequence[Correlation] = ()
) -> tuple[Correlation, ...] | CorrelationProblem:
    """A preset's correlations (its own merged over the inherited ones), or the first
    problem. `raw` is the JSON value of its "correlations" key, anything at all."""
    if not isinstance(raw, list):
        return CorrelationProblem(None, "must be a list of {fields, rank, source} objects")
    own: list[tuple[int, Correlation]] = []
    seen: dict[frozenset[str], int] = {}
    for index, item in enumerate(raw):
        entry = _entry(index, item, ranged)
        if isinstance(entry, CorrelationProblem):
            return entry
        if entry.pair in seen:
            return CorrelationProblem(
                index,
                f"the pair is named twice (entries {seen[entry.pair] + 1} and {index + 1})",
                entry.fields,
            )
        seen[entry.pair] = index
        own.append((index, entry))
    merged = [c for c in inherited if c.pair not in seen]
    for index, entry in own:
        merged.append(entry)
        if not _is_positive_definite(merged):
            return CorrelationProblem(
                index,
                "with the correlations before it, the matrix is not positive definite "
                "(no set of draws can move together this way); weaken one of them",
                entry.fields,
            )
    return tuple(merged)


def correlation_matrix(correlations: Sequence[Correlation]) -> tuple[list[str], Array]:
    """The fields named (in FIELDS order) and their target rank-correlation matrix."""
    named = {name for c in correlations for name in c.fields}
    names = [spec.name for spec in FIELDS if spec.name in named]
    at = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for c in correlations:
        i, j = at[c.fields[0]], at[c.fields[1]]
        matrix[i, j] = matrix[j, i] = c.rank
    return names, matrix


@lru_cache(maxsize=8)
def _van_der_waerden(n: int) -> Array:
    """The normal scores of ranks 1..n: Phi^-1(i / (n + 1)), computed once per n."""
    inverse = NormalDist().inv_cdf
    scores = np.array([inverse(i / (n + 1)) for i in range(1, n + 1)])
    scores.flags.writeable = False
    return scores


def iman_conover(
    columns: Mapping[str, Array], correlations: Sequence[Correlation], rng: np.random.Generator
) -> dict[str, Array]:
    """The draws reordered to the target rank correlations; each column keeps its values."""
    names, target = correlation_matrix(correlations)
    n = len(columns[names[0]]) if names else 0
    if n < MIN_CORRELATED_DRAWS:
        return dict(columns)
    scores = rng.permuted(np.tile(_van_der_waerden(n), (len(names), 1)), axis=1).T
    # Remove the scores' chance correlation, then impose the target's.
    chance = np.linalg.cholesky(np.corrcoef(scores, rowvar=False))
    scored = scores @ np.linalg.inv(chance).T @ np.linalg.cholesky(target).T
    ranks = np.argsort(np.argsort(scored, axis=0), axis=0)
    reordered = dict(columns)
    for j, name in enumerate(names):
        reordered[name] = np.sort(columns[name])[ranks[:, j]]
    return reordered


def correlations_json_schema() -> dict[str, Any]:
    """The JSON Schema of a preset's "correlations" list (the reader checks the rest)."""
    return {
        "type": "array",
        "description": "Rank correlations between ranged fields for the Monte Carlo "
        "(Iman-Conover); each pair at most once, the matrix positive definite.",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": list(ENTRY_KEYS),
            "properties": {
                "fields": {
                    "type": "array",
                    "description": "Two different fields, each with a range in this preset.",
                    "items": {"enum": [spec.name for spec in FIELDS]},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "rank": {
                    "type": "number",
                    "description": "Spearman rank correlation of the two fields' draws.",
                    "minimum": -MAX_RANK,
                    "maximum": MAX_RANK,
                },
                "source": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Where the correlation comes from.",
                },
            },
        },
    }
