"""QR codes of links, drawn as vectors (SVG): sharp on a projector and in print."""

from __future__ import annotations

import io
from typing import Final

import segno

INK: Final = "#1b1f24"
QUIET_ZONE: Final = 4  # modules of white around the code, as the QR standard asks


def qr_svg(link: str, *, scale: int = 1, border: int = 0) -> str:
    """A QR code of `link` as a standalone SVG (medium error correction), usable as a
    file and inline in HTML alike; `border` modules of white around it (none by default,
    for a page that leaves white space itself)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(
        out,
        kind="svg",
        scale=scale,
        border=border,
        dark=INK,
        light="#fff" if border else None,
        xmldecl=False,
        svgclass="whatif-qr",
    )
    return out.getvalue().decode()
