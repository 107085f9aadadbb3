"""The page's session: its keys, the presets, the link read once, and field updates.

The URL is the scenario. Each field's value lives in session state under its
name (as in shared MODEL.md), and the page writes the address bar itself
(`sync_field_params`): `preset=ID` plus each field that differs from the
preset, after every run in which no slider thumb is held. No widget is bound to
the URL, so the link codec of `whatif.links` is the only reader of a link: on a
session's first run the page decodes the raw link, warns about each ignored
part, and sets the fields. The widgets show the fields: the live sliders get
them as data, and each advanced input has a key of its own (`input_key`) that
follows its field, because Streamlit forgets a widget that is not drawn and
the advanced inputs are drawn only while their expander is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import streamlit as st

from app.lineage import Lineage
from whatif import FIELDS, PresetSet, Scenario, decode_link, load_presets, presets_dir
from whatif.documents import DocumentError
from whatif.formatting import escape_markdown
from whatif.links import (
    COMPARE_PARAM,
    FINGERPRINT_PARAM,
    PRESET_PARAM,
    VERSION_PARAM,
    WEIGHTS_PARAM,
    format_number,
    kept_params,
)
from whatif.presets import DEFAULT_PRESET_ID, Preset, PresetError, fingerprint
from whatif.pricebook import PriceBook, load_pricebook, pricebook_path
from whatif.scenario import MODEL_VERSION

NO_PRESET: Final = ""  # the selector's choice when the folder has no usable preset
CHOICE: Final = "preset_choice"
WHOLE_PAGE: Final = "rerun_whole_page"
PRESET_CHANGED: Final = "preset_changed_since_link"
DEFAULT_PRESET_NOTE: Final = "link_named_no_preset"  # why the default preset applies, or None
NO_PRESET_NAMED: Final = "none"
UNKNOWN_PRESET: Final = "unknown"
# While a file is applied (app/lineage.py): the selector's choice, and under APPLIED the
# id of the preset it is measured against with the file. Choosing a preset leaves it.
FILE_CHOICE: Final = "+file"  # never a preset id (ids have no "+")
APPLIED: Final = "applied_file"


Stamp = tuple[tuple[str, int, int], ...]


def _stamp(paths: Iterable[Path]) -> Stamp:
    """Name, modification time and size of each file: what changes when one is edited."""
    try:
        return tuple(
            sorted(
                (p.name, s.st_mtime_ns, s.st_size)
                for p in paths
                if (s := p.stat(follow_symlinks=False))
            )
        )
    except OSError:
        return ()


@st.cache_data(show_spinner=False, max_entries=8)
def _presets_cached(folder: str, stamp: Stamp) -> PresetSet:
    return load_presets(Path(folder))


def current_presets() -> PresetSet:
    """The presets folder, re-read only when a file in it changes (name, size, mtime)."""
    folder = presets_dir()
    try:
        files = list(folder.iterdir())
    except OSError:
        files = []
    return _presets_cached(str(folder), _stamp(files))


@st.cache_data(show_spinner=False, max_entries=4)
def _pricebook_cached(path: str, stamp: Stamp) -> PriceBook | DocumentError:
    return load_pricebook(Path(path))


def current_pricebook() -> PriceBook | DocumentError:
    """The price book, re-read only when its file changes; a broken one is an error, named."""
    path = pricebook_path()
    return _pricebook_cached(str(path), _stamp([path]))


def default_choice(presets: PresetSet) -> str:
    """The default preset when it loads, else the first preset that does."""
    if DEFAULT_PRESET_ID in presets.presets:
        return DEFAULT_PRESET_ID
    return next(iter(presets.presets), NO_PRESET)


def base_scenario(presets: PresetSet, preset_id: str) -> Scenario:
    preset = presets.presets.get(preset_id)
    return preset.scenario if preset else Scenario()


def input_key(name: str) -> str:
    """The session key of an advanced field's input (the field's own key holds its value)."""
    return f"input_{name}"


def set_fields(values: Scenario) -> None:
    """Every field; the sliders and the inputs show them when next drawn."""
    for spec in FIELDS:
        st.session_state[spec.name] = getattr(values, spec.name)


def set_fields_everywhere(values: Scenario) -> None:
    """set_fields from a widget inside the scenario fragment: the sidebar must redraw too."""
    set_fields(values)
    st.session_state[WHOLE_PAGE] = True


def apply_to_session(outcome: Preset | PresetError, message_key: str, what: str) -> None:
    """Apply a checked preset document (an upload, the edited JSON) to this session only,
    or keep why it was refused; either way a message waits under `message_key`."""
    if isinstance(outcome, PresetError):
        st.session_state[message_key] = ("error", f"Not applied: {outcome}")
        return
    # Measured against the preset the file extends, else the default preset: the file's
    # changes, the tiles' deltas and the brief then speak of a preset people know.
    presets = current_presets()
    parent = outcome.extends if outcome.extends in presets.presets else None
    st.session_state[APPLIED] = (parent or default_choice(presets), outcome)
    st.session_state[CHOICE] = FILE_CHOICE
    set_fields_everywhere(outcome.scenario)
    st.session_state[message_key] = (
        "success",
        f"Applied {what} (“{outcome.name}”) to this session; nothing was saved.",
    )


def current_lineage(presets: PresetSet, choice: str) -> Lineage:
    """The selector's choice as a lineage: a preset, or the applied file over one."""
    applied = st.session_state.get(APPLIED) if choice == FILE_CHOICE else None
    if applied is None:
        return Lineage(choice, presets.presets.get(choice))
    preset_id, file = applied
    return Lineage(preset_id, presets.presets.get(preset_id), file)


def choose_preset(preset_id: str, values: Scenario) -> None:
    """Back to a preset of the folder (leaving an applied file) with these values."""
    st.session_state.pop(APPLIED, None)
    st.session_state[CHOICE] = preset_id
    set_fields_everywhere(values)


def show_message(message_key: str, where: Any = st) -> None:
    """The message `apply_to_session` left, shown once."""
    message = st.session_state.pop(message_key, None)
    if message:
        kind, text = message
        (where.error if kind == "error" else where.success)(escape_markdown(text))


def on_preset_chosen(presets: PresetSet) -> None:
    """Choosing a preset sets every field to it, and leaves an applied file."""
    st.session_state.pop(APPLIED, None)
    set_fields(base_scenario(presets, st.session_state[CHOICE]))


def read_link_once(presets: PresetSet) -> None:
    """On a session's first run: decode the raw link, keep its warnings, seed the widgets."""
    if "link_warnings" in st.session_state:
        return
    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    decoded = decode_link(raw, presets.presets)
    st.session_state["link_warnings"] = [w.problem for w in decoded.warnings]
    st.session_state[CHOICE] = decoded.preset_id or NO_PRESET
    st.session_state[PRESET_CHANGED] = decoded.preset_changed
    # A link that sets fields but names no preset (or one that is not here) is read over
    # the default preset: say so, and which of the two it was. A bare address opens the
    # default preset without a note; the selector shows it.
    names_fields = any(f.name in raw for f in FIELDS)
    st.session_state[DEFAULT_PRESET_NOTE] = (
        (UNKNOWN_PRESET if PRESET_PARAM in raw else NO_PRESET_NAMED)
        if decoded.default_preset and names_fields
        else None
    )
    # A value the link implies without naming it (a version-1 link takes the neutral
    # value of a field its preset now sets) differs from the preset, so the address bar
    # gets it at the end of this run and keeps giving the same numbers.
    set_fields(decoded.scenario)
    # The address holds only what applies: this run writes the preset, its fingerprint,
    # the version and the differing fields anew; ignored and repeated parameters go
    # (the notice names each once).
    st.query_params.from_dict(kept_params(raw))


def _put_param(key: str, value: str | None) -> None:
    """One address-bar parameter set to `value`, or removed for None; untouched if so."""
    if st.query_params.get(key) == value:
        return
    if value is None:
        del st.query_params[key]
    else:
        st.query_params[key] = value


def sync_address_bar(choice: str, base: Scenario) -> None:
    """The address bar's own parameters beside the fields: the preset, a fingerprint of
    its values (so a link opened after the preset is edited says so), the model version."""
    _put_param(VERSION_PARAM, str(MODEL_VERSION))
    _put_param(PRESET_PARAM, choice or None)
    _put_param(FINGERPRINT_PARAM, fingerprint(base) if choice else None)


def sync_field_params(scenario: Scenario, base: Scenario) -> None:
    """The fields in the address bar: a field's parameter is there only when its value
    differs from the preset's, written as the link codec reads it."""
    for spec in FIELDS:
        value = getattr(scenario, spec.name)
        same = value == getattr(base, spec.name)
        _put_param(spec.name, None if same else format_number(value, spec))


def sync_set_params(preset_ids: list[str], weights: str) -> None:
    """The Compare tab's scenario set in the address bar: its presets and their weights.
    Pass no ids for a set with a pasted link in it (a link cannot carry another link)."""
    _put_param(COMPARE_PARAM, ",".join(preset_ids) or None)
    _put_param(WEIGHTS_PARAM, weights.strip() or None if preset_ids else None)


@st.fragment(run_every=timedelta(minutes=10))
def failover_anchor() -> None:
    """An empty fragment that reruns itself every ten minutes, so the page has one.

    Streamlit's browser client asks for a full rerun after it reconnects only when
    the page has such a fragment (or its last run was a fragment's). Behind a load
    balancer, a reconnect after a replica dies reaches another replica, whose new
    session has never run the page: without a full rerun there, the next slider
    move would ask for a fragment that session does not know, and nothing would
    happen. The cost is one empty round trip every ten minutes per open page.
    """
