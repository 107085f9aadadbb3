"""`python -m whatif.schema` prints the preset JSON Schema (see `make schema`)."""

import json

from whatif.presets import preset_json_schema


def schema_text() -> str:
    """The committed assets/preset.schema.json must equal this text."""
    return json.dumps(preset_json_schema(), indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
