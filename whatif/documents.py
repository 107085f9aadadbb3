"""JSON documents that people edit (presets, the price book): read them, and say what is wrong.

Reading never raises for a bad document. Every problem becomes one
`DocumentError` naming the file and, where known, the line and column (JSON
syntax) or the field and the rule it breaks (bad values). The same error prints
as a sentence for the page (`str`) and as an editor annotation for CI and
pre-commit hooks (`annotation`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from whatif.formatting import shown

MAX_DOCUMENT_BYTES: Final = 1_000_000


@dataclass(frozen=True)
class DocumentError:
    """Why one document was not loaded."""

    file: str
    reason: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [shown(self.file, limit=80)]
        if self.field:
            where.append(f"field {self.field}")
        if self.line is not None:
            where.append(f"line {self.line}" + (f" column {self.column}" if self.column else ""))
        return f"{', '.join(where)}: {self.reason}"

    def annotation(self) -> str:
        """One line as editors and CI read them: FILE:LINE:COL: message, or FILE: FIELD: rule."""
        file = shown(self.file, limit=200)
        if self.field:
            return f"{file}: {self.field}: {self.reason}"
        if self.line is not None:
            return f"{file}:{self.line}:{self.column or 1}: {self.reason}"
        return f"{file}: {self.reason}"


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeyError(key)
        seen[key] = value
    return seen


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def line_of_key(text: str, key: str) -> int | None:
    """The line on which `"key"` first appears in the document, if it does."""
    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _past_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def line_of_item(text: str, key: str, index: int) -> int | None:
    """The line on which item `index` of the array under `"key"` starts, if it is found."""
    found = re.search(re.escape(json.dumps(key)) + r"\s*:\s*\[", text)
    if found is None:
        return None
    decoder, at = json.JSONDecoder(), found.end()
    for _ in range(index):
        try:
            _, at = decoder.raw_decode(text, _past_space(text, at))
        except ValueError:
            return None
        at = _past_space(text, at) + 1  # past the comma
    return text.count("\n", 0, _past_space(text, at)) + 1


def decode_bytes(raw: bytes, file: str) -> str | DocumentError:
    """A document's bytes as text: at most 1 MB, UTF-8 (a byte order mark is fine)."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return DocumentError(file, "refused: larger than 1 MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DocumentError(file, f"not UTF-8 text (bad byte at offset {exc.start})")


def read_object(text: str, file: str, what: str) -> dict[str, Any] | DocumentError:
    """The document's JSON object; duplicate keys, NaN and Infinity are errors too."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return DocumentError(file, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)
    except _DuplicateKeyError as exc:
        return DocumentError(
            file, f"the key {shown(exc.key)!r} appears twice", line=line_of_key(text, exc.key)
        )
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        return DocumentError(file, f"invalid JSON: {reason}")
    if not isinstance(data, dict):
        return DocumentError(file, f"{what} must be a JSON object, not {type(data).__name__}")
    return data


def _where(prefix: str, loc: tuple[int | str, ...]) -> str:
    return ".".join(shown(str(p)) for p in (prefix, *loc) if p != "")


def invalid(file: str, text: str, exc: ValidationError, prefix: str = "") -> DocumentError:
    """The first error's field (and its line) and one sentence listing every broken rule."""
    errors = exc.errors()
    parts = []
    for error in errors:
        where = _where(prefix, error["loc"])
        msg = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        msg = msg.removeprefix("Value error, ")
        # A lone error's field is already named beside the file; more are each named.
        parts.append(f"{where}: {msg}" if where and len(errors) > 1 else msg)
    field = _where(prefix, errors[0]["loc"]) or None
    leaf = field.rsplit(".", 1)[-1] if field else None
    line = line_of_key(text, leaf) if leaf else None
    return DocumentError(file, "; ".join(parts), line=line, field=field)
