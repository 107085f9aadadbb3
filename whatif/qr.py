"""QR codes of links, drawn as vectors (SVG): sharp on a projector and in print."""

from __future__ import annotations

import io
from typing import Final

import segno

INK: Final = "#1b1f24"


def qr_svg(link: str, *, scale: int = 1) -> str:
    """A QR code of `link` as a standalone SVG (medium error correction, no quiet zone),
    usable as a file and inline in HTML alike."""
    out = io.BytesIO()
    segno.make(link, error="m").save(
        out, kind="svg", scale=scale, border=0, dark=INK, xmldecl=False, svgclass="whatif-qr"
    )
    return out.getvalue().decode()
