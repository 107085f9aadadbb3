"""whatif: the executive page. Gather (link, preset, widgets) -> evaluate -> render.

The URL is the scenario: every field widget is bound to its query parameter
(`bind="query-params"`, named as in shared MODEL.md) with the selected preset's
value as its default, so the address bar carries `preset=ID` plus what differs
from it. The link codec of `whatif.links` is the authority on what a link
means: on a session's first run the page decodes the raw link itself, warns
about each ignored part, and makes the widgets agree with the decoded scenario.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import ValidationError

from app.analysis_view import render_analysis
from whatif import (
    FIELDS,
    FieldSpec,
    PresetSet,
    Result,
    Scenario,
    charts,
    decode_link,
    encode_link,
    evaluate,
    load_presets,
    presets_dir,
)
from whatif.formatting import escape_markdown
from whatif.links import PRESET_PARAM, VERSION_PARAM, format_number
from whatif.presets import PresetError, parse_preset_bytes, preset_document
from whatif.scenario import GROUP_TITLES, MODEL_VERSION
from whatif.summary import kpi_tiles, year_table

DEFAULT_PRESET = "meta-2025"
NO_PRESET = ""  # the selector's "model defaults" choice
CHOICE = "preset_choice"
PENDING = "pending_values"
WHOLE_PAGE = "rerun_whole_page"
UPLOAD_MESSAGE = "upload_message"
MAX_SHOWN_WARNINGS = 12

st.set_page_config(
    page_title="whatif: AI spend, ROI and margin",
    page_icon=":material/monitoring:",
    layout="wide",
)


# --- gather -------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _presets_cached(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> PresetSet:
    return load_presets(Path(folder))


def current_presets() -> PresetSet:
    """The presets folder, re-read only when a file in it changes (name, size, mtime)."""
    folder = presets_dir()
    try:
        stamp = tuple(
            sorted(
                (p.name, s.st_mtime_ns, s.st_size)
                for p in folder.iterdir()
                if (s := p.stat(follow_symlinks=False))
            )
        )
    except OSError:
        stamp = ()
    return _presets_cached(str(folder), stamp)


def base_scenario(presets: PresetSet, preset_id: str) -> Scenario:
    preset = presets.presets.get(preset_id)
    return preset.scenario if preset else Scenario()


def set_fields(values: Scenario) -> None:
    for spec in FIELDS:
        st.session_state[spec.name] = getattr(values, spec.name)


def set_fields_everywhere(values: Scenario) -> None:
    """set_fields from a widget inside the scenario fragment: the sidebar must redraw too."""
    set_fields(values)
    st.session_state[WHOLE_PAGE] = True


def on_preset_chosen(presets: PresetSet) -> None:
    """Choosing a preset sets every field to it."""
    set_fields(base_scenario(presets, st.session_state[CHOICE]))


def read_link_once(presets: PresetSet) -> None:
    """On a session's first run: decode the raw link, keep its warnings, seed the widgets."""
    if "link_warnings" in st.session_state:
        return
    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    bare = not any(key in raw for key in (PRESET_PARAM, *(f.name for f in FIELDS)))
    if bare and DEFAULT_PRESET in presets.presets:
        # A bare address opens the evidence-based preset, not the model's neutral defaults.
        raw[PRESET_PARAM] = [DEFAULT_PRESET]
    decoded = decode_link(raw, presets.presets)
    st.session_state["link_warnings"] = [w.problem for w in decoded.warnings]
    st.session_state[CHOICE] = decoded.preset_id or NO_PRESET
    set_fields(decoded.scenario)
    st.session_state["link_scenario"] = decoded.scenario
    # A value the link implies without naming it (a version-1 link takes the neutral
    # value of a field its preset now sets) goes into the address bar now, before the
    # widgets bind to it, so that the address bar keeps giving the same numbers.
    base = base_scenario(presets, st.session_state[CHOICE])
    for spec in FIELDS:
        value = getattr(decoded.scenario, spec.name)
        if spec.name not in raw and value != getattr(base, spec.name):
            st.query_params[spec.name] = format_number(value, spec)


def apply_pending() -> None:
    """Values queued by the previous run (the link's, when Streamlit read it otherwise)."""
    pending = st.session_state.pop(PENDING, None)
    if pending is not None:
        set_fields(pending)


def on_upload() -> None:
    """Apply an uploaded preset to this session only; nothing is written anywhere."""
    upload = st.session_state.get("upload")
    if upload is None:
        return
    outcome = parse_preset_bytes("uploaded", upload.getvalue(), file=upload.name)
    if isinstance(outcome, PresetError):
        st.session_state[UPLOAD_MESSAGE] = ("error", str(outcome))
        return
    st.session_state[CHOICE] = NO_PRESET
    set_fields_everywhere(outcome.scenario)
    st.session_state[UPLOAD_MESSAGE] = (
        "success",
        f"Applied {upload.name} ({outcome.name}) to this session; nothing was saved.",
    )


def field_label(spec: FieldSpec) -> str:
    # Labels are our own text with at most one "$", so Markdown shows them as written.
    return f"{spec.label} ({spec.unit})"


def field_help(spec: FieldSpec) -> str:
    return escape_markdown(spec.help) + "\n\n**Source:** " + escape_markdown(spec.source)


def _number_format(spec: FieldSpec) -> str:
    if spec.is_int:
        return "%d"
    decimals = len(format_number(spec.step).partition(".")[2])
    return f"%.{decimals}f"


def field_widget(spec: FieldSpec, base: Scenario) -> Any:
    """One bound widget whose default is the preset's value, so the URL names only changes."""
    kind = int if spec.is_int else float
    common: dict[str, Any] = dict(
        label=field_label(spec),
        min_value=kind(spec.minimum),
        max_value=kind(spec.maximum),
        value=kind(getattr(base, spec.name)),
        step=kind(spec.step),
        key=spec.name,
        help=field_help(spec),
        bind="query-params",
    )
    if spec.headline:
        return st.slider(**common, format="%g")
    return st.number_input(**common, format=_number_format(spec))


def sidebar(presets: PresetSet) -> tuple[str, Scenario]:
    """The sidebar: the preset selector and the advanced assumptions.

    They sit outside the scenario fragment, so a headline slider move does not
    redraw them; changing one of them reruns the whole page.
    """
    ids = list(presets.presets)
    options = [NO_PRESET, *ids] if DEFAULT_PRESET not in ids else [*ids, NO_PRESET]
    if st.session_state.get(CHOICE) not in options:
        st.session_state[CHOICE] = NO_PRESET

    def name_of(preset_id: str) -> str:
        preset = presets.presets.get(preset_id)
        return preset.name if preset else "Model defaults (no preset)"

    with st.sidebar:
        st.header("Scenario")
        choice = st.selectbox(
            "Preset",
            options,
            key=CHOICE,
            format_func=name_of,
            on_change=on_preset_chosen,
            args=(presets,),
            help="Choosing a preset sets every assumption to it.",
        )
        base = base_scenario(presets, choice)
        with st.expander("Advanced assumptions"):
            for group, heading in GROUP_TITLES.items():
                specs = [s for s in FIELDS if s.group == group and not s.headline]
                if specs:
                    st.markdown(f"**{heading}**")
                    for spec in specs:
                        field_widget(spec, base)
    if choice and st.query_params.get(PRESET_PARAM) != choice:
        st.query_params[PRESET_PARAM] = choice
    elif not choice and PRESET_PARAM in st.query_params:
        del st.query_params[PRESET_PARAM]
    # The address bar is read as this model version from now on, whatever it names.
    if st.query_params.get(VERSION_PARAM) != str(MODEL_VERSION):
        st.query_params[VERSION_PARAM] = str(MODEL_VERSION)
    return choice, base


def headline_sliders(base: Scenario) -> Scenario:
    """The five headline sliders across the top; the scenario they and the sidebar set."""
    headline = [spec for spec in FIELDS if spec.headline]
    for column, spec in zip(st.columns(len(headline)), headline, strict=True):
        with column:
            field_widget(spec, base)
    values = {spec.name: st.session_state[spec.name] for spec in FIELDS}
    # Always present, so the elements below keep their places (see render_changes).
    problem = st.container()
    try:
        return Scenario.model_validate(values)
    except ValidationError as exc:
        # The widgets keep every range; only revenue below ad revenue can get here.
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        problem.error(
            f"{escape_markdown(reason)}. Until one of them changes, the numbers below take "
            "total revenue equal to ad revenue.",
            icon=":material/warning:",
        )
        values["revenue_busd"] = max(values["revenue_busd"], values["ad_revenue_busd"])
        return Scenario.model_validate(values)


def reconcile_with_link(scenario: Scenario) -> None:
    """If Streamlit read a link value the codec ignored, re-run with the codec's values."""
    wanted = st.session_state.pop("link_scenario", None)
    if wanted is not None and wanted != scenario:
        st.session_state[PENDING] = wanted
        st.rerun()


# --- render -------------------------------------------------------------------------------


def render_notices(presets: PresetSet) -> None:
    warnings = st.session_state.get("link_warnings") or []
    if warnings:
        shown = "\n".join(f"- {escape_markdown(w)}" for w in warnings[:MAX_SHOWN_WARNINGS])
        more = len(warnings) - MAX_SHOWN_WARNINGS
        tail = f"\n- … and {more} more" if more > 0 else ""
        st.warning(
            f"**This link had parts that were ignored**; the rest of it applies:\n{shown}{tail}",
            icon=":material/link_off:",
        )
    if presets.errors:
        listed = "\n".join(f"- {escape_markdown(str(e))}" for e in presets.errors)
        st.error(
            f"**{len(presets.errors)} preset file(s) could not be loaded**; "
            f"the other presets work:\n{listed}",
            icon=":material/error:",
        )


def render_description(presets: PresetSet, choice: str) -> None:
    """The chosen preset's name, description and sources, always as text."""
    preset = presets.presets.get(choice)
    if not preset:
        return
    sources = "; ".join(f"“{escape_markdown(source)}”" for source in preset.sources)
    st.caption(
        f"**{escape_markdown(preset.name)}**: {escape_markdown(preset.description)}"
        + (f"  \n**Sources:** {sources}" if sources else "")
    )


def render_changes(presets: PresetSet, choice: str, scenario: Scenario, base: Scenario) -> None:
    """What the sliders changed from the preset, with a way back."""
    # Always one container here, empty or not: an element that comes and goes would
    # shift every later element's position, and the browser would rebuild them all.
    slot = st.container()
    changed = [s for s in FIELDS if getattr(scenario, s.name) != getattr(base, s.name)]
    if not changed:
        return
    what = "; ".join(
        f"{s.label} {format_number(getattr(base, s.name), s)} → "
        f"{format_number(getattr(scenario, s.name), s)} ({s.unit})"
        for s in changed[:6]
    )
    more = f" and {len(changed) - 6} more" if len(changed) > 6 else ""
    preset = presets.presets.get(choice)
    origin = f"the preset “{preset.name}”" if preset else "the model defaults"
    col, button = slot.columns([5, 1], vertical_alignment="center")
    col.info(
        f"Changed from {escape_markdown(origin)}: {escape_markdown(what)}{more}",
        icon=":material/edit:",
    )
    button.button("Reset to preset", on_click=set_fields_everywhere, args=(base,))


def render_kpis(result: Result, reference: Result | None) -> None:
    """Seven tiles: the investor's four on the first row, the operating three below."""
    tiles = kpi_tiles(result, reference)
    for column, tile in zip([*st.columns(4), *st.columns(4)[:3]], tiles, strict=True):
        column.metric(
            tile.label,
            tile.value,
            delta=tile.delta,
            delta_color=tile.delta_colour,
            help=tile.help,
            border=True,
        )


def render_charts(result: Result) -> None:
    """The four overview charts, two by two, each with its one-line answer below it."""
    drawings = {
        "bridge": charts.income_bridge(result),
        "cash": charts.cumulative_cash(result),
        "margin": charts.margin_by_year(result),
        "flows": charts.benefits_and_costs(result),
    }
    columns = [*st.columns(2), *st.columns(2)]
    for column, (name, drawing) in zip(columns, drawings.items(), strict=True):
        # A stable key and an unchanging spec let the browser swap data in place.
        column.vega_lite_chart(spec=drawing.to_dict(), width="stretch", key=f"chart_{name}")
        column.caption(escape_markdown(drawing.caption))


def render_tables(result: Result) -> None:
    # Lazy expanders: their tables are built only while open.
    years = st.expander("Year by year", key="years_open", on_change="rerun")
    if years.open:
        years.dataframe(year_table(result), hide_index=True)
    sources = st.expander("Assumptions and their sources", key="sources_open", on_change="rerun")
    if sources.open:
        sources.dataframe(
            [
                {
                    "Assumption": s.label,
                    "Value": format_number(getattr(result.scenario, s.name), s),
                    "Unit": s.unit,
                    "Source": s.source,
                    "Link parameter": s.name,
                }
                for s in FIELDS
            ],
            hide_index=True,
        )


def render_share(scenario: Scenario, choice: str, presets: PresetSet) -> None:
    st.subheader("Share this scenario")
    left, right = st.columns([3, 2])
    with left:
        query = encode_link(scenario, choice or None)
        base_url = (st.context.url or "").split("?")[0]
        st.caption(
            "The complete link: every assumption is in it, so it shows the same "
            "numbers later even if the presets change. Use the copy button."
        )
        st.code(f"{base_url}?{query}", language=None, wrap_lines=True)
    with right:
        preset = presets.presets.get(choice)
        name = f"{preset.name} (edited)" if preset else "Custom scenario"
        st.download_button(
            "Download as a preset file (JSON)",
            # Written only when clicked, not on every slider move.
            partial(preset_document, name, "Saved from the whatif page.", scenario),
            file_name=f"{choice or 'scenario'}-custom.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
        )
        st.file_uploader(
            "Apply a preset file",
            type=["json"],
            key="upload",
            on_change=on_upload,
            help="Checked like the presets in the repository, at most 1 MB; "
            "applied to this session only, never saved.",
        )
        message = st.session_state.pop(UPLOAD_MESSAGE, None)
        if message:
            kind, text = message
            (st.error if kind == "error" else st.success)(escape_markdown(text))


# --- the story ------------------------------------------------------------------------------


@st.fragment
def scenario_view(presets: PresetSet, choice: str, base: Scenario) -> None:
    """Everything a headline slider changes; moving one reruns only this fragment."""
    if st.session_state.pop(WHOLE_PAGE, False):
        st.rerun(scope="app")
    scenario = headline_sliders(base)
    reconcile_with_link(scenario)
    result = evaluate(scenario)
    render_changes(presets, choice, scenario, base)
    render_kpis(result, evaluate(base) if scenario != base else None)
    render_analysis(result, presets, choice, render_charts)
    render_tables(result)
    render_share(scenario, choice, presets)


def main() -> None:
    presets = current_presets()
    read_link_once(presets)
    apply_pending()
    choice, base = sidebar(presets)
    st.title("What does AI spending do to our ROI and operating margin?")
    render_notices(presets)
    render_description(presets, choice)
    scenario_view(presets, choice, base)


main()
