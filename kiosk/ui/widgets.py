"""Building blocks: a tappable action (picture + words + focus ring), a text label in
the kiosk font, a panel, a loan row. Every tappable widget carries a stable `tap_id`
(contracts.md) so scripts and tests find it in the live widget tree."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from kivy.clock import Clock
from kivy.graphics import Color, Line, Mesh
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.fonts import FONT_BOLD, FONT_NAME
from kiosk.ui.icons import Icon
from kiosk.ui.theme import Theme


def rgba(rgb: tuple[float, float, float], alpha: float = 1.0) -> tuple[float, float, float, float]:
    return (rgb[0], rgb[1], rgb[2], alpha)


class Text(Label):
    """A wrapping label in the kiosk font; its height follows its text when `fit` is set.
    With `whole_words` the font shrinks until the widest word fits the width, so a word is
    never broken in the middle (Kivy breaks a word that is wider than the label).

    Retained: built once, its `text`, `base_size` and colour are updated in place. A
    `private` label (names, titles) is blanked by its screen when it leaves the screen;
    a blank label holds no texture."""

    fit = BooleanProperty(False)
    whole_words = BooleanProperty(True)
    fill_box = BooleanProperty(False)  # shrink the font until the text fits the height
    base_size = NumericProperty(0)  # the designed size; font_size is what fits
    private = BooleanProperty(False)  # shows patron data: blanked when it leaves the screen

    def __init__(self, **kwargs: object) -> None:
        self._wipe_later = Clock.create_trigger(self._wipe_unshown, WIPE_AFTER_S)
        kwargs.setdefault("font_name", FONT_NAME)
        kwargs.setdefault("halign", "left")
        kwargs.setdefault("valign", "middle")
        super().__init__(**kwargs)
        if not self.base_size:
            self.base_size = self.font_size
        self.bind(size=self._wrap, text=self._wrap, base_size=self._wrap,
                  texture_size=self._fit_height)
        self._wrap()

    def _wrap(self, *_: object) -> None:
        size = self.base_size
        if self.text and self.whole_words and self.width > 1:
            size = fitting_font_size(self.text, self.font_name, size,
                                     self.width - self.padding[0] - self.padding[2])
        if self.text and self.fill_box and self.width > 1 and self.height > 1:
            size = box_font_size(self.text, self.font_name, size,
                                 self.width - self.padding[0] - self.padding[2],
                                 self.height - self.padding[1] - self.padding[3])
        self.font_size = size
        self.text_size = (max(1, self.width), None if self.fit else max(1, self.height))

    def texture_update(self, *args: object) -> None:
        """Each label owns at most two textures of its box's size and draws new words
        into the one not on screen. Kivy alone would either blit into the texture on
        screen (a software GL then waits for the frame drawing from it) or, with a new
        size, make a new texture; and every texture made and deleted leaves ~its size
        behind in Mesa's llvmpipe. Blank: no texture shown; a private label's kept ones
        are wiped a moment later (WIPE_AFTER_S)."""
        label = self._label
        shown = self.texture
        spare = next((t for t in self._textures if t is not shown), None)  # the oldest
        if spare is not None:
            spare.ask_update(None)  # a fill still pending from older words: not wanted
        label.texture = spare
        super().texture_update(*args)
        made = label.texture
        if made is not None and made.width > 1 and made.height > 1 and made not in self._textures:
            self._textures = [*[t for t in self._textures if t is not made][-(KEPT - 1):], made]
        elif made is not None and made in self._textures:
            self._textures = [*[t for t in self._textures if t is not made], made]  # newest last
        if not self.text:
            label.texture = None
            if self.private:
                self._wipe_later()

    def _wipe_unshown(self, *_: object) -> None:
        for t in self._textures:
            if t is not self.texture:
                wipe(t)

    _textures: list = []  # oldest first  # noqa: RUF012 - replaced per instance, never mutated

    def _fit_height(self, *_: object) -> None:
        if self.fit:
            self.height = self.texture_size[1]


def wipe(texture: object) -> None:
    """Overwrite a texture's pixels (a patron's name must not stay in GPU memory)."""
    w, h = texture.size  # type: ignore[attr-defined]
    texture.ask_update(None)  # type: ignore[attr-defined]  # no pending fill of old words
    texture.blit_buffer(bytes(int(w) * int(h) * 4), colorfmt="rgba")  # type: ignore[attr-defined]


@lru_cache(maxsize=64)
def _measurer(font_name: str, size: float) -> object:
    from kivy.core.text import Label as CoreLabel

    return CoreLabel(font_size=size, font_name=font_name)


# A texture the last frames drew from cannot be overwritten at once: the GL waits until
# those frames are rasterised (llvmpipe: 40-280 ms per wipe at logout, 0.03-0.2 ms a
# second later), so a blank label wipes its textures once the screen has moved on.
WIPE_AFTER_S = 1.0
KEPT = 2  # textures per label: the one shown and a spare
WORD_CACHE = 1024  # measured words kept (bounded; dropped at every logout)


@lru_cache(maxsize=WORD_CACHE)
def _word_width(word: str, font_name: str, size: float) -> float:
    return _measurer(font_name, size).get_extents(word)[0]  # type: ignore[attr-defined]


def measured_words() -> int:
    """How many word widths are cached (for the privacy checks: 0 after a logout)."""
    return _word_width.cache_info().currsize


LINE_HEIGHT = 1.25  # DejaVu Sans: a line is about 1.17 em; a little room to spare


def box_font_size(text: str, font_name: str, size: float, width: float, height: float) -> float:
    """The largest size <= `size` (down to 10 px) at which `text`, wrapped at word
    boundaries, fits in width x height. Measures words, never renders the text."""
    words = text.split()
    while size > 10:
        room = width * 0.95
        lines, used = 1, 0.0
        space = _word_width(" ", font_name, size)
        for word in words:
            w = _word_width(word, font_name, size)
            if used and used + space + w > room:
                lines, used = lines + 1, w
            else:
                used += (space if used else 0) + w
        if lines * size * LINE_HEIGHT <= height and all(
                _word_width(w, font_name, size) <= room for w in words):
            return size
        size = max(10.0, font_step(size * 0.92))
    return size


# fitted sizes are rounded down to these steps (about 8 % apart): every distinct size is
# a font SDL_ttf opens and caches, and a texture Kivy cannot share
FONT_STEPS = tuple(round(8 * 1.08 ** k, 1) for k in range(40))


def font_step(size: float) -> float:
    """The largest step <= `size` (sizes below the smallest step are kept)."""
    best = size
    for step in FONT_STEPS:
        if step > size:
            break
        best = step
    return best


def forget_words() -> None:
    _word_width.cache_clear()


def fitting_font_size(text: str, font_name: str, size: float, width: float) -> float:
    """The largest size <= `size` at which every word of `text` fits in `width` pixels."""
    words = text.split()
    if not words or width <= 0:
        return size
    widest = max(_word_width(w, font_name, size) for w in words)
    room = width * 0.9  # Kivy's line breaking needs a little more than the measured extent
    if widest <= room:
        return size
    return font_step(max(8.0, size * room / widest))


CORNER_STEPS = 8  # straight pieces per rounded corner


def rounded_outline(x: float, y: float, w: float, h: float, r: float) -> list[tuple[float, float]]:
    """The points around a rounded box, anticlockwise from the bottom of its right edge;
    every corner has the same number of points, so two outlines pair up point by point."""
    r = max(0.0, min(r, w / 2, h / 2))
    centres = ((x + w - r, y + r, -90), (x + w - r, y + h - r, 0),
               (x + r, y + h - r, 90), (x + r, y + r, 180))
    points = []
    for cx, cy, start in centres:
        for k in range(CORNER_STEPS + 1):
            a = math.radians(start + 90 * k / CORNER_STEPS)
            points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _vertices(points: list[tuple[float, float]]) -> list[float]:
    return [v for px, py in points for v in (px, py, 0.0, 0.0)]


class Framed(Widget):
    """Draws a filled rounded box with an edge, and a thick focus ring when focused. The
    canvas instructions are made once and updated (a focus move changes two numbers).

    The edge is a band of triangles around the fill, which is a fan inside it: every pixel
    is painted once. A software GL (llvmpipe) pays for every painted pixel (a layer over
    the whole window costs ~3.5 ms at 1280x800), so an edge box under an inset fill cost
    each panel's area twice; a wide rounded Line costs ~0.5-1 ms a frame (two per button
    were 70 % of every frame once). The ring is the one Line left, and only while
    focused."""

    fill = ColorProperty((1, 1, 1, 1))
    edge = ColorProperty((0, 0, 0, 1))
    ring = ColorProperty((1, 0.5, 0, 1))
    focused = BooleanProperty(False)
    edge_width = NumericProperty(2)
    ring_width = NumericProperty(6)
    radius = NumericProperty(16)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            self._ring_color = Color(0, 0, 0, 0)
            self._ring = Line(width=1)
            self._edge_color = Color(0, 0, 0, 1)
            self._edge = Mesh(mode="triangle_strip")
            self._fill_color = Color(1, 1, 1, 1)
            self._fill = Mesh(mode="triangle_fan")
        # one update per frame however often layout moves the widget
        self._trigger_draw = Clock.create_trigger(self._draw, -1)
        self.bind(pos=self._trigger_draw, size=self._trigger_draw, fill=self._trigger_draw,
                  edge=self._trigger_draw, focused=self._trigger_draw, ring=self._trigger_draw,
                  edge_width=self._trigger_draw, ring_width=self._trigger_draw,
                  radius=self._trigger_draw)
        self._draw()

    def _draw(self, *_: object) -> None:
        if self.focused:
            gap = self.ring_width * 0.8  # inside the 2.5 mm margins around buttons
            self._ring_color.rgba = self.ring
            self._ring.width = self.ring_width
            self._ring.rounded_rectangle = (self.x - gap, self.y - gap, self.width + 2 * gap,
                                            self.height + 2 * gap, self.radius + gap)
        else:
            self._ring_color.rgba = (0, 0, 0, 0)
            self._ring.points = []  # an invisible wide line still costs its triangles
        w, h = float(self.width), float(self.height)
        edge = min(max(0.0, float(self.edge_width)), w / 2, h / 2)
        inner = rounded_outline(self.x + edge, self.y + edge, w - 2 * edge, h - 2 * edge,
                                self.radius - edge)
        self._fill_color.rgba = self.fill
        self._fill.vertices = _vertices(inner)
        self._fill.indices = list(range(len(inner)))
        self._edge_color.rgba = self.edge
        if edge <= 0:
            self._edge.vertices, self._edge.indices = [], []
            return
        outer = rounded_outline(self.x, self.y, w, h, self.radius)
        band = [p for pair in zip(outer, inner, strict=True) for p in pair]
        band += band[:2]  # closed: back to the first pair
        self._edge.vertices = _vertices(band)
        self._edge.indices = list(range(len(band)))


class Panel(Framed, BoxLayout):
    pass


class Shield(Panel):
    """A panel over other widgets that keeps touches from reaching them (the timeout
    warning: touching it only says "I am still here")."""

    def on_touch_down(self, touch: object) -> bool:
        return bool(self.collide_point(*touch.pos)) or super().on_touch_down(touch)  # type: ignore[attr-defined]


STYLES = ("primary", "secondary", "panel")


def style_colours(theme: Theme, style: str) -> tuple[tuple, tuple]:
    """(fill, text colour) of a button style."""
    fill, fg = {
        "primary": (theme.primary, theme.primary_text),
        "secondary": (theme.secondary, theme.secondary_text),
        "panel": (theme.panel, theme.panel_text),
    }[style]
    return rgba(fill), rgba(fg)


class Action(ButtonBehavior, Framed, BoxLayout):
    """One thing a patron can do: a picture and a few words. Tap fires `tap_handler(tap_id)`.
    Built once; `show(...)` gives it another id, picture, words or theme in place."""

    tap_id = StringProperty("")
    tap_handler = ObjectProperty(None, allownone=True)
    picture: Icon | None = None
    label: Text | None = None

    def on_release(self) -> None:
        if self.tap_handler is not None and self.tap_id:
            self.tap_handler(self.tap_id)

    def show(self, tap_id: str, icon: str, words: str, theme: Theme, style: str = "secondary") -> None:
        fill, fg = style_colours(theme, style)
        self.tap_id = tap_id
        self.fill, self.edge, self.ring = fill, rgba(theme.edge), rgba(theme.focus)
        self.edge_width = 3 if theme.name == "contrast" else 2
        if self.picture is not None:
            self.picture.name, self.picture.color, self.picture.accent = icon, fg, fill
        if self.label is not None:
            self.label.text, self.label.color = words, fg


def make_action(
    tap_id: str,
    icon: str,
    words: str,
    theme: Theme,
    on_tap: Callable[[str], None] | None,
    *,
    style: str = "secondary",
    font_size: float = 28,
    vertical: bool = False,
    ring_width: float = 6,
    **kwargs: object,
) -> Action:
    fill, fg = style_colours(theme, style)
    action = Action(
        tap_id=tap_id, tap_handler=on_tap, fill=fill, edge=rgba(theme.edge),
        ring=rgba(theme.focus), ring_width=ring_width, edge_width=3 if theme.name == "contrast" else 2,
        orientation="vertical" if vertical else "horizontal",
        padding=(font_size * 0.4,) * 4, spacing=font_size * 0.4, **kwargs,
    )
    picture = Icon(name=icon, color=fg, accent=fill, size_hint=(None, None))
    label = Text(text=words, color=fg, font_name=FONT_BOLD, font_size=font_size,
                 halign="center" if vertical else "left", fill_box=True)
    if vertical:  # picture above one line of words
        action.padding = (font_size * 0.3, font_size * 0.25, font_size * 0.3, font_size * 0.15)
        action.spacing = 0
        picture.size_hint = (1, 0.54)
        label.size_hint = (1, 0.46)
    else:

        def square(*_: object) -> None:
            side = action.height - 2 * font_size * 0.4
            picture.size = (side, side)

        action.bind(height=square)
        square()
    action.add_widget(picture)
    action.add_widget(label)
    action.picture, action.label = picture, label
    return action


def arrange(box: Widget, widgets: list[Widget]) -> None:
    """Make `widgets` the children of `box`, in this order, moving retained widgets
    (never making any). Nothing changes when they already are."""
    current = list(reversed(box.children))
    if current == widgets:
        return
    box.clear_widgets()
    for widget in widgets:
        if widget.parent is not None:
            widget.parent.remove_widget(widget)
        box.add_widget(widget)


def blank_private(root: Widget) -> None:
    """Blank every private label under root (names, titles): no texture, no patron data."""
    for w in root.walk(restrict=True):
        if isinstance(w, Text) and w.private:
            w.text = ""


def tappables(root: Widget) -> list[Action]:
    """Every tappable widget under root, in tree order."""
    return [w for w in root.walk(restrict=True) if isinstance(w, Action)]
