"""The price calculator beside the price slider: a model mix from the price book, blended.

It is a lazy popover: nothing in it is drawn or computed until it is opened, so
the slider path pays nothing for it. Applying it sets the price slider only;
the link carries the price, never the mix.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from app.state import current_pricebook
from whatif.documents import DocumentError
from whatif.formatting import escape_markdown
from whatif.links import format_number
from whatif.pricebook import Mix, MixError, PriceBook, blend
from whatif.scenario import FIELDS_BY_NAME

PRICE: Final = "price_per_mtok_usd"
MODELS: Final = "mix_models"
APPLIED: Final = "mix_applied"
DECIMALS: Final = 4  # of a dollar per million tokens: the blend's precision, kept in the link


def apply_price(value: float) -> None:
    st.session_state[PRICE] = value
    st.session_state[APPLIED] = value


def _share_key(model_id: str) -> str:
    return f"mix_share_{model_id}"


def _shares(book: PriceBook, chosen: list[str]) -> dict[str, float]:
    """Each chosen model's share. A model added to the mix takes what the others leave
    (50% after the first is set to 50%), so the mix never starts over 100%."""
    taken = sum(st.session_state.get(_share_key(m), 0.0) for m in chosen)
    for model_id in chosen:
        if _share_key(model_id) not in st.session_state:
            st.session_state[_share_key(model_id)] = left = round(max(0.0, 100.0 - taken), 2)
            taken += left
    return {
        model_id: st.number_input(
            f"{book.models[model_id].name}, % of tokens",
            min_value=0.0,
            max_value=100.0,
            step=5.0,
            key=_share_key(model_id),
        )
        for model_id in chosen
    }


def _calculator(book: PriceBook) -> None:
    freshness = book.freshness()
    (st.warning if book.stale() else st.caption)(escape_markdown(freshness))
    chosen = st.multiselect(
        "Models in the mix",
        list(book.models),
        default=[next(iter(book.models))],
        format_func=lambda m: f"{book.models[m].name} ({book.models[m].vendor})",
        key=MODELS,
    )
    if not chosen:
        st.info("Pick one or more models.")
        return
    shares = _shares(book, chosen)
    input_share = st.slider("Input tokens, % of all tokens", 0, 100, 90, key="mix_input_share")
    cache_hit = st.slider(
        "Input tokens served from the prompt cache, %", 0, 100, 50, key="mix_cache_hit"
    )
    try:
        result = blend(book, Mix(shares, input_share, cache_hit))
    except MixError as exc:
        st.error(escape_markdown(str(exc)))
        return
    price = round(result.price_per_mtok_usd, DECIMALS)
    st.metric("Blended price", f"${format_number(price)} per million tokens")
    highest = FIELDS_BY_NAME[PRICE].maximum
    if price > highest:
        st.error(f"That is above the slider's maximum of ${format_number(highest)}.")
        return
    st.button(
        f"Set the price slider to ${format_number(price)}",
        on_click=apply_price,
        args=(price,),
        type="primary",
        icon=":material/check:",
    )
    st.caption(
        "Blended = each model's share × (input share × (cache hits × cached input price + "
        "the rest × input price) + output share × output price). The link keeps the price only."
    )


def price_calculator() -> None:
    """A popover under the price slider that derives the price from a model mix."""
    popover = st.popover(
        "Blend from models",
        icon=":material/calculate:",
        key="price_calculator",
        on_change="rerun",
        help="Derive the price per million tokens from the dated price book.",
    )
    applied = st.session_state.pop(APPLIED, None)
    if applied is not None:
        st.caption(f"Set from the price book: ${format_number(applied)}")
    if not popover.open:
        return
    with popover:
        book = current_pricebook()
        if isinstance(book, DocumentError):
            st.error(
                "The price book could not be used, so the calculator is off; the page works "
                f"as before:\n\n{escape_markdown(str(book))}",
                icon=":material/error:",
            )
            return
        _calculator(book)
