"""The analysts' commands: `presets check|list|diff` and `price`, as JSON and text.

Each command returns an `Outcome`: the JSON object, the text, and the exit code
(0 fine, 1 when `presets check` finds a bad file). Usage errors raise
`UsageError`, which the CLI reports on standard error with exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Final

from whatif.documents import DocumentError
from whatif.formatting import did_you_mean, format_eps, format_kpi, format_money, shown
from whatif.links import format_number
from whatif.model import Kpis, evaluate
from whatif.presets import Preset, PresetError, PresetSet, load_presets, presets_dir
from whatif.pricebook import Mix, MixError, blend, blend_json, load_pricebook, parse_mix
from whatif.scenario import FIELDS, Scenario
from whatif.summary import KPI_LABELS

EXIT_BAD_FILES: Final = 1


class UsageError(Exception):
    """A command used wrongly; the message says how."""


@dataclass(frozen=True)
class Outcome:
    document: Any
    text: str
    exit_code: int = 0


def add_arguments(commands: Any) -> None:
    """The `presets` and `price` commands, on the CLI's subcommand parser."""
    presets = commands.add_parser(
        "presets",
        help="check, list and diff the preset files",
        description="Check, list and diff the preset files (default folder: "
        "$WHATIF_PRESETS_DIR or assets/presets).",
    )
    actions = presets.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="one line per problem, as linters print them (FILE:LINE:COL: FIELD: rule); "
        "exit 1 when any file is bad",
    )
    listing = actions.add_parser("list", help="each preset's id, name and what it changes")
    diff = actions.add_parser("diff", help="the fields that differ and the KPI deltas")
    diff.add_argument("a", metavar="A", help="preset id")
    diff.add_argument("b", metavar="B", help="preset id")
    # Every action names the folder both ways, so no habit from one fails on another.
    for action in (check, listing, diff):
        action.add_argument(
            "folder", nargs="?", type=Path, metavar="DIR", help="the presets folder"
        )
        action.add_argument("--dir", type=Path, metavar="DIR", help="the same, as an option")
        action.add_argument("--json", action="store_true", help="print JSON instead of text")

    price = commands.add_parser(
        "price",
        help="the blended price per million tokens of a model mix, from the price book",
        description="Blend the price book's list prices into one price per million tokens "
        "(shared MODEL.md, 'The price book'); the price book is $WHATIF_PRICEBOOK or "
        "assets/pricebook.json.",
    )
    price.add_argument(
        "--mix", required=True, metavar="ID=PCT[,ID=PCT...]", help="models and their share, %%"
    )
    price.add_argument(
        "--input-share",
        required=True,
        type=float,
        metavar="PCT",
        help="%% of tokens that are input",
    )
    price.add_argument(
        "--cache-hit",
        required=True,
        type=float,
        metavar="PCT",
        help="%% of input tokens served from the prompt cache",
    )
    price.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace, today: dt.date | None = None) -> Outcome:
    if args.command == "price":
        return price(args.mix, args.input_share, args.cache_hit, today)
    folder = _folder(args.folder, args.dir)
    if not folder.is_dir():
        raise UsageError(f"{shown(str(folder), 200)}: no such folder")
    loaded = load_presets(folder)
    if args.action == "check":
        return check(folder, loaded)
    if args.action == "list":
        return listing(loaded)
    return diff(folder, loaded, args.a, args.b)


def _folder(positional: Path | None, option: Path | None) -> Path:
    if positional and option and positional != option:
        raise UsageError(f"two presets folders given ({positional} and --dir {option}); name one")
    return positional or option or presets_dir()


def _located(folder: Path, error: PresetError) -> list[PresetError]:
    """Each rule the file breaks, its file named by its path so an editor or CI can open it.

    Like other linters, a file under the working directory is named relative to it
    (assets/presets/bear.json in a repository's CI), any other by its whole path.
    """
    path = folder / error.file
    with contextlib.suppress(ValueError, OSError):
        path = path.relative_to(Path.cwd())
    return [replace(rule, file=str(path)) for rule in error.rules or (error,)]


# --- presets check ------------------------------------------------------------------------


def check(folder: Path, loaded: PresetSet) -> Outcome:
    """Every problem in the folder, one annotation line each; exit 1 if there is any."""
    located = [rule for error in loaded.errors for rule in _located(folder, error)]
    problems = [
        {
            "file": rule.file,
            "line": rule.line,
            "column": rule.column,
            "field": rule.field,
            "message": rule.reason,
        }
        for rule in located
    ]
    lines = [line for rule in located for line in rule.annotations()]
    summary = f"{len(loaded.presets)} preset(s) valid, {len(loaded.errors)} file(s) with problems"
    return Outcome(
        {"valid": sorted(loaded.presets), "problems": problems},
        "\n".join([*lines, summary]),
        EXIT_BAD_FILES if loaded.errors else 0,
    )


# --- presets list -------------------------------------------------------------------------


def changes_from_defaults(scenario: Scenario) -> dict[str, float]:
    defaults = Scenario()
    return {
        spec.name: getattr(scenario, spec.name)
        for spec in FIELDS
        if getattr(scenario, spec.name) != getattr(defaults, spec.name)
    }


def listing(loaded: PresetSet) -> Outcome:
    rows, lines = [], []
    for preset in loaded.presets.values():
        changes = changes_from_defaults(preset.scenario)
        rows.append(
            {"id": preset.id, "name": preset.name, "extends": preset.extends, "changes": changes}
        )
        based = f" (based on {preset.extends})" if preset.extends else ""
        changed = ", ".join(f"{name}={format_number(value)}" for name, value in changes.items())
        lines.append(f"{preset.id:<24} {preset.name}{based}")
        lines.append(f"{'':<24} changes: {changed or 'nothing (the model defaults)'}")
    if loaded.errors:
        lines.append(f"({len(loaded.errors)} file(s) could not be loaded: run `presets check`)")
    return Outcome({"presets": rows}, "\n".join(lines))


# --- presets diff -------------------------------------------------------------------------


def _preset(folder: Path, loaded: PresetSet, preset_id: str) -> Preset:
    """The valid preset of that id; a broken file is named with its first problem."""
    preset = loaded.presets.get(preset_id)
    if preset is not None:
        return preset
    broken = next((e for e in loaded.errors if e.file == f"{preset_id}.json"), None)
    if broken is not None:
        (first, *_) = _located(folder, broken)
        raise UsageError(
            f"the preset {shown(preset_id)!r} is broken (run `presets check`): "
            f"{first.annotations()[0]}"
        )
    hint = did_you_mean(preset_id, loaded.presets) or (
        f" (valid presets: {', '.join(loaded.presets) or 'none'})"
    )
    raise UsageError(f"no preset {shown(preset_id)!r}{hint}")


def _kpi_text(name: str, value: float | None) -> str:
    if name == "payback_month":
        return "none" if value is None else f"month {value:g}"
    if name.startswith("eps_"):
        return format_kpi(value, "eps")
    if name.endswith("_usd") and "per_user_hour" in name:
        return format_kpi(value, "usd_small")
    if name.endswith("_usd"):
        return format_kpi(value, "usd")
    if name.endswith("_pp"):
        return format_kpi(value, "pp")
    if name.endswith("_pct"):
        return format_kpi(value, "pct")
    return "n/a" if value is None else f"{value:g}"


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def diff(folder: Path, loaded: PresetSet, a_id: str, b_id: str) -> Outcome:
    a, b = _preset(folder, loaded, a_id), _preset(folder, loaded, b_id)
    fields_changed = [
        {
            "field": spec.name,
            "a": getattr(a.scenario, spec.name),
            "b": getattr(b.scenario, spec.name),
        }
        for spec in FIELDS
        if getattr(a.scenario, spec.name) != getattr(b.scenario, spec.name)
    ]
    ka, kb = evaluate(a.scenario).kpis, evaluate(b.scenario).kpis
    kpis = [
        {
            "kpi": f.name,
            "a": getattr(ka, f.name),
            "b": getattr(kb, f.name),
            "delta": _delta(getattr(ka, f.name), getattr(kb, f.name)),
        }
        for f in fields(Kpis)
    ]
    units = {spec.name: spec.unit for spec in FIELDS}
    lines = [f"{a.id} -> {b.id}", "fields that differ:"]
    lines += [
        f"  {row['field']:<34} {format_number(row['a']):>10} -> {format_number(row['b']):<10}"
        f" {units[row['field']]}"
        for row in fields_changed
    ] or ["  none"]
    lines.append("KPIs (B - A):")
    for row in kpis:
        name = row["kpi"]
        if row["delta"] is None:
            change = "n/a"
        elif name == "payback_month":
            change = f"{row['delta']:+g} months"
        elif name.startswith("eps_"):
            change = format_eps(row["delta"])
        elif name.endswith("_usd"):
            change = ("+" if row["delta"] >= 0 else "") + format_money(row["delta"])
        else:
            change = f"{row['delta']:+,.2f} pp"
        a_text, b_text = _kpi_text(name, row["a"]), _kpi_text(name, row["b"])
        lines.append(f"  {KPI_LABELS[name]:<40} {a_text:>12} -> {b_text:>12}  {change}")
    return Outcome({"a": a.id, "b": b.id, "fields": fields_changed, "kpis": kpis}, "\n".join(lines))


# --- price --------------------------------------------------------------------------------


def price(
    mix_text: str, input_share_pct: float, cache_hit_pct: float, today: dt.date | None
) -> Outcome:
    book = load_pricebook()
    if isinstance(book, DocumentError):
        raise UsageError(f"the price book cannot be used: {book}")
    try:
        result = blend(book, Mix(parse_mix(mix_text), input_share_pct, cache_hit_pct))
    except MixError as exc:
        raise UsageError(str(exc)) from exc
    document = blend_json(result, today)
    lines = [f"Blended price: ${result.price_per_mtok_usd:,.4f} per million tokens"]
    for model in document["models"]:
        lines.append(
            f"  {model['name']} ({model['vendor']}): "
            f"${model['contribution_per_mtok_usd']:,.4f} of it"
        )
    lines.append(f"{book.freshness(today)}; price book {shown(book.file, 200)}")
    return Outcome(document, "\n".join(lines))
