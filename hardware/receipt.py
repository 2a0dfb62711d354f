"""Receipt text -> 1-bit image, so Kazakh letters print on any ESC/POS printer.

Most receipt printers' character code pages (CP866, CP1251, ...) have no Ә Ғ Қ Ң Ө Ұ Ү Һ І;
sending text would print '?' for them. Rendering the text with a TrueType font that has
every Kazakh and Russian glyph (DejaVu Sans, Debian fonts-dejavu-core) and printing the
result as a raster image comes out right on every printer that supports GS v 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)
WIDTH_58MM = 384  # printable dots across at 203 dpi
WIDTH_80MM = 576


class ReceiptRenderError(RuntimeError):
    pass


def find_font(path: str = "", candidates: Sequence[str] = FONT_CANDIDATES) -> str:
    """The configured font, or the first DejaVu Sans found. Raises ReceiptRenderError."""
    for p in ([path] if path else []) + list(candidates):
        if p and Path(p).is_file():
            return p
    raise ReceiptRenderError(
        "no font with Kazakh letters found: install fonts-dejavu-core "
        "or set [hardware] printer_font to a .ttf file"
    )


def _wrap(text: str, font: Any, width: int) -> list[str]:
    """Split one line into pieces no wider than `width` pixels, at spaces when possible."""
    if font.getlength(text) <= width:
        return [text]
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = ""
        while font.getlength(word) > width:  # a word wider than the paper: cut it
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            out.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        out.append(current)
    return out


def render_receipt(
    lines: Iterable[str],
    width_px: int = WIDTH_80MM,
    font_path: str = "",
    font_size: int = 24,
    margin_px: int = 8,
) -> Any:
    """A mode "1" PIL image, `width_px` wide, black text on white, lines wrapped to fit."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(find_font(font_path), font_size)
    usable = width_px - 2 * margin_px
    if usable < font_size:
        raise ReceiptRenderError(f"paper width {width_px} px is too narrow")
    rows: list[str] = []
    for line in lines:
        rows.extend(_wrap(str(line).replace("\t", " ").rstrip(), font, usable) or [""])
    line_h = int(font_size * 1.3)
    height = max(1, len(rows)) * line_h + 2 * margin_px
    img = Image.new("L", (width_px, height), 255)
    draw = ImageDraw.Draw(img)
    for i, row in enumerate(rows):
        draw.text((margin_px, margin_px + i * line_h), row, font=font, fill=0)
    # Plain threshold (no dithering): crisp letters on a thermal head.
    return img.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
