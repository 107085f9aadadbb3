"""The command line: `whatif [COMMAND] [--preset ID] [--set FIELD=VALUE ...] [--link URL]
[--json]` (or `python -m whatif ...`).

`presets check|list|diff` and `price` are the analysts' commands (whatif/analyst.py).
Without a command it evaluates the scenario (a version-1 link keeps its
version-1 meaning, see whatif/links.py); `breakeven`, `sensitivity`,
`compare` and `simulate` run the analyses of whatif/analysis.py on it. Input is
read like a link: the link first, then --preset, then each `--set`, later ones
overriding earlier ones. Any bad part (unknown preset, field or parameter, a
value that is not a number or is out of range) is reported on standard error,
naming it, and the command exits 2, as it does when it refuses to overwrite a file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from whatif import analyst
from whatif.analysis import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    break_evens,
    compare,
    sensitivity,
    simulate,
)
from whatif.formatting import format_kpi
from whatif.links import (
    PRESET_PARAM,
    VERSION_PARAM,
    LinkDecode,
    decode_link,
    encode_link,
    format_number,
    model_version_of,
    parse_params,
)
from whatif.model import Result, evaluate, result_to_json
from whatif.presets import PresetSet, load_presets
from whatif.reports import (
    breakeven_json,
    breakeven_text,
    compare_json,
    compare_text,
    sensitivity_json,
    sensitivity_text,
    simulate_json,
    simulate_text,
)
from whatif.scenario import FIELDS, Scenario
from whatif.scenario_sets import Member, count_problem, read_weights, resolve, weigh
from whatif.summary import KPI_LABELS, kpi_tiles, year_table

EXIT_USAGE: Final = 2
ANALYST_COMMANDS: Final = frozenset({"presets", "price"})
MAX_DRAWS: Final = 1_000_000


class InputError(Exception):
    """Bad command-line input; the message names every bad part."""


class OutputError(Exception):
    """The output cannot be written as asked; the message says why, and how to go ahead."""


def _fields_help() -> str:
    lines = ["fields (--set FIELD=VALUE):"]
    for spec in FIELDS:
        lines.append(
            f"  {spec.name:34} {spec.unit}, {format_number(spec.minimum)} to "
            f"{format_number(spec.maximum)}, default {format_number(spec.default, spec)}"
        )
    return "\n".join(lines)


COMMANDS: Final = {
    "breakeven": "what you need to believe: where each business lever turns NPV to zero, "
    "others held, as a sentence",
    "sensitivity": "NPV at each business lever's low and high value, largest swing first; "
    "the evaluation settings apart",
    "compare": "KPIs of presets or links beside the scenario's; with --weights, as a "
    "scenario set: expected values and the pooled spread of NPV",
    "simulate": "Monte Carlo of NPV, ROI, year-1 margin and EPS impact over the ranges "
    "(P10 to P90, and where the headline NPV sits)",
    "brief": "a one-page PDF brief of the scenario to circulate (landscape, vector charts)",
}
DEFAULT_BASE_URL: Final = "http://localhost:8501/"
# The page's public address; WHATIF_BASE_URL is its earlier name, still read.
BASE_URL_VARIABLES: Final = ("WHATIF_PUBLIC_URL", "WHATIF_BASE_URL")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whatif",
        description="What AI spending does to ROI and operating margin (shared MODEL.md).",
        epilog=_fields_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arguments(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyst.add_arguments(commands)
    for name, summary in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=summary)
        add_scenario_arguments(command, suppress=True)
        if name == "compare":
            command.add_argument(
                "items",
                nargs="+",
                metavar="PRESET-OR-LINK",
                help="2 to 4 preset ids or share links",
            )
            command.add_argument(
                "--weights",
                metavar="W,W[,W,W]",
                help="weigh the items as a scenario set: one probability per item, percent, "
                "summing to 100 (expected values and the pooled P10 to P90 of NPV)",
            )
        if name == "brief":
            command.add_argument(
                "-o", "--output", required=True, type=Path, metavar="FILE", help="the PDF to write"
            )
            command.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
            command.add_argument(
                "--paper", choices=["a4", "us-letter"], default="a4", help="page size"
            )
            command.add_argument(
                "--base-url",
                metavar="URL",
                help="the page's public address for the brief's link and QR code (default: "
                f"the --link's, else $WHATIF_PUBLIC_URL, else {DEFAULT_BASE_URL}, with a warning)",
            )
        if name == "simulate":
            command.add_argument(
                "--draws",
                type=int,
                default=DEFAULT_DRAWS,
                help=f"number of draws (default {DEFAULT_DRAWS:,})",
            )
            command.add_argument(
                "--seed", type=int, default=DEFAULT_SEED, help="random seed (default: the page's)"
            )
    return parser


def add_scenario_arguments(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The scenario options; a command's copies leave the top level's values alone."""
    unset: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--preset", metavar="ID", default=unset, help="start from this preset's values"
    )
    parser.add_argument(
        "--set",
        metavar="FIELD=VALUE",
        action="append",
        dest="assignments",
        default=unset if suppress else [],
        help="override one field (repeatable)",
    )
    parser.add_argument(
        "--link", metavar="URL", default=unset, help="a share link or its query string"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=unset if suppress else False,
        help="print JSON instead of a table",
    )


def scenario_from_args(args: argparse.Namespace, presets: PresetSet) -> LinkDecode:
    """The scenario the arguments describe, or InputError naming every bad part.

    The link is read first, then --preset and each --set override it, so a
    repeat that an option makes on purpose is not reported.
    """
    pairs = parse_params(args.link) if args.link else []
    overridden: set[str] = set()
    problems: list[str] = []
    if pairs and VERSION_PARAM not in dict(pairs):
        # The link alone says which model version it was written for; a --set of a
        # version-2 field must not turn a version-1 link into a version-2 one.
        pairs.append((VERSION_PARAM, str(model_version_of(pairs))))
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
    return decoded


def render_table(result: Result) -> str:
    """The KPIs and the yearly table as readable text with units."""
    k = result.kpis
    rows = [(tile.label, tile.value) for tile in kpi_tiles(result)]
    rows += [
        (
            KPI_LABELS["token_cost_share_of_loaded_cost_pct"],
            format_kpi(k.token_cost_share_of_loaded_cost_pct, "pct"),
        ),
        (KPI_LABELS["operating_impact_year1_usd"], format_kpi(k.operating_impact_year1_usd, "usd")),
        (KPI_LABELS["ai_opex_year1_usd"], format_kpi(k.ai_opex_year1_usd, "usd")),
        (
            KPI_LABELS["margin_impact_final_year_pp"],
            format_kpi(k.margin_impact_final_year_pp, "pp"),
        ),
        (KPI_LABELS["eps_impact_final_year_usd"], format_kpi(k.eps_impact_final_year_usd, "eps")),
        (KPI_LABELS["book_value_end_usd"], format_kpi(k.book_value_end_usd, "usd")),
        (KPI_LABELS["npv_after_tax_usd"], format_kpi(k.npv_after_tax_usd, "usd")),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    table = year_table(result)
    widths = {key: max(len(key), *(len(row[key]) for row in table)) for key in table[0]}
    lines += ["", "  ".join(f"{key:>{w}}" for key, w in widths.items())]
    lines += ["  ".join(f"{row[key]:>{w}}" for key, w in widths.items()) for row in table]
    return "\n".join(lines)


def _members(items: Sequence[str], presets: PresetSet) -> list[Member]:
    """Each compare item, a preset id or a link, as a scenario; InputError names bad ones."""
    problem = count_problem(len(items))
    if problem:
        raise InputError(problem)
    members, problems = [], []
    for item in items:
        member = resolve(item, presets.presets)
        if isinstance(member, str):
            problems.append(member)
        elif member.ignored:
            problems.append(f"{item!r}: " + "; ".join(member.ignored))
        else:
            members.append(member)
    if problems:
        raise InputError("\n".join(problems))
    return members


def _compare(args: argparse.Namespace, scenario: Scenario, presets: PresetSet) -> tuple[Any, str]:
    members = _members(args.items, presets)
    others = compare([(m.label, m.scenario) for m in members])
    (current,) = compare([("Current scenario", scenario)])
    weighed = None
    if args.weights is not None:
        weights = read_weights(args.weights, len(members))
        if isinstance(weights, str):
            raise InputError(f"--weights: {weights}")
        weighed = weigh(members, weights)
    return compare_json(current, others, weighed), compare_text(current, others, weighed)


def _base_url(args: argparse.Namespace) -> str:
    """The address the brief links to: --base-url, the --link's own, the environment's."""
    if args.base_url:
        return str(args.base_url)
    if args.link and "://" in args.link:
        return str(args.link).split("?", 1)[0].split("#", 1)[0]
    for variable in BASE_URL_VARIABLES:
        if os.environ.get(variable):
            return os.environ[variable]
    # A localhost link opens nothing on a reader's phone; say so rather than print it silently.
    print(
        f"warning: the brief links to {DEFAULT_BASE_URL}, which works only on this machine; "
        "set WHATIF_PUBLIC_URL or pass --base-url with the page's public address",
        file=sys.stderr,
    )
    return DEFAULT_BASE_URL


def _brief(
    args: argparse.Namespace, decoded: LinkDecode, presets: PresetSet
) -> tuple[dict[str, Any], str]:
    """Write the brief; an existing file is kept unless --force says otherwise."""
    # Typst, vl-convert and Altair load only for this command, not for every CLI call.
    from whatif.brief import BriefInput, brief_pdf, title_for  # noqa: PLC0415

    output: Path = args.output
    if output.exists() and not args.force:
        raise OutputError(f"{output} exists; use --force")
    preset = presets.presets.get(decoded.preset_id or "")
    scenario = decoded.scenario
    base = preset.scenario if preset else None
    brief = BriefInput(
        result=evaluate(scenario),
        title=title_for(preset.name if preset else None, scenario, base),
        origin=f"the preset “{preset.name}”" if preset else "the model defaults",
        description=preset.description if preset else "A scenario from the whatif page.",
        link=f"{_base_url(args)}?{encode_link(scenario, decoded.preset_id)}",
        base=base,
    )
    pdf = brief_pdf(brief, paper=args.paper)
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        raise OutputError(f"{output} cannot be written ({exc.strerror or exc})") from exc
    document = {"brief": str(output), "bytes": len(pdf), "paper": args.paper, "link": brief.link}
    return document, f"Wrote {output} ({len(pdf):,} bytes, one {args.paper} landscape page)"


def run(args: argparse.Namespace, decoded: LinkDecode, presets: PresetSet) -> tuple[Any, str]:
    """The command's JSON object and its text."""
    scenario = decoded.scenario
    preset = presets.presets.get(decoded.preset_id or "")
    ranges = preset.ranges if preset else None
    if args.command == "breakeven":
        found = break_evens(scenario)
        return breakeven_json(found), breakeven_text(found)
    if args.command == "sensitivity":
        npv, swings = evaluate(scenario).kpis.npv_usd, sensitivity(scenario, ranges)
        return sensitivity_json(npv, swings), sensitivity_text(npv, swings)
    if args.command == "compare":
        return _compare(args, scenario, presets)
    if args.command == "brief":
        return _brief(args, decoded, presets)
    if args.command == "simulate":
        if not 1 <= args.draws <= MAX_DRAWS:
            raise InputError(f"--draws must be 1 to {MAX_DRAWS:,}")
        correlations = preset.correlations if preset else ()
        simulation = simulate(
            scenario, ranges, draws=args.draws, seed=args.seed, correlations=correlations
        )
        return simulate_json(simulation), simulate_text(simulation)
    result = evaluate(scenario)
    return result_to_json(result), render_table(result)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    exit_code = 0
    try:
        if args.command in ANALYST_COMMANDS:
            outcome = analyst.run(args)
            document, text, exit_code = outcome.document, outcome.text, outcome.exit_code
        else:
            presets = load_presets()
            decoded = scenario_from_args(args, presets)
            if decoded.default_preset:
                print(
                    f"note: no preset named; starting from the default preset "
                    f"{decoded.preset_id!r} (pass --preset ID to choose another)",
                    file=sys.stderr,
                )
            if decoded.preset_changed:
                print(
                    f"note: the preset {decoded.preset_id!r} was edited after this link was "
                    "made; these are its current values (a complete link freezes numbers)",
                    file=sys.stderr,
                )
            document, text = run(args, decoded, presets)
    except InputError as exc:
        print(f"error: invalid input, nothing computed:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except (analyst.UsageError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(document, indent=2, allow_nan=False) if args.json else text)
    return exit_code


def console() -> int:
    """`whatif` and `python -m whatif`: main(), and a closed pipe ends quietly, status 0.

    A reader that stops early (`whatif presets list | head -1`) is no error, as for
    any Unix tool.
    """
    try:
        exit_code = main()
        # Flushed here, so a closed pipe raises where it is caught, not at exit.
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout once more at exit; writing to /dev/null keeps that quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return exit_code
