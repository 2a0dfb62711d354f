"""The UI's public query API, for `kiosk script`, the bench and tests (nothing here is
used by the patron's path):

    find(root, tap_id)       the tappable widget on screen with that id, or None
    tappable_ids(root)       ids of what can be tapped, in tree order
    visible_texts(root)      the words on screen
    on_screen(root)          what is shown: screen, texts with font files and boxes, tappables with
                             window rectangles, pictures, focus, what the View held, and
                             the texts the retained widgets still hold (privacy checks)
    tap(root, tap_id)        a touch at the widget's centre through Kivy's event loop
    live_counts()            Kivy widgets and textures alive (gc), for the memory checks
"""

from __future__ import annotations

import gc
from typing import Any

from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.icons import Icon
from kiosk.ui.widgets import Action, Text, measured_words, tappables


def find(root: Widget, tap_id: str) -> Action | None:
    for w in tappables(root):
        if w.tap_id == tap_id:
            return w
    return None


def tappable_ids(root: Widget) -> list[str]:
    return [w.tap_id for w in tappables(root)]


def visible_texts(root: Widget) -> list[str]:
    return [w.text for w in root.walk(restrict=True) if isinstance(w, Text) and w.text]


def font_file(font_name: str) -> str:
    from kiosk.ui.fonts import FONT_BOLD, FONT_NAME, font_paths

    regular, bold = font_paths()
    return {FONT_NAME: regular, FONT_BOLD: bold, "Roboto": regular}.get(font_name, font_name)


def retained(root: Any) -> list[Widget]:
    """Every widget the root keeps, on screen or not (screens, parts, pooled rows)."""
    tops: list[Widget] = [root.top_bar, root.actions, root.side_notice, root.warning,
                          root.shared.notice, root.shared.busy, *root.actions.buttons]
    for screen in root.screens.values():
        tops.append(screen)
        for value in vars(screen).values():
            rows = getattr(value, "rows", value)
            if isinstance(rows, Widget):
                tops.append(rows)
            elif isinstance(rows, list):
                tops += [w for w in rows if isinstance(w, Widget)]
    seen: dict[int, Widget] = {}
    for top in tops:
        for w in top.walk(restrict=True):
            seen.setdefault(id(w), w)
    return list(seen.values())


def kept_texts(root: Any) -> list[str]:
    """The words every retained label holds, shown or not (none of a patron after logout)."""
    return [w.text for w in retained(root) if isinstance(w, Label) and w.text]


def on_screen(root: Any) -> dict[str, Any]:
    texts = [{"text": w.text, "font": font_file(w.font_name), **text_box(w)}
             for w in root.walk(restrict=True) if isinstance(w, Label) and w.text]
    taps = []
    for w in tappables(root):
        x, y = w.to_window(w.x, w.y)
        taps.append({"id": w.tap_id, "x": x, "y": y, "w": w.width, "h": w.height})
    icons = sorted({w.name for w in root.walk(restrict=True) if isinstance(w, Icon)})
    view = root.view
    return {"screen": view.screen, "lang": view.lang, "contrast": view.contrast,
            "icons": icons, "reader_name": view.reader_name,
            "kept_texts": kept_texts(root), "measured_words": measured_words(),
            "loan_titles": [loan.title for loan in view.loans],
            "waiting_titles": [w.title for w in view.waiting],
            "notice": view.notice.msg if view.notice else None,
            "warning": view.warning_remaining_s,
            "window": [root.width, root.height], "px_per_mm": root.metrics.px_per_mm,
            "bottom_margin_px": root.metrics.bottom_margin_px,
            "focused": view.focused.id if view.focused else None,
            "texts": texts, "tappables": taps}


def text_box(label: Label) -> dict[str, Any]:
    """A label's box in window pixels, the size of the words drawn in it (its texture),
    whether Kivy may shorten them with an ellipsis, and whether they were shortened."""
    x, y = label.to_window(label.x, label.y)
    tw, th = label.texture_size
    core = getattr(label, "_label", None)
    drawn = "".join(word.text for line in getattr(core, "_cached_lines", []) or []
                    for word in line.words) if core is not None else label.text
    return {"box": [x, y, label.width, label.height], "texture": [tw, th],
            "shorten": bool(label.shorten),
            "ellipsis": bool(label.shorten) and drawn.rstrip().endswith("...")}


def tap(root: Any, tap_id: str) -> str | None:
    """Touch the widget `tap_id` at its centre through Kivy's event loop, as a finger
    would; None when the widget got the tap, else why not (not on screen, covered)."""
    from kivy.base import EventLoop

    widget = find(root, tap_id)
    if widget is None:
        ids = ", ".join(tappable_ids(root)) or "none"
        return (f"tap {tap_id}: no such widget on screen {root.view.screen!r} "
                f"(tappable: {ids})")
    heard: list[str] = []
    listen = heard.append
    root.add_tap_listener(listen)
    try:
        x, y = widget.to_window(widget.center_x, widget.center_y)
        touch = _touch_class()(x, y)
        EventLoop.post_dispatch_input("begin", touch)
        EventLoop.post_dispatch_input("end", touch)
    finally:
        root.remove_tap_listener(listen)
    if tap_id not in heard:
        return f"tap {tap_id}: the widget did not get the touch (covered?)"
    return None


def live_counts() -> dict[str, int]:
    """Kivy widgets, textures and canvas instructions alive (after a gc pass)."""
    from kivy.graphics.instructions import Instruction
    from kivy.graphics.texture import Texture

    gc.collect()
    counts = {"widgets": 0, "textures": 0, "instructions": 0}
    for obj in gc.get_objects():
        kind = type(obj)  # never isinstance: a dead weak proxy raises on it
        if issubclass(kind, Widget):
            counts["widgets"] += 1
        elif issubclass(kind, Texture):
            counts["textures"] += 1
        elif issubclass(kind, Instruction):
            counts["instructions"] += 1
    return counts


_TOUCH: Any = None


def _touch_class() -> Any:
    global _TOUCH
    if _TOUCH is None:
        from kivy.input.motionevent import MotionEvent

        class Touch(MotionEvent):
            """A finger at window pixel (x, y), delivered through Kivy's event loop."""

            def __init__(self, x: float, y: float) -> None:
                from kivy.core.window import Window

                super().__init__("kiosk-script", id(self),
                                 {"x": x / max(1.0, Window.width - 1.0),
                                  "y": y / max(1.0, Window.height - 1.0)},
                                 is_touch=True, type_id="touch")

            def depack(self, args: dict[str, float]) -> None:
                self.is_touch = True
                self.sx = args["x"]
                self.sy = args["y"]
                self.profile = ["pos"]
                super().depack(args)

        _TOUCH = Touch
    return _TOUCH
