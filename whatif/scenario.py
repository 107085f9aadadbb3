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

# The model version of shared MODEL.md that evaluate() implements. Each field says
# the version that added it (`since`); a link carries the version it was written for.
MODEL_VERSION: Final = 3


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
    neutral: bool = False,
) -> Any:
    """A pydantic Field whose JSON Schema extra holds the display metadata.

    `since` is the model version that added the field (left out of the schema for 1);
    `neutral` marks a later field whose default reproduces the earlier versions' results,
    so a link written before `since` takes the default rather than its preset's value.
    """
    extra: dict[str, Any] = {"unit": unit, "step": step, "source": source, "group": group}
    if since > 1:
        extra["since"] = since
    if neutral:
        extra["neutral"] = True
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
        source="2026 'Claudeonomics' leak: over 85,000 users at Meta consumed more than 60 "
        "trillion tokens in 30 days (PANews reports them as employees).",
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
        source="Studies measure time on task; as output, t% less time is 1/(1 - t) - 1 more: "
        "Google RCT 21% less time = +26.6%, GitHub Copilot RCT 55.8% faster = +126%, METR 2025 "
        "19% more time = -16%; field RCTs +26.1% pull requests. Meta's CTO: 'up to 10 times'.",
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
        "by 1%–3%'.",
    )
    ai_capex_busd_per_year: float = _field(
        72,
        ge=0,
        le=300,
        step=1,
        group="headline",
        label="AI capex",
        unit="$B / year",
        help="Year 1's capital spent on AI servers and data centres, spread evenly over the year.",
        source="Meta FY2025 capex $72.22B; 2026 guidance $125-145B (raised 29 April 2026). The "
        "'trap' article's '$14 billion' is Meta's $14.3B Scale AI stake, not capex.",
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
        source="Assumption: 0% today; a 2026 podcast digest argues Meta could 'vertically "
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
        source="Assumption: labs are 'highly profitable on the marginal cost of inference'; "
        "open-weights models are served for $0.15-0.85 per million tokens, a frontier "
        "model for more.",
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
        source="2026 'Claudeonomics' leak: over 85,000 users on the leaderboard, more than "
        "Meta's 78,865 employees at 31 December 2025 (10-K), so it counted others too.",
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
        source="Assumption: PANews' example is a $500,000 senior engineer; Meta's 2025 "
        "share-based pay alone was $259K per employee ($20.43B / 78,865), before cash pay.",
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
        source="Assumption: extra output only partly becomes cash; engineers code for part of "
        "their week, and DORA 2024 associated each 25% more AI adoption with an estimated "
        "1.5% decrease in delivery throughput.",
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
        source="Assumption near Meta's FY2025 gross margin of 82% (cost of revenue $36.18B on "
        "$200.97B): extra ad revenue from better conversions carries few extra costs.",
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
        source="Analysts' WACC for Meta about 8.7% (range 7.4-10%, valueinvesting.io); "
        "rounded up to 9%.",
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
        neutral=True,
        group="people",
        label="Benefit ramp-up",
        unit="months",
        help="Months until productivity value and ad lift reach full run-rate, in a "
        "straight line (0 = in full from the first month).",
        source="Neutral default (0: full benefits from month 1, as before version 2); "
        "presets set 0 to 24 months (assumptions: gains are earned team by team).",
    )
    ai_opex_busd_per_year: float = _field(
        0,
        ge=0,
        le=200,
        step=0.5,
        since=2,
        neutral=True,
        group="costs",
        label="Other AI operating cost",
        unit="$B / year",
        help="AI costs expensed each year besides tokens: the in-house model lab, training "
        "runs expensed, data labelling, licences. Spread evenly over the months.",
        source="Neutral default (0); Meta publishes no figure for its AI lab. A 2026 podcast "
        "digest: own models justify 'the high cost of its AI lab (MSL) purely on internal "
        "savings'.",
    )
    capex_growth_pct_per_year: float = _field(
        0,
        ge=-90,
        le=300,
        step=1,
        since=2,
        neutral=True,
        group="costs",
        label="AI capex growth",
        unit="% / year",
        help="Change of AI capex from one model year to the next; the AI capex slider sets year 1.",
        source="Neutral default (0). Meta's capex (with finance-lease payments) went from "
        "$39.23B (2024) to $72.22B (2025); 2026 guidance $125-145B (raised 29 April 2026).",
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

    # --- model version 3 -----------------------------------------------------------------
    # The whole programme as an investor sees it. The first five default to a neutral
    # value, so a scenario that does not name them computes exactly as in version 2;
    # building life and the P/E multiple change no earlier result.
    capex_attributed_pct: float = _field(
        100,
        ge=0,
        le=100,
        step=1,
        since=3,
        neutral=True,
        group="costs",
        label="Capex charged to this programme",
        unit="% of AI capex",
        help="Share of the AI capex (and so of its depreciation and book value) charged to "
        "the programme modelled here; the rest serves other purposes.",
        source="Neutral default (100%). No split is published; a 2026 podcast digest: 'The "
        "vast majority of AI capital expenditure is dedicated to other tasks like content "
        "recommendation and ad placement'.",
    )
    baseline_growth_pct_per_year: float = _field(
        0,
        ge=-50,
        le=100,
        step=0.5,
        since=3,
        neutral=True,
        group="finance",
        label="Company growth without this programme",
        unit="% / year",
        help="Yearly growth of revenue, ad revenue and baseline operating income that the "
        "company would have without this programme.",
        source="Neutral default (0%: revenue held flat). Meta's revenue grew 22% in FY2025; "
        "the global ad market is to grow 7.1% in 2026 (WPP Media, December 2025).",
    )
    ai_ad_growth_pct_per_year: float = _field(
        0,
        ge=0,
        le=50,
        step=0.5,
        since=3,
        neutral=True,
        group="ads",
        label="AI-driven ad growth",
        unit="% / year",
        help="Extra yearly growth of ad revenue earned by AI ranking and recommendation, "
        "compounding on top of the company's own growth (not ramped).",
        source="Neutral default (0%). Meta reports conversion lifts like the slider's with "
        "each ranking-model launch (GEM: +5% on Instagram, +3% on Facebook Feed, 2025).",
    )
    buildings_share_pct: float = _field(
        0,
        ge=0,
        le=90,
        step=1,
        since=3,
        neutral=True,
        group="costs",
        label="Buildings share of capex",
        unit="% of capex",
        help="Share of the capex spent on buildings and other long-lived assets rather than "
        "servers; depreciated over the building life.",
        source="Neutral default (0%: all servers). Meta FY2025 10-K: buildings $55.57B of "
        "$233.73B gross property and equipment (24%; an estimated 31% of assets in service).",
    )
    in_service_lag_months: int = _field(
        0,
        ge=0,
        le=36,
        step=1,
        integer=True,
        since=3,
        neutral=True,
        group="costs",
        label="Time to enter service",
        unit="months",
        help="Months from spending capex to the asset entering service; construction in "
        "progress is not depreciated.",
        source="Neutral default (0). Meta's CFO (January 2026): much capex is 'for capacity "
        "that doesn't come online until 2027 or beyond'; until then it is construction in "
        "progress.",
    )
    buildings_life_years: float = _field(
        25,
        ge=10,
        le=50,
        step=1,
        since=3,
        group="costs",
        label="Building useful life",
        unit="years",
        help="Straight-line depreciation life of buildings.",
        source="Assumption: Meta's filings give buildings lives up to 30 years (FY2017 10-K: "
        "'three to 30 years'); the prudent 25 years is used.",
    )
    pe_multiple: float = _field(
        22.5,
        ge=1,
        le=100,
        step=0.5,
        since=3,
        group="finance",
        label="P/E multiple",
        unit="x earnings",
        help="Price / earnings multiple the market applies to the company: what a change in "
        "next year's EPS is worth on the share price.",
        source="Meta's forward P/E 22.6 at $660.09 on 31 December 2025 (trailing 27.5; "
        "stockanalysis.com): a multiple of normalised earnings, as the EPS here is.",
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
    neutral: bool

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
                neutral=bool(extra.get("neutral", False)),
            )
        )
    return tuple(specs)


FIELDS: Final[tuple[FieldSpec, ...]] = _specs()
FIELDS_BY_NAME: Final[dict[str, FieldSpec]] = {f.name: f for f in FIELDS}
HEADLINE_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.headline)
VERSION_1_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.since == 1)


def neutral_since(version: int) -> tuple[str, ...]:
    """Fields added after `version` whose default gives that version's numbers: a link
    written under `version` takes these defaults, not its preset's values."""
    return tuple(f.name for f in FIELDS if f.neutral and f.since > version)
