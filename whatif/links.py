"""Share links: Scenario <-> query parameters, as shared MODEL.md says.

A link is `preset=ID` (optional) plus fields named exactly as the Scenario's,
with plain decimal values. Given fields override the preset; missing ones come
from the preset, or from the defaults when there is none.

Decoding never raises. Each parameter it cannot use is ignored with a
`LinkWarning` naming it and saying why, and the rest of the link still applies.
Rules where MODEL.md is silent: a repeated parameter uses its last value (as
browsers and Streamlit read it) and says so; numbers may carry an exponent
(`1e3`) but not NaN, infinity, spaces or digit separators; an integer field
accepts only whole numbers; when the link's revenue falls below the ad revenue
the link's revenue parameters are ignored. Streamlit's own `embed` and
`embed_options` parameters pass silently, and so do `view=present` (the
presentation layout of the page, which changes no number) and the scenario set
the Compare tab weighs, `compare=ID,ID[,ID,ID]&weights=W,W[,W,W]` (preset ids and
percent weights, read by whatif/scenario_sets.py).

Links outlive model versions. Every link written now carries
`model_version=3`. A link written for an earlier version v (`model_version=2`,
or a version-1 link, see below) takes the neutral default of every field added
after v whose default gives version v's numbers (`neutral_since(v)`: for
version 2 the five version-3 fields from `capex_attributed_pct` to
`in_service_lag_months`; for version 1 also the ramp, AI opex and capex
growth), not its preset's value, so it gives exactly the numbers it gave then.
Fields a later version added that change no earlier result (tax rate, share
count, building life, P/E) come from the preset like any field the link does
not name. A link without a version that names every version-1 field and no
later field is a complete link written before version 2: it is read as version
1. Any other link without a version is read as the current version (a partial
link is the preset plus changes, and follows the preset).

A link that names no preset (or an unknown one) starts from the page's default
preset (`DEFAULT_PRESET_ID`), and `LinkDecode.default_preset` says so, so that
the page and the CLI can tell the reader.

Links never silently change meaning. The page's address bar (the preset plus
what differs from it) also carries `preset_fp`, a short fingerprint of the
preset's values; when a link's fingerprint is not the preset's any more, the
preset was edited since the link was made, and `LinkDecode.preset_changed` says
so. A link without one (written before fingerprints) decodes as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from ipaddress import ip_address
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import ValidationError

from whatif.formatting import shown
from whatif.presets import DEFAULT_PRESET_ID, FINGERPRINT_CHARS, PRESET_ID, Preset, fingerprint
from whatif.scenario import (
    FIELDS,
    FIELDS_BY_NAME,
    MODEL_VERSION,
    VERSION_1_FIELDS,
    FieldSpec,
    Scenario,
    neutral_since,
)

PRESET_PARAM: Final = "preset"
VERSION_PARAM: Final = "model_version"
FINGERPRINT_PARAM: Final = "preset_fp"
VIEW_PARAM: Final = "view"  # the page's layout, not the scenario: `view=present`
VIEWS: Final = frozenset({"present"})
COMPARE_PARAM: Final = "compare"  # the Compare tab's scenario set: preset ids, comma-separated
WEIGHTS_PARAM: Final = "weights"  # and their probability weights, percent
ROOM_PARAM: Final = "room"  # a meeting to follow (checked by rooms.check_room_id, not here)
_FINGERPRINT: Final = re.compile(rf"[0-9a-f]{{{FINGERPRINT_CHARS}}}")
PASS_THROUGH: Final = frozenset({"embed", "embed_options"})
_OWN_PARAMS: Final = frozenset(
    {
        PRESET_PARAM,
        VERSION_PARAM,
        FINGERPRINT_PARAM,
        VIEW_PARAM,
        COMPARE_PARAM,
        WEIGHTS_PARAM,
        ROOM_PARAM,
    }
)
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

Params = str | Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]


@dataclass(frozen=True)
class LinkWarning:
    """One part of a link that was ignored, and why."""

    param: str
    value: str
    reason: str
    repeated: bool = False

    @property
    def problem(self) -> str:
        """The parameter and what is wrong with it."""
        return f'"{shown(self.param)}={shown(self.value)}": {self.reason}'

    def __str__(self) -> str:
        return f"{self.problem} (ignored)"


@dataclass(frozen=True)
class LinkDecode:
    """What a link means: the scenario, its preset, and what was ignored."""

    scenario: Scenario
    preset_id: str | None
    warnings: tuple[LinkWarning, ...]
    model_version: int = MODEL_VERSION
    preset_changed: bool = False
    default_preset: bool = False  # the link named no usable preset: the default applied


def parse_params(params: Params) -> list[tuple[str, str]]:
    """Name/value pairs, in order, from a URL, a query string, a mapping or pairs."""
    if isinstance(params, str):
        return parse_qsl(_query(params), keep_blank_values=True, max_num_fields=None)
    if isinstance(params, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in params.items():
            values = [value] if isinstance(value, str) else list(value)
            pairs.extend((str(key), str(v)) for v in values)
        return pairs
    return [(str(k), str(v)) for k, v in params]


def is_link(text: str) -> bool:
    """Whether text is a link or a query string: it carries a `name=value` parameter.
    A line of plain text is not one, even though a query parser would read it as a name."""
    return "=" in _query(text)


def local_host(link: str) -> str | None:
    """The host of `link` when only the computer it runs on can reach it (localhost, a
    loopback or unspecified address), else None: a QR code of such a link opens nothing
    on a phone in the room."""
    try:
        host = urlsplit(link).hostname
    except ValueError:  # an unclosed "[" around an IPv6 address
        return None
    if host is None:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        address = ip_address(host)
    except ValueError:
        return None
    return host if address.is_loopback or address.is_unspecified else None


def _query(text: str) -> str:
    query = text.split("#", 1)[0]
    return query.split("?", 1)[1] if "?" in query else query


def format_number(value: float, spec: FieldSpec | None = None) -> str:
    """A plain decimal that reads back as exactly the same float (no exponent)."""
    if spec is not None and spec.is_int:
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _parse_value(spec: FieldSpec, raw: str) -> float | int | str:
    """The field's value, or the reason it cannot be used."""
    if raw == "":
        return "empty value"
    if not _NUMBER.fullmatch(raw):
        return "not a number (use plain decimals such as 12.5)"
    return check_number(spec, float(raw))


def check_number(spec: FieldSpec, number: float) -> float | int | str:
    """The field's value from a number, or why it cannot be used (as a link or a slider
    sent it): it must be finite, within the field's range, and whole for whole fields."""
    if not math.isfinite(number):
        return "not a finite number"
    if not spec.minimum <= number <= spec.maximum:
        return (
            f"outside the valid range {format_number(spec.minimum)} to "
            f"{format_number(spec.maximum)} ({spec.unit})"
        )
    if spec.is_int:
        if not number.is_integer():
            return "must be a whole number"
        return int(number)
    return number + 0.0  # -0 reads as 0


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _repeats(grouped: dict[str, list[str]]) -> list[LinkWarning]:
    return [
        LinkWarning(
            key, values[0], f"given {len(values)} times; the last value is used", repeated=True
        )
        for key, values in grouped.items()
        if len(values) > 1 and (key in FIELDS_BY_NAME or key in _OWN_PARAMS)
    ]


def _version(grouped: dict[str, list[str]], warnings: list[LinkWarning]) -> int:
    """The model version the link was written for (see the module docstring)."""
    if VERSION_PARAM in grouped:
        raw = grouped[VERSION_PARAM][-1]
        if raw in {str(v) for v in range(1, MODEL_VERSION + 1)}:
            return int(raw)
        warnings.append(
            LinkWarning(
                VERSION_PARAM,
                raw,
                f"unknown model version; read as the current version {MODEL_VERSION}",
            )
        )
        return MODEL_VERSION
    complete_v1 = all(name in grouped for name in VERSION_1_FIELDS)
    names_newer = any(spec.since > 1 and spec.name in grouped for spec in FIELDS)
    return 1 if complete_v1 and not names_newer else MODEL_VERSION


def model_version_of(params: Params) -> int:
    """The model version a link was written for, by the rule of the module docstring."""
    return _version(_group(parse_params(params)), [])


def _preset_changed(
    grouped: dict[str, list[str]], preset: Preset | None, warnings: list[LinkWarning]
) -> bool:
    """Whether the link's fingerprint of its preset no longer matches the preset."""
    if FINGERPRINT_PARAM not in grouped:
        return False
    raw = grouped[FINGERPRINT_PARAM][-1]
    if not _FINGERPRINT.fullmatch(raw):
        warnings.append(
            LinkWarning(
                FINGERPRINT_PARAM, raw, f"not a preset fingerprint ({FINGERPRINT_CHARS} hex digits)"
            )
        )
        return False
    return preset is not None and fingerprint(preset.scenario) != raw


def _preset(raw: str, presets: Mapping[str, Preset]) -> Preset | LinkWarning:
    if not PRESET_ID.fullmatch(raw):
        return LinkWarning(PRESET_PARAM, raw, "not a valid preset id")
    if raw not in presets:
        return LinkWarning(PRESET_PARAM, raw, "no preset with this id")
    return presets[raw]


def _overrides(
    grouped: dict[str, list[str]], warnings: list[LinkWarning]
) -> dict[str, float | int]:
    """The usable field values; every other parameter adds a warning."""
    overrides: dict[str, float | int] = {}
    for key, values in grouped.items():
        if key in _OWN_PARAMS or key in PASS_THROUGH:
            continue
        spec = FIELDS_BY_NAME.get(key)
        parsed = _parse_value(spec, values[-1]) if spec else "unknown parameter"
        if isinstance(parsed, str):
            warnings.append(LinkWarning(key, values[-1], parsed))
        else:
            overrides[key] = parsed
    return overrides


def decode_link(params: Params, presets: Mapping[str, Preset]) -> LinkDecode:
    """The scenario a link describes; never raises, every ignored part is warned."""
    grouped = _group(parse_params(params))
    warnings = _repeats(grouped)
    preset: Preset | None = None
    if PRESET_PARAM in grouped:
        found = _preset(grouped[PRESET_PARAM][-1], presets)
        if isinstance(found, LinkWarning):
            warnings.append(found)
        else:
            preset = found
    default = preset is None and DEFAULT_PRESET_ID in presets
    if default:
        preset = presets[DEFAULT_PRESET_ID]
    version = _version(grouped, warnings)
    if VIEW_PARAM in grouped and grouped[VIEW_PARAM][-1] not in VIEWS:
        warnings.append(
            LinkWarning(VIEW_PARAM, grouped[VIEW_PARAM][-1], "unknown view; the page is shown")
        )
    # A fingerprint speaks of the preset the link named, never of the default.
    changed = _preset_changed(grouped, None if default else preset, warnings)
    overrides = _overrides(grouped, warnings)
    base = dict(preset.values) if preset else {}
    for name in neutral_since(version):
        base.pop(name, None)
    try:
        scenario = Scenario.model_validate({**base, **overrides})
    except ValidationError as exc:
        # Only the cross-field rule can fail here: every value passed its range.
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        for key in ("revenue_busd", "ad_revenue_busd"):
            if key in overrides:
                warnings.append(LinkWarning(key, grouped[key][-1], reason))
                del overrides[key]
        scenario = Scenario.model_validate({**base, **overrides})
    return LinkDecode(
        scenario=scenario,
        preset_id=preset.id if preset else None,
        warnings=_once(warnings),
        model_version=version,
        preset_changed=changed,
        default_preset=default,
    )


def _once(warnings: list[LinkWarning]) -> tuple[LinkWarning, ...]:
    """One warning per parameter: a repeated one whose last value is refused says both."""
    repeats = {w.param: w for w in warnings if w.repeated}
    refused = {w.param for w in warnings if not w.repeated}
    return tuple(
        LinkWarning(w.param, w.value, f"{w.reason}; {repeats[w.param].reason}", repeated=True)
        if w.param in repeats and not w.repeated
        else w
        for w in warnings
        if not (w.repeated and w.param in refused)
    )


def kept_params(params: Params) -> dict[str, str]:
    """What of a link the page's address keeps as it came, once each (its last value):
    a known `view`, the Compare tab's set and the meeting room (the page checks the room
    id itself, and names a bad one). The preset, its fingerprint, the model
    version and the fields are written anew from what the link means, Streamlit keeps
    its embed flags, and every other parameter was ignored (and named in a warning)."""
    grouped = _group(parse_params(params))
    kept: dict[str, str] = {
        key: grouped[key][-1]
        for key in (COMPARE_PARAM, WEIGHTS_PARAM, ROOM_PARAM)
        if key in grouped
    }
    if VIEW_PARAM in grouped and grouped[VIEW_PARAM][-1] in VIEWS:
        kept[VIEW_PARAM] = grouped[VIEW_PARAM][-1]
    return kept


def link_params(
    scenario: Scenario, preset_id: str | None = None, *, base: Scenario | None = None
) -> dict[str, str]:
    """The link's parameters: every field, or with `base` only those that differ.

    Every link names the model version it was written for, so that a later version
    can give it the numbers it gave when it was written.
    """
    params = {PRESET_PARAM: preset_id} if preset_id else {}
    params[VERSION_PARAM] = str(MODEL_VERSION)
    for spec in FIELDS:
        value = getattr(scenario, spec.name)
        if base is None or value != getattr(base, spec.name):
            params[spec.name] = format_number(value, spec)
    return params


def encode_link(
    scenario: Scenario, preset_id: str | None = None, *, base: Scenario | None = None
) -> str:
    """The query string of a link (without `?`).

    Without `base` the link is complete and self-contained: it names every
    field, so it gives the same numbers later even if presets or defaults change.
    """
    return urlencode(link_params(scenario, preset_id, base=base))
