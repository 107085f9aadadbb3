"""`python -m whatif.schema [preset|pricebook]` prints a JSON Schema (see `make schema`)."""

import json
import sys
from collections.abc import Callable
from typing import Any

from whatif.presets import preset_json_schema
from whatif.pricebook import pricebook_json_schema

SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "preset": preset_json_schema,
    "pricebook": pricebook_json_schema,
}


def schema_text(kind: str = "preset") -> str:
    """The committed assets/<kind>.schema.json must equal this text."""
    return json.dumps(SCHEMAS[kind](), indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(*sys.argv[1:2]), end="")
