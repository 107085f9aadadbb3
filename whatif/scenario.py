"""The Scenario: every input of the model, with its metadata kept beside it.

Each field carries, once, what every consumer needs: a label, a unit, the
valid range, the default, a slider step, a one-line help text, a source note
and the group it is shown in. The sliders, the JSON Schema, the CLI's help and
the link codec all read `FIELDS` rather than repeating any of it.

A Scenario is frozen and forbids unknown fields, so a value that exists is a
valid one: nothing downstream re-checks ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Group = Literal["headline", "tokens", "people", "costs", "ads", "finance"]

GROUP_TITLES: Final[dict[Group, str]] = {
    "headline": "Headline drivers",
    "tokens": "Token economics",
    "people": "Adoption and productivity",
    "costs": "Capex and other AI costs",
    "ads": "Advertising",
    "finance": "Company and finance",
}

# The model version of shared MODEL.md that evaluate() implements. Version 2 added
# the fields marked `since=2` below; links written before it are read as version 1.
MODEL_VERSION: Final = 2


def _field(
    default: float,
    *,
    ge: float,
    le: float,
    step: float,
    label: str,
    unit: str,
    help: str,
    source: str,
    group: Group,
    integer: bool = False,
    since: int = 1,
) -> Any:
    """A pydantic Field whose JSON Schema extra holds the display metadata.

    `since` is the model version that added the field (left out of the schema for 1).
    """
    extra: dict[str, Any] = {"unit": unit, "step": step, "source": source, "group": group}
    if since > 1:
        extra["since"] = since
    return Field(
        default=int(default) if integer else float(default),
        ge=ge,
        le=le,
        title=label,
        description=help,
        json_schema_extra=extra,
    )


class Scenario(BaseModel):
    """One what-if scenario: the five headline drivers and the advanced ones.

    Percentages are in percent (20 means 20%), money in the unit its name says.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    # --- the five headline drivers -------------------------------------------------
    tokens_per_month_t: float = _field(
        60,
        ge=0,
        le=500,
        step=1,
        group="headline",
        label="Token volume",
        unit="trillion tokens / month",
        help="LLM tokens the company's staff consume each month, in trillions.",
        source="2026 'Claudeonomics' leak: over 85,000 Meta employees consumed more "
        "than 60 trillion tokens in 30 days.",
    )
    price_per_mtok_usd: float = _field(
        5,
        ge=0,
        le=100,
        step=0.25,
        group="headline",
        label="Price per million tokens",
        unit="$ / million tokens",
        help="Blended vendor list price paid per million tokens.",
        source="Claude Opus 4.5 list price $5 input / $25 output per million tokens; "
        "legacy Opus $15 / $75 (the leak's $900M estimate uses $15).",
    )
    productivity_gain_pct: float = _field(
        20,
        ge=-50,
        le=1000,
        step=5,
        group="headline",
        label="Productivity gain",
        unit="% more output",
        help="Extra output per AI-using employee (400 means 5x; negative means slower).",
        source="Controlled studies: Google RCT about +21%, GitHub Copilot RCT +55.8%, "
        "METR 2025 -19%; Meta's CTO claims 'up to 10 times' for top engineers.",
    )
    ad_conversion_lift_pct: float = _field(
        3,
        ge=0,
        le=20,
        step=0.1,
        group="headline",
        label="Ad-conversion lift",
        unit="% more conversions",
        help="Lift in ad conversions from AI ranking; passes 1:1 into ad revenue.",
        source="Meta reported +1% to +5% conversion lifts from individual model "
        "launches; PANews: 'even if the advertising conversion rate only increases "
        "by 1%-3%'.",
    )
    ai_capex_busd_per_year: float = _field(
        72,
        ge=0,
        le=300,
        step=1,
        group="headline",
        label="AI capex",
        unit="$B / year",
        help="Capital spent on AI servers and data centres each year, spread evenly.",
        source="Meta FY2025 capital expenditure $72.22B; the 'trap' article cites at "
        "least $14B committed to AI infrastructure and data.",
    )

    # --- token economics -------------------------------------------------------------
    token_growth_pct_per_year: float = _field(
        50,
        ge=-90,
        le=1000,
        step=5,
        group="tokens",
        label="Token volume growth",
        unit="% / year",
        help="Yearly growth of token volume (agents and longer reasoning chains).",
        source="Assumption: enterprise token use keeps rising as agentic workflows "
        "multiply tokens per task, even as unit prices fall.",
    )
    price_decline_pct_per_year: float = _field(
        50,
        ge=0,
        le=99,
        step=1,
        group="tokens",
        label="Token price decline",
        unit="% / year",
        help="Yearly fall of the price per token, vendor and in-house alike.",
        source="a16z 'LLMflation': about 10x a year cheaper at constant capability; "
        "buyers move to newer models, so 50% is the default.",
    )
    in_house_share_pct: float = _field(
        0,
        ge=0,
        le=100,
        step=1,
        group="tokens",
        label="In-house share of tokens",
        unit="% of tokens",
        help="Share of tokens served by the company's own models instead of a vendor.",
        source="Assumption: 0% today; the podcast brief argues Meta could 'vertically "
        "integrate' by serving its internal use on its own frontier models.",
    )
    in_house_cost_per_mtok_usd: float = _field(
        1,
        ge=0,
        le=100,
        step=0.05,
        group="tokens",
        label="In-house cost per million tokens",
        unit="$ / million tokens",
        help="Marginal serving cost per million tokens on the company's own models.",
        source="Assumption: labs are 'highly profitable on the marginal cost of "
        "inference', so own serving is priced well under vendor list.",
    )

    # --- people ------------------------------------------------------------------------
    ai_users: int = _field(
        85_000,
        ge=0,
        le=1_000_000,
        step=1000,
        integer=True,
        group="people",
        label="AI users",
        unit="employees",
        help="Employees using AI tools.",
        source="2026 'Claudeonomics' leak: over 85,000 employees on the leaderboard.",
    )
    loaded_cost_per_user_kusd: float = _field(
        450,
        ge=0,
        le=5000,
        step=5,
        group="people",
        label="Loaded cost per user",
        unit="$K / year",
        help="Fully loaded yearly cost of one AI-using employee, in thousands of USD.",
        source="Assumption near PANews' example of a $500,000 senior engineer; "
        "company-wide average is lower.",
    )
    productivity_realization_pct: float = _field(
        35,
        ge=0,
        le=100,
        step=1,
        group="people",
        label="Productivity realised as money",
        unit="% of the gain",
        help="Share of the productivity gain that turns into money (hiring avoided, "
        "faster launches).",
        source="Assumption: extra output only partly becomes cash; DORA 2024 found "
        "AI adoption did not lift delivery throughput one for one.",
    )

    # --- ads -----------------------------------------------------------------------------
    ad_revenue_busd: float = _field(
        196.18,
        ge=0,
        le=5000,
        step=0.01,
        group="ads",
        label="Ad revenue",
        unit="$B / year",
        help="Annual advertising revenue the conversion lift applies to.",
        source="Meta FY2025 advertising revenue $196.18B.",
    )
    ad_lift_incremental_margin_pct: float = _field(
        80,
        ge=0,
        le=100,
        step=1,
        group="ads",
        label="Margin on extra ad revenue",
        unit="%",
        help="Operating margin on the extra ad revenue (little extra cost per sale).",
        source="Assumption: incremental ad revenue carries few extra costs.",
    )

    # --- finance -------------------------------------------------------------------------
    revenue_busd: float = _field(
        200.97,
        ge=0,
        le=5000,
        step=0.01,
        group="finance",
        label="Total revenue",
        unit="$B / year",
        help="Annual total revenue (at least the ad revenue).",
        source="Meta FY2025 revenue $200.97B.",
    )
    operating_margin_pct: float = _field(
        41.44,
        ge=-100,
        le=100,
        step=0.01,
        group="finance",
        label="Baseline operating margin",
        unit="%",
        help="Operating margin before the AI effects modelled here.",
        source="Meta FY2025 operating income $83.28B on $200.97B revenue (41.44%).",
    )
    server_life_years: float = _field(
        5.5,
        ge=1,
        le=10,
        step=0.5,
        group="costs",
        label="Server useful life",
        unit="years",
        help="Straight-line depreciation life of AI capex.",
        source="Meta extended its servers' useful life to 5.5 years from January 2025.",
    )
    discount_rate_pct: float = _field(
        9,
        ge=0,
        le=50,
        step=0.5,
        group="finance",
        label="Discount rate",
        unit="% / year",
        help="Annual rate used to discount cash flows for NPV.",
        source="Assumption: a large-cap technology cost of capital of about 9%.",
    )
    horizon_years: int = _field(
        5,
        ge=1,
        le=10,
        step=1,
        integer=True,
        group="finance",
        label="Horizon",
        unit="years",
        help="Whole years modelled.",
        source="Assumption: five years, close to the servers' useful life.",
    )

    # --- model version 2 -----------------------------------------------------------------
    # The first three default to a neutral value, so a scenario that does not name
    # them computes exactly as in version 1; tax and shares only feed the EPS results.
    benefit_ramp_months: int = _field(
        0,
        ge=0,
        le=60,
        step=1,
        integer=True,
        since=2,
        group="people",
        label="Benefit ramp-up",
        unit="months",
        help="Months until productivity value and ad lift reach full run-rate, in a "
        "straight line (0 = in full from the first month).",
        source="Neutral default (0) keeps version-1 results; presets set 12 to 24 months. "
        "DORA 2024: AI adoption did not lift delivery throughput one for one at first.",
    )
    ai_opex_busd_per_year: float = _field(
        0,
        ge=0,
        le=200,
        step=0.5,
        since=2,
        group="costs",
        label="Other AI operating cost",
        unit="$B / year",
        help="AI costs expensed each year besides tokens: the in-house model lab, training "
        "runs expensed, data labelling, licences. Spread evenly over the months.",
        source="Neutral default (0); Meta publishes no figure for its AI lab. The podcast "
        "brief: own models justify 'the high cost of its AI lab (MSL) purely on internal "
        "savings'.",
    )
    capex_growth_pct_per_year: float = _field(
        0,
        ge=-90,
        le=300,
        step=1,
        since=2,
        group="costs",
        label="AI capex growth",
        unit="% / year",
        help="Change of AI capex from one model year to the next; the AI capex slider sets year 1.",
        source="Neutral default (0). Meta's capex went from $37.26B (2024) to $72.22B "
        "(2025), with $115B to $135B guided for 2026 (results of 28 January 2026).",
    )
    tax_rate_pct: float = _field(
        13,
        ge=0,
        le=60,
        step=0.5,
        since=2,
        group="finance",
        label="Effective tax rate",
        unit="%",
        help="Income-tax rate applied to the AI impact for the EPS results.",
        source="Meta FY2025: 'absent the valuation allowance charge ... our full year 2025 "
        "effective tax rate would have decreased by 17 percentage points to 13%' (reported "
        "30%, results of 28 January 2026).",
    )
    diluted_shares_b: float = _field(
        2.574,
        ge=0.01,
        le=100,
        step=0.001,
        since=2,
        group="finance",
        label="Diluted shares",
        unit="billion shares",
        help="Diluted weighted-average shares outstanding, for the EPS results.",
        source="Meta FY2025 10-K: 2,574 million diluted weighted-average shares "
        "(net income $60.46B / diluted EPS $23.49).",
    )

    @model_validator(mode="after")
    def _revenue_covers_ad_revenue(self) -> Scenario:
        if self.revenue_busd < self.ad_revenue_busd:
            raise ValueError(
                f"revenue_busd ({self.revenue_busd:g}) must be at least "
                f"ad_revenue_busd ({self.ad_revenue_busd:g}): ad revenue is part of revenue"
            )
        return self


@dataclass(frozen=True)
class FieldSpec:
    """Everything the page, the CLI and the codec need to know about one field."""

    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    default: float
    step: float
    help: str
    source: str
    group: Group
    is_int: bool
    since: int

    @property
    def headline(self) -> bool:
        return self.group == "headline"

    @property
    def decimals(self) -> int:
        """Digits after the decimal point of the step: how precisely the field is shown."""
        exponent = Decimal(repr(self.step)).normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0


def _since(extra: dict[str, Any]) -> int:
    since = extra.get("since", 1)
    assert isinstance(since, int)
    return since


def _specs() -> tuple[FieldSpec, ...]:
    specs = []
    for name, info in Scenario.model_fields.items():
        extra = info.json_schema_extra
        assert isinstance(extra, dict)
        bounds = {k: getattr(m, k) for m in info.metadata for k in ("ge", "le") if hasattr(m, k)}
        specs.append(
            FieldSpec(
                name=name,
                label=str(info.title),
                unit=str(extra["unit"]),
                minimum=float(bounds["ge"]),
                maximum=float(bounds["le"]),
                default=float(info.default),
                step=float(extra["step"]),  # type: ignore[arg-type]
                help=str(info.description),
                source=str(extra["source"]),
                group=extra["group"],  # type: ignore[arg-type]
                is_int=info.annotation is int,
                since=_since(extra),
            )
        )
    return tuple(specs)


FIELDS: Final[tuple[FieldSpec, ...]] = _specs()
FIELDS_BY_NAME: Final[dict[str, FieldSpec]] = {f.name: f for f in FIELDS}
HEADLINE_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.headline)
VERSION_1_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.since == 1)
