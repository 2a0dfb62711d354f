"""Pictures for pre-readers, drawn with Kivy canvas instructions (no image files).

`Icon(name="book")` draws into its own square; `ICONS` lists every name. Each picture is
a few flat shapes in the theme's colours, readable at 12 mm.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle, Triangle
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.widget import Widget

Painter = Callable[[float, float, float, tuple, tuple], None]
WHITE = (1, 1, 1, 1)
BLACK = (0, 0, 0, 1)


def _book(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    RoundedRectangle(pos=(x + s * 0.18, y + s * 0.1), size=(s * 0.64, s * 0.8), radius=[s * 0.05])
    Color(*accent)
    Rectangle(pos=(x + s * 0.26, y + s * 0.1), size=(s * 0.05, s * 0.8))  # spine line
    Rectangle(pos=(x + s * 0.38, y + s * 0.6), size=(s * 0.34, s * 0.07))  # title
    Rectangle(pos=(x + s * 0.38, y + s * 0.47), size=(s * 0.26, s * 0.05))


def _card(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    RoundedRectangle(pos=(x + s * 0.05, y + s * 0.2), size=(s * 0.9, s * 0.6), radius=[s * 0.08])
    Color(*accent)
    Ellipse(pos=(x + s * 0.14, y + s * 0.36), size=(s * 0.24, s * 0.28))  # face
    for i, w in enumerate((0.4, 0.3, 0.35)):
        Rectangle(pos=(x + s * 0.45, y + s * (0.62 - 0.11 * i)), size=(s * w, s * 0.05))
    for i in range(7):  # barcode
        Rectangle(pos=(x + s * (0.45 + 0.05 * i), y + s * 0.26), size=(s * 0.025 * (1 + i % 2), s * 0.08))


def _check(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Line(points=[x + s * 0.15, y + s * 0.5, x + s * 0.4, y + s * 0.22, x + s * 0.86, y + s * 0.8],
         width=max(2.0, s * 0.09), cap="round", joint="round")


def _cross(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    w = max(2.0, s * 0.08)
    Line(circle=(x + s / 2, y + s / 2, s * 0.42), width=w)
    Line(points=[x + s * 0.32, y + s * 0.32, x + s * 0.68, y + s * 0.68], width=w, cap="round")
    Line(points=[x + s * 0.32, y + s * 0.68, x + s * 0.68, y + s * 0.32], width=w, cap="round")


def _bell(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Ellipse(pos=(x + s * 0.25, y + s * 0.35), size=(s * 0.5, s * 0.5))
    Rectangle(pos=(x + s * 0.25, y + s * 0.3), size=(s * 0.5, s * 0.3))
    Triangle(points=[x + s * 0.12, y + s * 0.22, x + s * 0.88, y + s * 0.22, x + s * 0.5, y + s * 0.5])
    Rectangle(pos=(x + s * 0.12, y + s * 0.2), size=(s * 0.76, s * 0.08))
    Ellipse(pos=(x + s * 0.42, y + s * 0.06), size=(s * 0.16, s * 0.16))  # clapper
    Ellipse(pos=(x + s * 0.45, y + s * 0.82), size=(s * 0.1, s * 0.1))


def _home(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Triangle(points=[x + s * 0.08, y + s * 0.52, x + s * 0.92, y + s * 0.52, x + s * 0.5, y + s * 0.9])
    Rectangle(pos=(x + s * 0.2, y + s * 0.1), size=(s * 0.6, s * 0.44))
    Color(*accent)
    Rectangle(pos=(x + s * 0.42, y + s * 0.1), size=(s * 0.16, s * 0.26))  # door


def _question(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    w = max(2.0, s * 0.09)
    Line(circle=(x + s * 0.5, y + s * 0.64, s * 0.2, -90, 150), width=w, cap="round")
    Line(points=[x + s * 0.5, y + s * 0.44, x + s * 0.5, y + s * 0.32], width=w, cap="round")
    Ellipse(pos=(x + s * 0.43, y + s * 0.08), size=(s * 0.14, s * 0.14))


def _renew(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    w = max(2.0, s * 0.08)
    cx, cy, r = x + s / 2, y + s / 2, s * 0.32
    Line(circle=(cx, cy, r, 20, 160), width=w)
    Line(circle=(cx, cy, r, 200, 340), width=w)
    a = s * 0.13  # arrow heads at the ends of the two arcs
    Triangle(points=[cx - r - a, cy + s * 0.1, cx - r + a, cy + s * 0.1, cx - r, cy - s * 0.06])
    Triangle(points=[cx + r - a, cy - s * 0.1, cx + r + a, cy - s * 0.1, cx + r, cy + s * 0.06])


def _receipt(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Rectangle(pos=(x + s * 0.22, y + s * 0.08), size=(s * 0.56, s * 0.84))
    Color(*accent)
    for i in range(4):
        Rectangle(pos=(x + s * 0.3, y + s * (0.72 - 0.15 * i)), size=(s * (0.4 - 0.05 * (i % 2)), s * 0.06))


def _no_receipt(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    _receipt(x, y, s, fg, accent)
    Color(*fg)
    Line(points=[x + s * 0.08, y + s * 0.08, x + s * 0.92, y + s * 0.92], width=max(2.0, s * 0.07))
    Color(*accent)
    Line(points=[x + s * 0.1, y + s * 0.06, x + s * 0.94, y + s * 0.9], width=max(1.0, s * 0.03))


def _exit(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    """A door with an arrow leaving it: 'I am finished'."""
    Color(*fg)
    w = max(2.0, s * 0.07)
    Line(rectangle=(x + s * 0.12, y + s * 0.1, s * 0.42, s * 0.8), width=w)
    Line(points=[x + s * 0.4, y + s * 0.5, x + s * 0.88, y + s * 0.5], width=w, cap="round")
    Triangle(points=[x + s * 0.95, y + s * 0.5, x + s * 0.76, y + s * 0.64, x + s * 0.76, y + s * 0.36])


def _clock(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    w = max(2.0, s * 0.07)
    Line(circle=(x + s / 2, y + s / 2, s * 0.4), width=w)
    Line(points=[x + s / 2, y + s * 0.78, x + s / 2, y + s / 2, x + s * 0.72, y + s * 0.38],
         width=w, cap="round", joint="round")


def _warning(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Triangle(points=[x + s * 0.05, y + s * 0.1, x + s * 0.95, y + s * 0.1, x + s * 0.5, y + s * 0.92])
    Color(*accent)
    Rectangle(pos=(x + s * 0.46, y + s * 0.38), size=(s * 0.08, s * 0.32))
    Ellipse(pos=(x + s * 0.45, y + s * 0.18), size=(s * 0.1, s * 0.1))


def _scan(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    """A barcode with the red scanning line."""
    Color(*fg)
    widths = (0.04, 0.02, 0.06, 0.02, 0.04, 0.06, 0.02, 0.04, 0.02, 0.06)
    px = x + s * 0.12
    for w in widths:
        Rectangle(pos=(px, y + s * 0.2), size=(s * w, s * 0.6))
        px += s * (w + 0.035)
    Color(*accent)
    Rectangle(pos=(x + s * 0.04, y + s * 0.47), size=(s * 0.92, s * 0.06))


def _contrast(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Ellipse(pos=(x + s * 0.1, y + s * 0.1), size=(s * 0.8, s * 0.8), angle_start=0, angle_end=180)
    Line(circle=(x + s / 2, y + s / 2, s * 0.4), width=max(2.0, s * 0.05))


# Languages are shown by their own letters in a speech bubble, not by national flags: in
# Kazakhstan Russian is a language of the country, not of another state.
LANGUAGE_LETTERS = {"kk": "ҚАЗ", "ru": "РУС", "en": "ENG"}


def _speech_bubble(x: float, y: float, s: float, fg: tuple, accent: tuple, text: str) -> None:
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui.fonts import FONT_BOLD

    Color(*fg)
    RoundedRectangle(pos=(x + s * 0.02, y + s * 0.24), size=(s * 0.96, s * 0.6),
                     radius=[s * 0.14])
    Triangle(points=[x + s * 0.2, y + s * 0.26, x + s * 0.42, y + s * 0.26, x + s * 0.18, y + s * 0.08])
    label = CoreLabel(text=text, font_name=FONT_BOLD, font_size=max(6.0, s * 0.3))
    label.refresh()
    texture = label.texture
    Color(*accent)
    w, h = texture.size
    Rectangle(texture=texture, pos=(x + (s - w) / 2, y + s * 0.54 - h / 2), size=(w, h))


def _lang_kk(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    _speech_bubble(x, y, s, fg, accent, LANGUAGE_LETTERS["kk"])


def _lang_ru(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    _speech_bubble(x, y, s, fg, accent, LANGUAGE_LETTERS["ru"])


def _lang_en(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    _speech_bubble(x, y, s, fg, accent, LANGUAGE_LETTERS["en"])


def _person(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    Ellipse(pos=(x + s * 0.34, y + s * 0.58), size=(s * 0.32, s * 0.32))
    Ellipse(pos=(x + s * 0.18, y + s * 0.02), size=(s * 0.64, s * 0.62), angle_start=-90, angle_end=90)


def _globe(x: float, y: float, s: float, fg: tuple, accent: tuple) -> None:
    Color(*fg)
    w = max(2.0, s * 0.06)
    cx, cy, r = x + s / 2, y + s / 2, s * 0.42
    Line(circle=(cx, cy, r), width=w)
    Line(ellipse=(cx - r * 0.45, cy - r, r * 0.9, 2 * r), width=w)
    Line(points=[cx, cy - r, cx, cy + r], width=w)
    Line(points=[cx - r, cy, cx + r, cy], width=w)
    for dy in (0.55, -0.55):
        half = r * (1 - dy * dy) ** 0.5
        Line(points=[cx - half, cy + r * dy, cx + half, cy + r * dy], width=w)


ICONS: dict[str, Painter] = {
    "globe": _globe,
    "book": _book,
    "card": _card,
    "check": _check,
    "cross": _cross,
    "bell": _bell,
    "home": _home,
    "question": _question,
    "renew": _renew,
    "receipt": _receipt,
    "no_receipt": _no_receipt,
    "exit": _exit,
    "clock": _clock,
    "warning": _warning,
    "scan": _scan,
    "contrast": _contrast,
    "lang_kk": _lang_kk,
    "lang_ru": _lang_ru,
    "lang_en": _lang_en,
    "person": _person,
}


class Icon(Widget):
    """A square picture centred in the widget."""

    name = StringProperty("book")
    color = ColorProperty(BLACK)
    accent = ColorProperty(WHITE)
    framed = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        trigger = Clock.create_trigger(self._redraw, -1)  # once per frame
        self.bind(pos=trigger, size=trigger, name=trigger, color=trigger, accent=trigger)
        self._redraw()

    def _redraw(self, *_: object) -> None:
        self.canvas.clear()
        s = min(self.width, self.height)
        if s <= 0:
            return
        x = self.x + (self.width - s) / 2
        y = self.y + (self.height - s) / 2
        painter = ICONS.get(self.name)
        if painter is None:
            return
        with self.canvas:
            painter(x, y, s, tuple(self.color), tuple(self.accent))
