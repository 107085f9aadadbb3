"""Preset files: JSON scenarios analysts edit in `assets/presets/`.

Loading never raises for a bad file and never writes: it returns the valid
presets plus one `PresetError` per bad file (file name; line and column for
JSON syntax errors; the field and the rule broken for bad values).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from whatif.formatting import shown
from whatif.scenario import FIELDS, FIELDS_BY_NAME, Scenario

MAX_PRESET_BYTES: Final = 1_000_000
PRESET_ID: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_PRESETS_DIR: Final = Path(__file__).resolve().parent.parent / "assets" / "presets"
SCHEMA_REF: Final = "../preset.schema.json"


class PresetFile(BaseModel):
    """The shape of one preset file; `values` is checked against Scenario."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_ref: str = Field(default=SCHEMA_REF, alias="$schema")
    name: str = Field(min_length=1, max_length=80, description="Shown in the preset selector.")
    description: str = Field(
        min_length=1, max_length=2000, description="What the preset assumes and why."
    )
    sources: list[str] = Field(default_factory=list, description="Short citations.")
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="Any subset of the scenario fields; missing ones take the defaults.",
    )
    ranges: dict[str, list[float]] = Field(
        default_factory=dict,
        description="Optional [low, high] per field for sensitivity and Monte Carlo.",
    )


@dataclass(frozen=True)
class Preset:
    """A valid preset: its id (the file name without .json) and its scenario."""

    id: str
    name: str
    description: str
    sources: tuple[str, ...]
    values: Mapping[str, float]
    scenario: Scenario
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class PresetError:
    """Why one preset file was not loaded."""

    file: str
    reason: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [shown(self.file, limit=80)]
        if self.field:
            where.append(f"field {self.field}")
        if self.line is not None:
            where.append(f"line {self.line}" + (f" column {self.column}" if self.column else ""))
        return f"{', '.join(where)}: {self.reason}"


@dataclass(frozen=True)
class PresetSet:
    """The outcome of loading a folder: the valid presets by id, and the errors."""

    presets: dict[str, Preset] = field(default_factory=dict)
    errors: tuple[PresetError, ...] = ()


def presets_dir() -> Path:
    """The presets folder: $WHATIF_PRESETS_DIR when set, else assets/presets."""
    configured = os.environ.get("WHATIF_PRESETS_DIR")
    return Path(configured) if configured else DEFAULT_PRESETS_DIR


def _line_of_key(text: str, key: str) -> int | None:
    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeyError(key)
        seen[key] = value
    return seen


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _describe(errors: list[Any], prefix: str) -> tuple[str | None, str]:
    """The first error's field and one sentence listing every broken rule."""
    parts = []
    for error in errors:
        loc = ".".join(shown(str(p)) for p in (prefix, *error["loc"]) if p != "")
        msg = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        msg = msg.removeprefix("Value error, ")
        # A lone error's field is already named beside the file; more are each named.
        parts.append(f"{loc}: {msg}" if loc and len(errors) > 1 else msg)
    first = ".".join(shown(str(p)) for p in (prefix, *errors[0]["loc"]) if p != "") or None
    return first, "; ".join(parts)


def _range_problem(name: str, bounds: list[float]) -> str | None:
    """Why a preset's [low, high] for one field is unusable, or None."""
    spec = FIELDS_BY_NAME.get(name)
    if spec is None:
        return "unknown field"
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


def parse_preset(preset_id: str, text: str, file: str | None = None) -> Preset | PresetError:
    """Validate one preset's JSON text; a PresetError says what is wrong and where."""
    file = file or f"{preset_id}.json"
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return PresetError(file, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)
    except _DuplicateKeyError as exc:
        return PresetError(
            file, f"the key {shown(exc.key)!r} appears twice", line=_line_of_key(text, exc.key)
        )
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        return PresetError(file, f"invalid JSON: {reason}")
    if not isinstance(data, dict):
        return PresetError(file, f"a preset must be a JSON object, not {type(data).__name__}")
    try:
        shape = PresetFile.model_validate(data, strict=True)
        scenario = Scenario.model_validate(shape.values, strict=True)
    except ValidationError as exc:
        prefix = "" if exc.title == PresetFile.__name__ else "values"
        where, reason = _describe(exc.errors(), prefix)
        leaf = where.rsplit(".", 1)[-1] if where else None
        line = _line_of_key(text, leaf) if leaf else None
        return PresetError(file, reason, line=line, field=where)
    for name, bounds in shape.ranges.items():
        problem = _range_problem(name, bounds)
        if problem:
            return PresetError(
                file, problem, line=_line_of_key(text, name), field=f"ranges.{shown(name)}"
            )
    return Preset(
        id=preset_id,
        name=shape.name,
        description=shape.description,
        sources=tuple(shape.sources),
        values=dict(shape.values),
        scenario=scenario,
        ranges={name: (low, high) for name, (low, high) in shape.ranges.items()},
    )


def parse_preset_bytes(preset_id: str, raw: bytes, file: str | None = None) -> Preset | PresetError:
    """A preset file's bytes, from the folder or an upload: size, UTF-8 (a BOM is fine), JSON."""
    file = file or f"{preset_id}.json"
    if len(raw) > MAX_PRESET_BYTES:
        return PresetError(file, "refused: larger than 1 MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return PresetError(file, f"not UTF-8 text (bad byte at offset {exc.start})")
    return parse_preset(preset_id, text, file)


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


def load_presets(directory: Path | None = None) -> PresetSet:
    """Load every `*.json` preset in the folder; bad files become errors, never exceptions."""
    directory = directory or presets_dir()
    try:
        root = directory.resolve(strict=True)
        paths = sorted(p for p in directory.iterdir() if p.name.lower().endswith(".json"))
    except OSError as exc:
        return PresetSet(errors=(PresetError(str(directory), f"presets folder unreadable: {exc}"),))
    presets: dict[str, Preset] = {}
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
        outcome = raw if isinstance(raw, PresetError) else parse_preset_bytes(preset_id, raw)
        if isinstance(outcome, PresetError):
            errors.append(outcome)
        else:
            presets[preset_id] = outcome
    return PresetSet(presets=presets, errors=tuple(errors))


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
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "whatif preset",
        "description": "A named what-if scenario. The id is the file name without .json.",
    }


def preset_document(name: str, description: str, scenario: Scenario) -> str:
    """A preset file's text for a scenario: every field written, so it stands alone."""
    document = PresetFile(name=name, description=description, values=scenario.model_dump())
    return json.dumps(document.model_dump(by_alias=True), indent=2) + "\n"
