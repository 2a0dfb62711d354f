"""The UI font: a sans-serif that has every Kazakh, Russian and English letter.

DejaVu Sans (Debian `fonts-dejavu-core`) covers Cyrillic including the Kazakh letters
ә ғ қ ң ө ұ ү һ і. Kivy's bundled Roboto does not, so every Label uses the font registered
here under FONT_NAME / FONT_BOLD.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

FONT_NAME = "KioskSans"
FONT_BOLD = "KioskSansBold"
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

_REGULAR = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf")
_BOLD = ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "LiberationSans-Bold.ttf", "FreeSansBold.ttf")
_SEARCH_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / ".fonts"),
    str(Path(__file__).parent / "assets"),
)


class FontMissing(RuntimeError):
    pass


def _find(names: tuple[str, ...]) -> str:
    env = os.environ.get("KIOSK_FONT_DIR")
    dirs = ((env,) if env else ()) + _SEARCH_DIRS
    for name in names:
        for d in dirs:
            direct = Path(d) / name
            if direct.is_file():
                return str(direct)
    for name in names:  # slower: walk the font trees
        for d in dirs:
            root = Path(d)
            if root.is_dir():
                for hit in root.rglob(name):
                    return str(hit)
    raise FontMissing(
        "No font with Kazakh letters found. Install the Debian package fonts-dejavu-core "
        "(apt-get install fonts-dejavu-core) or set KIOSK_FONT_DIR to a folder with DejaVuSans.ttf."
    )


@cache
def font_paths() -> tuple[str, str]:
    """(regular, bold) font files; raises FontMissing with what to install."""
    regular = _find(_REGULAR)
    try:
        bold = _find(_BOLD)
    except FontMissing:
        bold = regular
    return regular, bold


def register_fonts() -> tuple[str, str]:
    """Register the fonts with Kivy and make them the default for every Label."""
    from kivy.core.text import LabelBase

    regular, bold = font_paths()
    LabelBase.register(FONT_NAME, fn_regular=regular, fn_bold=bold)
    LabelBase.register(FONT_BOLD, fn_regular=bold)
    # Also replace Kivy's default (Roboto has no Kazakh letters) so no widget can miss it.
    LabelBase.register("Roboto", fn_regular=regular, fn_bold=bold)
    return regular, bold


def missing_glyphs(text: str, font_file: str) -> list[str]:
    """Characters of `text` that `font_file` draws as its .notdef box (tofu).

    Compares each character's rendered mask with the mask of a private-use code point,
    which no UI font maps, so it renders as .notdef.
    """
    from PIL import ImageFont

    font = ImageFont.truetype(font_file, 32)
    tofu = _mask_bytes(font, "\ue000")
    missing = []
    for ch in sorted(set(text)):
        if ch.isspace() or not ch.isprintable():
            continue
        if _mask_bytes(font, ch) == tofu:
            missing.append(ch)
    return missing


def _mask_bytes(font: object, ch: str) -> tuple[object, bytes]:
    mask = font.getmask(ch)  # type: ignore[attr-defined]
    return (mask.size, bytes(mask))
