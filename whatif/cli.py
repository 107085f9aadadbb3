"""The command line: `python -m whatif [--preset ID] [--set FIELD=VALUE ...] [--link URL] [--json]`.

Input is read like a link: the preset first, then the link's fields, then each
`--set`, later ones overriding earlier ones. Any bad part (unknown preset,
field or parameter, a value that is not a number or is out of range) is
reported on standard error, naming it, and the command exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Final

from whatif.formatting import format_kpi
from whatif.links import PRESET_PARAM, decode_link, format_number, parse_params
from whatif.model import Result, evaluate, result_to_json
from whatif.presets import PresetSet, load_presets
from whatif.scenario import FIELDS, Scenario
from whatif.summary import kpi_tiles, year_table

EXIT_USAGE: Final = 2


class InputError(Exception):
    """Bad command-line input; the message names every bad part."""


def _fields_help() -> str:
    lines = ["fields (--set FIELD=VALUE):"]
    for spec in FIELDS:
        lines.append(
            f"  {spec.name:34} {spec.unit}, {format_number(spec.minimum)} to "
            f"{format_number(spec.maximum)}, default {format_number(spec.default, spec)}"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m whatif",
        description="What AI spending does to ROI and operating margin (shared MODEL.md).",
        epilog=_fields_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arguments(parser)
    return parser


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", metavar="ID", help="start from this preset's values")
    parser.add_argument(
        "--set",
        metavar="FIELD=VALUE",
        action="append",
        default=[],
        dest="assignments",
        help="override one field (repeatable)",
    )
    parser.add_argument("--link", metavar="URL", help="a share link or its query string")
    parser.add_argument("--json", action="store_true", help="print the MODEL.md JSON object")


def scenario_from_args(args: argparse.Namespace, presets: PresetSet) -> Scenario:
    """The scenario the arguments describe, or InputError naming every bad part.

    The link is read first, then --preset and each --set override it, so a
    repeat that an option makes on purpose is not reported.
    """
    pairs = parse_params(args.link) if args.link else []
    overridden: set[str] = set()
    problems: list[str] = []
    if args.preset is not None:
        pairs.append((PRESET_PARAM, args.preset))
        overridden.add(PRESET_PARAM)
    for assignment in args.assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            problems.append(f"--set {assignment!r}: expected FIELD=VALUE")
            continue
        pairs.append((name.strip(), value.strip()))
        overridden.add(name.strip())
    decoded = decode_link(pairs, presets.presets)
    problems += [w.problem for w in decoded.warnings if not (w.repeated and w.param in overridden)]
    if problems:
        raise InputError("\n".join(problems))
    return decoded.scenario


def render_table(result: Result) -> str:
    """The KPIs and the yearly table as readable text with units."""
    k = result.kpis
    rows = [(tile.label, tile.value) for tile in kpi_tiles(result)]
    rows += [
        (
            "Token cost, share of loaded cost",
            format_kpi(k.token_cost_share_of_loaded_cost_pct, "pct"),
        ),
        ("Operating impact, year 1", format_kpi(k.operating_impact_year1_usd, "usd")),
        ("Margin impact, final year", format_kpi(k.margin_impact_final_year_pp, "pp")),
        ("Book value at the end", format_kpi(k.book_value_end_usd, "usd")),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    table = year_table(result)
    widths = {key: max(len(key), *(len(row[key]) for row in table)) for key in table[0]}
    lines += ["", "  ".join(f"{key:>{w}}" for key, w in widths.items())]
    lines += ["  ".join(f"{row[key]:>{w}}" for key, w in widths.items()) for row in table]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    presets = load_presets()
    try:
        scenario = scenario_from_args(args, presets)
    except InputError as exc:
        print(f"error: invalid input, nothing computed:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    result = evaluate(scenario)
    if args.json:
        print(json.dumps(result_to_json(result), indent=2, allow_nan=False))
    else:
        print(render_table(result))
    return 0
