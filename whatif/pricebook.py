"""The price book: dated vendor list prices, and a model mix's blended price per token.

`price_per_mtok_usd` is one blended price. Analysts derive it from a price book
(`assets/pricebook.json`, or the file named by $WHATIF_PRICEBOOK) as shared
MODEL.md says: for a mix of models with shares in percent, the share of tokens
that are input (a) and the share of input tokens served from the prompt cache (c),

    blended = sum of share x (a x (c x cached_input + (1 - c) x input) + (1 - a) x output)

The mix is an aid: scenarios, links and presets carry only the resulting price.
A price book older than `STALE_AFTER_DAYS` is stale, and everything that shows
its prices says so with its date. Loading and blending never raise: each
problem is a `DocumentError` (file and field) or a `MixError` naming the part.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from whatif.documents import DocumentError, decode_bytes, invalid, read_object
from whatif.formatting import shown
from whatif.presets import PRESET_ID_PATTERN

DEFAULT_PRICEBOOK: Final = Path(__file__).resolve().parent.parent / "assets" / "pricebook.json"
SCHEMA_REF: Final = "pricebook.schema.json"
STALE_AFTER_DAYS: Final = 180
SHARES_TOLERANCE_PCT: Final = 0.01
_MODEL_ID: Final = re.compile(PRESET_ID_PATTERN)


# A list price in USD per million tokens: a JSON number (not a string), finite, 0 to 1000.
_Price = Annotated[float, Field(ge=0, le=1000, strict=True, allow_inf_nan=False)]


class ModelPrice(BaseModel):
    """One model's list prices in USD per million tokens, and where they come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80, description="Display name.")
    vendor: str = Field(min_length=1, max_length=80, description="Who sells or serves it.")
    input: _Price = Field(description="USD per million input tokens (not served from the cache).")
    output: _Price = Field(description="USD per million output tokens.")
    cached_input: _Price = Field(
        description="USD per million input tokens served from the prompt cache."
    )
    source: str = Field(
        min_length=10,
        max_length=600,
        description="The vendor's published price page; for an in-house model, the cost basis.",
    )


class PriceBookFile(BaseModel):
    """The shape of a price book file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_ref: str = Field(default=SCHEMA_REF, alias="$schema")
    as_of: dt.date = Field(description="The date the prices were checked (ISO 8601).")
    models: dict[str, ModelPrice] = Field(
        min_length=1,
        description="Model id (lower-case letters, digits and dashes) to its prices.",
    )

    @field_validator("as_of", mode="before")
    @classmethod
    def _written_as_a_date(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("must be a date written as YYYY-MM-DD")
        return value


@dataclass(frozen=True)
class PriceBook:
    """A valid price book: the file it came from, its date and its models by id."""

    file: str
    as_of: dt.date
    models: Mapping[str, ModelPrice]

    def age_days(self, today: dt.date | None = None) -> int:
        return ((today or dt.date.today()) - self.as_of).days

    def stale(self, today: dt.date | None = None) -> bool:
        return self.age_days(today) > STALE_AFTER_DAYS

    def freshness(self, today: dt.date | None = None) -> str:
        """ "Prices as of 2026-11-25 (3 days old)", with a staleness warning when it is due."""
        age = self.age_days(today)
        text = f"Prices as of {self.as_of.isoformat()} ({age} days old)"
        if self.stale(today):
            text += (
                f": stale, older than {STALE_AFTER_DAYS} days; check the vendors' price "
                "pages and update the price book"
            )
        return text


def pricebook_path() -> Path:
    """The price book: $WHATIF_PRICEBOOK when set, else assets/pricebook.json."""
    configured = os.environ.get("WHATIF_PRICEBOOK")
    return Path(configured) if configured else DEFAULT_PRICEBOOK


def parse_pricebook(text: str, file: str) -> PriceBook | DocumentError:
    """Validate a price book's JSON text; a DocumentError names the file and the field."""
    data = read_object(text, file, "a price book")
    if isinstance(data, DocumentError):
        return data
    try:
        shape = PriceBookFile.model_validate(data)
    except ValidationError as exc:
        return invalid(file, text, exc)
    for model_id in shape.models:
        if not _MODEL_ID.fullmatch(model_id):
            return DocumentError(
                file,
                "model ids are lower-case letters, digits and single dashes",
                field=f"models.{shown(model_id)}",
            )
    return PriceBook(file=file, as_of=shape.as_of, models=dict(shape.models))


def load_pricebook(path: Path | None = None) -> PriceBook | DocumentError:
    """Read and validate the price book file; never raises."""
    path = path or pricebook_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return DocumentError(str(path), f"cannot be read: {exc.strerror or exc}")
    text = decode_bytes(raw, str(path))
    return text if isinstance(text, DocumentError) else parse_pricebook(text, str(path))


# --- the blended price ----------------------------------------------------------------------


class MixError(ValueError):
    """A model mix that cannot be priced; the message names every bad part."""


@dataclass(frozen=True)
class Mix:
    """Models with their share of tokens in percent, the input share and the cache-hit rate."""

    shares_pct: Mapping[str, float]
    input_share_pct: float
    cache_hit_pct: float


@dataclass(frozen=True)
class Blend:
    """A mix priced against a price book: the blended price and each model's part of it."""

    price_per_mtok_usd: float
    parts_usd: Mapping[str, float]
    book: PriceBook


def parse_mix(text: str) -> dict[str, float]:
    """`ID=PCT[,ID=PCT...]` as model id to percent; MixError names each bad part."""
    shares: dict[str, float] = {}
    problems = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        model_id, sep, value = part.partition("=")
        model_id = model_id.strip()
        try:
            pct = float(value) if sep else None
        except ValueError:
            pct = None
        if pct is None or not math.isfinite(pct):
            problems.append(f"{shown(part)!r}: expected MODEL=PERCENT, e.g. claude-opus-5-5=60")
        elif model_id in shares:
            problems.append(f"{shown(model_id)!r} is given twice")
        else:
            shares[model_id] = pct
    if not shares and not problems:
        problems.append("the mix names no model")
    if problems:
        raise MixError("; ".join(problems))
    return shares


def _percent_problem(name: str, value: float, slack: float = 0.0) -> str | None:
    if not 0 <= value <= 100 + slack:  # NaN fails both comparisons
        return f"{name} must be a percentage from 0 to 100, not {value:g}"
    return None


def blend(book: PriceBook, mix: Mix) -> Blend:
    """MODEL.md's blended price per million tokens; MixError names every problem."""
    problems = [
        problem
        for problem in (
            _percent_problem("the input share", mix.input_share_pct),
            _percent_problem("the cache-hit rate", mix.cache_hit_pct),
            *(
                _percent_problem(f"{shown(m)!r}'s share", p, SHARES_TOLERANCE_PCT)
                for m, p in mix.shares_pct.items()
            ),
        )
        if problem
    ]
    unknown = [m for m in mix.shares_pct if m not in book.models]
    if unknown:
        known = ", ".join(book.models)
        problems.append(
            f"unknown model {', '.join(repr(shown(m)) for m in unknown)} (the price book "
            f"{shown(book.file, 80)} has: {known})"
        )
    total = sum(mix.shares_pct.values())
    if not problems and abs(total - 100) > SHARES_TOLERANCE_PCT:
        problems.append(f"the shares add up to {total:g}%, not 100%")
    if problems:
        raise MixError("; ".join(problems))
    a, c = mix.input_share_pct / 100, mix.cache_hit_pct / 100
    parts = {}
    for model_id, pct in mix.shares_pct.items():
        price = book.models[model_id]
        per_mtok = a * (c * price.cached_input + (1 - c) * price.input) + (1 - a) * price.output
        parts[model_id] = pct / 100 * per_mtok
    return Blend(sum(parts.values()), parts, book)


def blend_json(result: Blend, today: dt.date | None = None) -> dict[str, Any]:
    """The `price --json` object: the price, the book's date and age, and the models used."""
    book = result.book
    return {
        "blended_price_per_mtok_usd": result.price_per_mtok_usd,
        "as_of": book.as_of.isoformat(),
        "age_days": book.age_days(today),
        "stale": book.stale(today),
        "pricebook": book.file,
        "models": [
            {
                "id": model_id,
                "name": book.models[model_id].name,
                "vendor": book.models[model_id].vendor,
                "contribution_per_mtok_usd": part,
            }
            for model_id, part in result.parts_usd.items()
        ],
    }


def pricebook_json_schema() -> dict[str, Any]:
    """The JSON Schema of a price book, generated from PriceBookFile."""
    schema = PriceBookFile.model_json_schema(by_alias=True)
    schema["properties"]["models"]["propertyNames"] = {"pattern": PRESET_ID_PATTERN}
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "whatif price book",
        "description": "Dated list prices, USD per million tokens, for the blended-price "
        "calculator (shared MODEL.md, 'The price book').",
    }
