"""Where the page's scenario comes from: a preset of the folder, or a file applied over one.

A file applied in the page (an upload, or the edited JSON) keeps its lineage: it
is measured against the preset it extends, else the default preset, so the
changes note, the tiles' deltas and the brief speak of a preset people know,
while its own name, description, sources, ranges and correlations (merged over
its parent's when it extends one) are what the page describes and analyses.
The address bar names the preset it is measured against; a link cannot carry a
file, so it carries the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from whatif import Preset, Scenario
from whatif.analysis import Ranges
from whatif.correlations import Correlation
from whatif.presets import preset_document

EDITED: Final = " (edited)"
MAX_NAME_CHARS: Final = 80  # a preset file's name, as its schema allows


@dataclass(frozen=True)
class Lineage:
    """The folder preset the scenario is measured against (`preset_id`, "" when no preset
    loads, and `parent`), and the file applied over it while there is one."""

    preset_id: str
    parent: Preset | None
    file: Preset | None = None

    @property
    def preset(self) -> Preset | None:
        """Whose name, description, sources, ranges and correlations the page shows."""
        return self.file or self.parent

    @property
    def base(self) -> Scenario:
        """What the scenario is measured against: the folder preset's values."""
        return self.parent.scenario if self.parent else Scenario()

    @property
    def ranges(self) -> Ranges:
        return dict(self.preset.ranges) if self.preset else {}

    @property
    def correlations(self) -> tuple[Correlation, ...]:
        return self.preset.correlations if self.preset else ()

    @property
    def extends(self) -> Preset | None:
        """The preset a file written from the page extends: the folder preset, unless the
        applied file stands alone (then so does the file written from it)."""
        if self.file is not None and self.file.extends is None:
            return None
        return self.parent

    def selector_label(self) -> str:
        """How the preset selector names the applied file, e.g. "Bear + your file “Mine”"."""
        parent = self.parent.name if self.parent else "Model defaults"
        mine = f"your file “{self.file.name if self.file else ''}”"
        if self.extends is None:
            return f"{mine[0].upper()}{mine[1:]}, measured against {parent}"
        return f"{parent} + {mine}"

    def origin(self) -> str:
        """What the changes are measured from, as a sentence says it."""
        origin = f"the preset “{self.parent.name}”" if self.parent else "the model defaults"
        return f"{origin}, with your file “{self.file.name}”" if self.file else origin

    def title(self, scenario: Scenario) -> str:
        """The scenario's name: the preset's or the file's, "(edited)" once moved from it."""
        preset = self.preset
        if preset is None:
            return "Custom scenario"
        if scenario == preset.scenario or preset.name.endswith(EDITED):
            return preset.name
        return preset.name[: MAX_NAME_CHARS - len(EDITED)] + EDITED

    def document(self, scenario: Scenario) -> str:
        """The page as a preset file: `whatif presets check` accepts it, and applying it
        gives the same numbers, changes and ranges."""
        preset = self.preset
        return preset_document(
            self.title(scenario),
            preset.description if preset else "Saved from the whatif page.",
            scenario,
            sources=preset.sources if preset else (),
            ranges=self.ranges,
            correlations=self.correlations,
            parent=self.extends,
        )
