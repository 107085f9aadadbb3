"""JSON documents that people edit (presets, the price book): read them, and say what is wrong.

Reading never raises for a bad document. Every problem becomes one
`DocumentError` naming the file and, where known, the line and column (JSON
syntax) or the field and the rule it breaks (bad values). The same error prints
as a sentence for the page (`str`) and as editor annotations for CI and
pre-commit hooks (`annotations`), one line per broken rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from whatif.formatting import did_you_mean, shown

MAX_DOCUMENT_BYTES: Final = 1_000_000


@dataclass(frozen=True)
class DocumentError:
    """Why one document was not loaded.

    When the document breaks several rules, `reason` lists them all and `line`,
    `column` and `field` locate the first; `rules` holds each on its own.
    """

    file: str
    reason: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    rules: tuple[DocumentError, ...] = ()

    def __str__(self) -> str:
        where = [shown(self.file, limit=80)]
        if self.field and not self.rules:  # several rules each name their own field
            where.append(f"field {self.field}")
        if self.line is not None:
            where.append(f"line {self.line}" + (f" column {self.column}" if self.column else ""))
        return f"{', '.join(where)}: {self.reason}"

    def annotations(self) -> list[str]:
        """One line per broken rule as linters print them: FILE:LINE:COL: FIELD: rule.

        The line and column, or the field, are left out where unknown.
        """
        lines = []
        for rule in self.rules or (self,):
            where = shown(rule.file, limit=200)
            if rule.line is not None:
                where += f":{rule.line}:{rule.column or 1}"
            lines.append(": ".join([where, *filter(None, [rule.field]), rule.reason]))
        return lines


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


def key_position(text: str, path: Sequence[str | int]) -> tuple[int | None, int | None]:
    """The line and column of the deepest key of `path` found in the document.

    Each key is looked for after the one before it, so ("values", "horizon_years")
    finds the value's key and not a range's of the same name; a missing key (a
    required field) leaves its parent's place. (None, None) when none is found.
    """
    at, start = -1, 0
    for key in path:
        if isinstance(key, int):  # a list index has no key of its own in the text
            continue
        found = text.find(json.dumps(key), start)
        if found < 0:
            break
        at = start = found
    if at < 0:
        return None, None
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


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
        line, column = key_position(text, [exc.key])
        return DocumentError(
            file, f"the key {shown(exc.key)!r} appears twice", line=line, column=column
        )
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        return DocumentError(file, f"invalid JSON: {reason}")
    if not isinstance(data, dict):
        return DocumentError(file, f"{what} must be a JSON object, not {type(data).__name__}")
    return data


def _where(prefix: str, loc: tuple[int | str, ...]) -> str:
    return ".".join(shown(str(p)) for p in (prefix, *loc) if p != "")


def invalid(
    file: str, text: str, exc: ValidationError, prefix: str = "", known: Collection[str] = ()
) -> DocumentError:
    """Every broken rule with its field, line and column, in the file's order.

    The error returned locates the first rule and its sentence lists them all.
    `known` are the keys allowed at the validated object's top level: an unknown
    one gets a "did you mean" from them.
    """
    rules = []
    for error in exc.errors():
        loc = error["loc"]
        where = _where(prefix, loc)
        msg = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            msg = "unknown field" + (did_you_mean(str(loc[0]), known) if len(loc) == 1 else "")
        line, column = key_position(text, [p for p in (prefix, *loc) if p != ""])
        rules.append(DocumentError(file, msg, line, column, where or None))
    # In the file's order, as a reader goes down it (pydantic reports in the model's order).
    rules.sort(key=lambda rule: (rule.line or 0, rule.column or 0))
    first = rules[0]
    if len(rules) == 1:
        return first
    # One sentence for the page, so each rule in it names its field.
    reason = "; ".join(f"{r.field}: {r.reason}" if r.field else r.reason for r in rules)
    return DocumentError(file, reason, first.line, first.column, first.field, tuple(rules))
