"""whatif: what AI spending does to a company's ROI and operating margin.

The pure core of the app: no module here imports streamlit.
"""

from whatif.links import LinkDecode, LinkWarning, decode_link, encode_link
from whatif.model import Kpis, Monthly, Result, Year, evaluate, result_to_json
from whatif.presets import Preset, PresetError, PresetSet, load_presets, presets_dir
from whatif.scenario import FIELDS, FIELDS_BY_NAME, HEADLINE_FIELDS, FieldSpec, Scenario

__all__ = [
    "FIELDS",
    "FIELDS_BY_NAME",
    "HEADLINE_FIELDS",
    "FieldSpec",
    "Kpis",
    "LinkDecode",
    "LinkWarning",
    "Monthly",
    "Preset",
    "PresetError",
    "PresetSet",
    "Result",
    "Scenario",
    "Year",
    "decode_link",
    "encode_link",
    "evaluate",
    "load_presets",
    "presets_dir",
    "result_to_json",
]
