"""Preset files: JSON scenarios analysts edit in `assets/presets/`.

Loading never raises for a bad file and never writes: it returns the valid
presets plus one `PresetError` per bad file (file name; line and column for
JSON syntax errors; the field and the rule broken for bad values).

A preset may say `"extends": "ID"`: its values (and ranges, and correlations) merge over those
of preset ID, which may extend another, at most `MAX_EXTENDS` links deep. A
missing parent, a loop or a parent that cannot be loaded is an error for the
file that extends it, named; every other preset keeps working.

Its optional `"correlations"` (whatif/correlations.py) are read after the merge, so a
pair may name a range the parent gives; a bad entry is named by its line and pair.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from whatif.correlations import (
    Correlation,
    CorrelationProblem,
    correlations_json_schema,
    read_correlations,
)
from whatif.documents import (
    MAX_DOCUMENT_BYTES,
    DocumentError,
    decode_bytes,
    invalid,
    key_position,
    line_of_item,
    read_object,
)
from whatif.formatting import did_you_mean, shown
from whatif.scenario import FIELDS, FIELDS_BY_NAME, Scenario

MAX_PRESET_BYTES: Final = MAX_DOCUMENT_BYTES
MAX_EXTENDS: Final = 8
FINGERPRINT_CHARS: Final = 8
PRESET_ID_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PRESET_ID: Final = re.compile(PRESET_ID_PATTERN)
DEFAULT_PRESETS_DIR: Final = Path(__file__).resolve().parent.parent / "assets" / "presets"
# The page opens on this preset, and a link or CLI run that names none starts from it.
DEFAULT_PRESET_ID: Final = "meta-2025"
SCHEMA_REF: Final = "../preset.schema.json"

# A preset file's problem is a DocumentError; the name says where it came from.
PresetError = DocumentError


class PresetFile(BaseModel):
    """The shape of one preset file; `values` is checked against Scenario."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_ref: str = Field(default=SCHEMA_REF, alias="$schema")
    name: str = Field(min_length=1, max_length=80, description="Shown in the preset selector.")
    description: str = Field(
        min_length=1, max_length=2000, description="What the preset assumes and why."
    )
    extends: str | None = Field(
        default=None,
        pattern=PRESET_ID_PATTERN,
        description="The id of a preset whose values and ranges this one's merge over "
        f"(chains allowed, at most {MAX_EXTENDS} deep).",
    )
    sources: list[str] = Field(default_factory=list, description="Short citations.")
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="Any subset of the scenario fields; missing ones come from the preset "
        "it extends, else the defaults.",
    )
    ranges: dict[str, list[float]] = Field(
        default_factory=dict,
        description="Optional [low, high] per field for sensitivity and Monte Carlo.",
    )
    # Checked by whatif/correlations.py's reader, which names the entry's line and pair.
    correlations: Any = Field(default_factory=list)


# The keys a preset file may have, as written in it, for a "did you mean".
PRESET_KEYS: Final = tuple(f.alias or name for name, f in PresetFile.model_fields.items())


@dataclass(frozen=True)
class Preset:
    """A valid preset: its id (the file name without .json) and its scenario.

    `values` are the effective ones: its own merged over those of the presets it extends.
    """

    id: str
    name: str
    description: str
    sources: tuple[str, ...]
    values: Mapping[str, float]
    scenario: Scenario
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    extends: str | None = None
    correlations: tuple[Correlation, ...] = ()


@dataclass(frozen=True)
class PresetSet:
    """The outcome of loading a folder: the valid presets by id, and the errors."""

    presets: dict[str, Preset] = field(default_factory=dict)
    errors: tuple[PresetError, ...] = ()

    @property
    def broken(self) -> frozenset[str]:
        """The ids of the folder's files that could not be loaded."""
        return frozenset(error.file.removesuffix(".json") for error in self.errors)


def fingerprint(scenario: Scenario) -> str:
    """A short digest of a preset's effective values: it changes when any of them does."""
    canonical = json.dumps(scenario.model_dump(), sort_keys=True, allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:FINGERPRINT_CHARS]


def presets_dir() -> Path:
    """The presets folder: $WHATIF_PRESETS_DIR when set, else assets/presets."""
    configured = os.environ.get("WHATIF_PRESETS_DIR")
    return Path(configured) if configured else DEFAULT_PRESETS_DIR


def _range_problem(name: str, bounds: list[float]) -> str | None:
    """Why a preset's [low, high] for one field is unusable, or None."""
    spec = FIELDS_BY_NAME.get(name)
    if spec is None:
        return "unknown field" + did_you_mean(name, FIELDS_BY_NAME)
    if len(bounds) != 2:
        return "must be [low, high]"
    low, high = bounds
    if low > high:
        return f"low ({low:g}) is above high ({high:g})"
    if low < spec.minimum or high > spec.maximum:
        return f"must lie within {spec.minimum:g} to {spec.maximum:g} ({spec.unit})"
    if spec.is_int and not (float(low).is_integer() and float(high).is_integer()):
        return "must be whole numbers"
    return None


@dataclass(frozen=True)
class _Draft:
    """A preset file of the right shape, before its values are merged and checked."""

    id: str
    file: str
    text: str
    shape: PresetFile

    @property
    def parent(self) -> str:
        return repr(shown(self.shape.extends or ""))

    def extends_error(self, reason: str) -> PresetError:
        line, column = key_position(self.text, ["extends"])
        return PresetError(self.file, reason, line=line, column=column, field="extends")

    def no_parent(self, known: Collection[str]) -> str:
        """Why `extends` fails when no preset has that id; `known` are the ids there are."""
        return f"no preset {self.parent}{did_you_mean(self.shape.extends or '', known)}"


def _draft(preset_id: str, text: str, file: str) -> _Draft | PresetError:
    data = read_object(text, file, "a preset")
    if isinstance(data, PresetError):
        return data
    try:
        shape = PresetFile.model_validate(data, strict=True)
    except ValidationError as exc:
        return invalid(file, text, exc, known=PRESET_KEYS)
    return _Draft(preset_id, file, text, shape)


def _build(draft: _Draft, parent: Preset | None) -> Preset | PresetError:
    """The preset: its values merged over its parent's, checked against Scenario."""
    shape = draft.shape
    values = {**(parent.values if parent else {}), **shape.values}
    try:
        scenario = Scenario.model_validate(values, strict=True)
    except ValidationError as exc:
        return invalid(draft.file, draft.text, exc, "values", known=FIELDS_BY_NAME)
    for name, bounds in shape.ranges.items():
        problem = _range_problem(name, bounds)
        if problem:
            line, column = key_position(draft.text, ["ranges", name])
            return PresetError(
                draft.file, problem, line=line, column=column, field=f"ranges.{shown(name)}"
            )
    own_ranges = {name: (low, high) for name, (low, high) in shape.ranges.items()}
    ranges = {**(parent.ranges if parent else {}), **own_ranges}
    correlations = read_correlations(
        shape.correlations, ranges, parent.correlations if parent else ()
    )
    if isinstance(correlations, CorrelationProblem):
        return _correlation_error(draft, correlations)
    return Preset(
        id=draft.id,
        name=shape.name,
        description=shape.description,
        sources=tuple(shape.sources),
        values=values,
        scenario=scenario,
        ranges=ranges,
        extends=shape.extends,
        correlations=correlations,
    )


def _correlation_error(draft: _Draft, problem: CorrelationProblem) -> PresetError:
    """The problem at its entry's line (0-based entry, as other fields' positions are)."""
    at = problem.index
    line = (
        key_position(draft.text, ["correlations"])[0]
        if at is None
        else line_of_item(draft.text, "correlations", at)
    )
    return PresetError(
        draft.file,
        problem.message,
        line=line,
        field="correlations" if at is None else f"correlations.{at}",
    )


def parse_preset(
    preset_id: str,
    text: str,
    file: str | None = None,
    parents: Mapping[str, Preset] | None = None,
    broken: Collection[str] = (),
) -> Preset | PresetError:
    """Validate one preset's JSON text; `extends` may name any preset in `parents`
    (one of `broken`, whose files could not be loaded, is named as such)."""
    draft = _draft(preset_id, text, file or f"{preset_id}.json")
    if isinstance(draft, PresetError):
        return draft
    parent = None
    if draft.shape.extends is not None:
        parent = (parents or {}).get(draft.shape.extends)
        if draft.shape.extends in broken:
            return draft.extends_error(f"{draft.parent} could not be loaded (see its own error)")
        if parent is None:
            return draft.extends_error(draft.no_parent(parents or {}))
    return _build(draft, parent)


def parse_preset_bytes(
    preset_id: str,
    raw: bytes,
    file: str | None = None,
    parents: Mapping[str, Preset] | None = None,
    broken: Collection[str] = (),
) -> Preset | PresetError:
    """A preset file's bytes, from the folder or an upload: size, UTF-8 (a BOM is fine), JSON."""
    file = file or f"{preset_id}.json"
    text = decode_bytes(raw, file)
    if isinstance(text, PresetError):
        return text
    return parse_preset(preset_id, text, file, parents, broken)


def _read(path: Path, root: Path) -> bytes | PresetError:
    """At most one byte over the limit of a regular file inside the folder."""
    name = path.name
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root):
            return PresetError(name, "refused: the file links outside the presets folder")
        if not resolved.is_file():
            return PresetError(name, "not a regular file")
        if resolved.stat().st_size > MAX_PRESET_BYTES:
            return PresetError(name, "refused: larger than 1 MB")
        with resolved.open("rb") as handle:
            return handle.read(MAX_PRESET_BYTES + 1)
    except OSError as exc:
        return PresetError(name, f"cannot be read: {exc.strerror or exc}")
    except RuntimeError as exc:  # Python 3.11's resolve() on a symlink loop
        return PresetError(name, f"cannot be read: {exc}")


def _ancestry(draft: _Draft, drafts: Mapping[str, _Draft | PresetError]) -> list[str] | str:
    """The ids from a preset up to the root it extends, or why that chain is broken."""
    chain = [draft.id]
    while True:
        current = drafts[chain[-1]]
        parent = None if isinstance(current, PresetError) else current.shape.extends
        if parent is None:
            return chain
        if parent in chain:
            return "loops back: " + " → ".join([*chain, parent])
        if parent not in drafts:
            if len(chain) == 1:
                return draft.no_parent(drafts)
            return f"{draft.parent} could not be loaded (see its own error)"
        if len(chain) > MAX_EXTENDS:
            return f"the chain is more than {MAX_EXTENDS} presets deep"
        chain.append(parent)


def _resolve(drafts: Mapping[str, _Draft | PresetError]) -> dict[str, Preset | PresetError]:
    """Every draft built over its ancestors, roots first; a broken chain is an error."""
    built: dict[str, Preset | PresetError] = {}
    for preset_id, draft in drafts.items():
        if isinstance(draft, PresetError):
            built[preset_id] = draft
            continue
        chain = _ancestry(draft, drafts)
        if isinstance(chain, str):
            built[preset_id] = draft.extends_error(chain)
            continue
        parent: Preset | None = None
        for ancestor_id in reversed(chain[1:]):
            if ancestor_id not in built:
                ancestor = drafts[ancestor_id]
                built[ancestor_id] = (
                    ancestor if isinstance(ancestor, PresetError) else _build(ancestor, parent)
                )
            outcome = built[ancestor_id]
            if isinstance(outcome, PresetError):
                parent = None
                break
            parent = outcome
        if len(chain) > 1 and parent is None:
            built[preset_id] = draft.extends_error(
                f"{draft.parent} could not be loaded (see its own error)"
            )
        else:
            built[preset_id] = _build(draft, parent)
    return built


def load_presets(directory: Path | None = None) -> PresetSet:
    """Load every `*.json` preset in the folder; bad files become errors, never exceptions."""
    directory = directory or presets_dir()
    try:
        root = directory.resolve(strict=True)
        paths = sorted(p for p in directory.iterdir() if p.name.lower().endswith(".json"))
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, on Python 3.11
        return PresetSet(errors=(PresetError(str(directory), f"presets folder unreadable: {exc}"),))
    drafts: dict[str, _Draft | PresetError] = {}
    errors: list[PresetError] = []
    for path in paths:
        preset_id = path.name[: -len(".json")]
        if not path.name.endswith(".json") or not PRESET_ID.match(preset_id):
            errors.append(
                PresetError(
                    path.name,
                    "file name must be lower-case letters, digits and single dashes, "
                    "ending in .json (for example bear-case.json)",
                )
            )
            continue
        raw = _read(path, root)
        text = raw if isinstance(raw, PresetError) else decode_bytes(raw, path.name)
        drafts[preset_id] = (
            text if isinstance(text, PresetError) else _draft(preset_id, text, path.name)
        )
    presets: dict[str, Preset] = {}
    for preset_id, outcome in _resolve(drafts).items():
        if isinstance(outcome, PresetError):
            errors.append(outcome)
        else:
            presets[preset_id] = outcome
    return PresetSet(presets=dict(sorted(presets.items())), errors=tuple(errors))


def preset_json_schema() -> dict[str, Any]:
    """The JSON Schema of a preset file, generated from PresetFile and Scenario."""
    schema = PresetFile.model_json_schema(by_alias=True)
    scenario = Scenario.model_json_schema()
    schema["properties"]["values"] = {
        "type": "object",
        "description": schema["properties"]["values"]["description"],
        "additionalProperties": False,
        "properties": scenario["properties"],
    }
    schema["properties"]["ranges"] = {
        "type": "object",
        "description": schema["properties"]["ranges"]["description"],
        "additionalProperties": False,
        "properties": {
            spec.name: {
                "type": "array",
                "description": f"[low, high] in {spec.unit}",
                "items": {
                    "type": "integer" if spec.is_int else "number",
                    "minimum": scenario["properties"][spec.name]["minimum"],
                    "maximum": scenario["properties"][spec.name]["maximum"],
                },
                "minItems": 2,
                "maxItems": 2,
            }
            for spec in FIELDS
        },
    }
    schema["properties"]["correlations"] = correlations_json_schema()
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "whatif preset",
        "description": "A named what-if scenario. The id is the file name without .json.",
    }


def preset_document(
    name: str,
    description: str,
    scenario: Scenario,
    *,
    sources: Sequence[str] = (),
    ranges: Mapping[str, tuple[float, float]] | None = None,
    correlations: Sequence[Correlation] = (),
    parent: Preset | None = None,
) -> str:
    """A preset file's text that reproduces `scenario` with its ranges and correlations.

    With `parent` the file extends it and holds only what differs from it (values,
    ranges, correlations), since the rest merges in from the parent when it is read;
    without one every field is written, so the file stands alone. Keys with nothing
    to say are left out: never `"extends": null`, never an empty list.
    """
    base = parent.scenario.model_dump() if parent else {}
    values = {k: v for k, v in scenario.model_dump().items() if k not in base or base[k] != v}
    inherited_ranges = parent.ranges if parent else {}
    own_ranges = {
        k: [low, high]
        for k, (low, high) in (ranges or {}).items()
        if inherited_ranges.get(k) != (low, high)
    }
    inherited = parent.correlations if parent else ()
    own_correlations = [
        {"fields": list(c.fields), "rank": c.rank, "source": c.source}
        for c in correlations
        if c not in inherited
    ]
    document: dict[str, Any] = {"$schema": SCHEMA_REF, "name": name, "description": description}
    if parent:
        document["extends"] = parent.id
    if sources:
        document["sources"] = list(sources)
    document["values"] = values
    if own_ranges:
        document["ranges"] = own_ranges
    if own_correlations:
        document["correlations"] = own_correlations
    return json.dumps(document, indent=2) + "\n"
