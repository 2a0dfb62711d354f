"""The root widget: draws a View and turns touches into taps for the session.

Layout (landscape): a top bar (languages, contrast, help, call staff), the screen's
content on the left, its actions in a column on the right, and an empty strip along the
bottom edge where nothing is tappable (resting wrists). Portrait puts the actions under
the content.

Retained: every part and every screen is built once (at start or first use) and updated
in place from the View; a View equal to the one on screen does nothing, and a part whose
View fields did not change is not touched. The focus ring is applied on every render.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from typing import Any

from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.core.view import View
from kiosk.ui import query
from kiosk.ui.parts import ActionColumn, TopBar, TopItem, WarningPanel
from kiosk.ui.screens import (
    LANGUAGE_BUTTONS,
    ActionSpec,
    Ctx,
    NoticePanel,
    Screen,
    Shared,
    actions_for,
    screen_classes,
)
from kiosk.ui.texts import button_words
from kiosk.ui.theme import Metrics, theme_for
from kiosk.ui.widgets import Action, blank_private, forget_words, rgba

Rect = tuple[float, float, float, float]
PART_ORDER = ("top", "content", "notice", "actions", "warning")  # bottom to top
IDLE_SCREENS = ("attract", "out_of_order")


class KioskRoot(FloatLayout):
    """Draws Views. `on_tap(id)` gets every tap, `on_activity()` every touch."""

    def __init__(self, metrics: Metrics, on_tap: Callable[[str], None],
                 on_activity: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self._on_tap = on_tap
        self._on_activity = on_activity
        self._tap_listeners: list[Callable[[str], None]] = []
        self._activity_listeners: list[Callable[[], None]] = []
        self.view = View()
        self._drawn = False
        self._keys: dict[str, Any] = {}
        self._parts: dict[str, Widget] = {}
        self.last_render_ms = 0.0
        self._button_h = metrics.mm(22)
        theme = theme_for(False)
        self.shared = Shared(self._tap)
        self.top_bar = TopBar(metrics, theme, self._tap)
        self.actions = ActionColumn(metrics, theme, self._tap)
        self.side_notice = NoticePanel(vertical=True)
        self.warning = WarningPanel()
        self.screens: dict[str, Screen] = {}
        self.screen: Screen | None = None
        self._background: tuple | None = None
        self.bind(size=self._resized, pos=self._resized)

    # --- input ------------------------------------------------------------------------

    def on_touch_down(self, touch: Any) -> bool:
        # the widgets first (the warning swallows a touch on itself), then the activity,
        # which may take the warning away
        handled = super().on_touch_down(touch)
        for listener in self._activity_listeners:
            listener()
        if self._on_activity is not None:
            self._on_activity()
        return handled

    def _tap(self, tap_id: str) -> None:
        for listener in self._tap_listeners:
            listener(tap_id)
        self._on_tap(tap_id)

    # --- drawing ----------------------------------------------------------------------

    def _resized(self, *_: Any) -> None:
        self.render(self.view, force=True)

    def _paint_background(self, color: tuple) -> None:
        """The background is the colour the window is cleared to each frame, not a
        rectangle drawn over the whole window: a software GL pays for every pixel of
        every layer (about 2 ms a frame at 1280x800 on llvmpipe)."""
        if color != self._background:
            from kivy.core.window import Window

            Window.clearcolor = color
            self._background = color

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def render(self, view: View, force: bool = False) -> None:
        if not force and self._drawn and view == self.view:
            return  # nothing changed: nothing is touched, nothing redrawn
        started = time.perf_counter()
        logout = view.screen in IDLE_SCREENS and self.view.screen not in IDLE_SCREENS
        self.view = view
        theme = theme_for(view.contrast)
        self._paint_background(rgba(theme.background))
        if self.width < 10 or self.height < 10:
            return
        self._drawn = True
        ctx = Ctx(view=view, theme=theme, metrics=self.metrics, portrait=self.portrait)
        geo = self._geometry(ctx)
        base = (view.lang, view.contrast, self.portrait, tuple(self.size))
        self._render_top(ctx, base, geo["top"], force)
        side = geo["side"][3] > 0 and view.screen in ("account", "summary")
        self._render_content(ctx, base, geo["content"], not side, force)
        self._render_side(ctx, base, geo["side"] if side else None, force)
        self._render_actions(ctx, base, geo["actions"], force)
        self._render_warning(ctx, geo["content"])
        self._apply_focus(view)
        if logout:
            self.forget_patron()
        self.last_render_ms = (time.perf_counter() - started) * 1000

    def _changed(self, name: str, key: Any, force: bool) -> bool:
        if not force and self._keys.get(name) == key:
            return False
        self._keys[name] = key
        return True

    def _render_top(self, ctx: Ctx, base: Any, rect: Rect, force: bool) -> None:
        # keyed by what the bar shows (not the screen or the focus list)
        items = self._top_items(ctx)
        if self._changed("top", (base, rect, items), force):
            self.top_bar.update(ctx, items, rect[2], self.portrait)
            self._place(self.top_bar, rect)
            self._show_part("top", self.top_bar if items else None)

    def _render_content(self, ctx: Ctx, base: Any, rect: Rect, in_flow: bool, force: bool) -> None:
        view = ctx.view
        screen = self._screen(view.screen)
        if screen is not self.screen:
            if self.screen is not None:
                self.screen.leave()
            self.screen = screen
            force = True
        shown = dataclasses.replace(view, focus=(), focus_index=-1, alert_state=None,
                                    warning_remaining_s=None, headphones=False,
                                    notice=view.notice if in_flow else None)
        if self._changed("content", (base, rect, shown, self._focus_page(view)), force):
            screen.update(Ctx(view=view, theme=ctx.theme, metrics=ctx.metrics,
                              portrait=ctx.portrait, height=rect[3], notice_in_flow=in_flow))
            self._place(screen, rect)
            self._show_part("content", screen)

    def _render_side(self, ctx: Ctx, base: Any, rect: Rect | None, force: bool) -> None:
        """Landscape: the notice under the action buttons, picture above the words."""
        notice = ctx.view.notice if rect is not None else None
        if self._changed("notice", (base, rect, notice), force):
            panel = self.side_notice.show(ctx) if rect is not None else None
            if panel is None:
                self.side_notice.words.text = ""
            else:
                self._place(panel, rect)
            self._show_part("notice", panel)

    def _render_actions(self, ctx: Ctx, base: Any, rect: Rect, force: bool) -> None:
        specs = tuple((s.tap_id, s.icon, button_words(s.tap_id, s.msg, ctx.lang), s.style)
                      for s in self._action_specs(ctx.view))
        if self._changed("actions", (base, rect, self._button_h, specs), force):
            self.actions.update(ctx, list(specs), self._button_h, self.portrait)
            self._place(self.actions, rect)
            self._show_part("actions", self.actions if specs else None)

    def _render_warning(self, ctx: Ctx, rect: Rect) -> None:
        # the countdown changes once a second: the panel stays, its words are updated
        remaining = ctx.view.warning_remaining_s
        if remaining is not None:
            self.warning.update(ctx, remaining)
            h = min(rect[3] * 0.8, self.metrics.mm(56))
            m = self.metrics.mm(6)
            self._place(self.warning, (rect[0] + m, rect[1] + (rect[3] - h) / 2,
                                       rect[2] - 2 * m, h))
        self._show_part("warning", self.warning if remaining is not None else None)

    def _screen(self, name: str) -> Screen:
        screen = self.screens.get(name)
        if screen is None:
            classes = screen_classes()
            screen = self.screens[name] = classes.get(name, classes["attract"])(self.shared)
        return screen

    def _show_part(self, name: str, widget: Widget | None) -> None:
        """Put `widget` (or nothing) in the part's place, keeping the stacking order: the
        warning always on top. Widgets are moved, never made."""
        old = self._parts.get(name)
        if old is widget:
            return
        if old is not None:
            self.remove_widget(old)
            del self._parts[name]
        if widget is not None:
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
            self._parts[name] = widget
            later = PART_ORDER[PART_ORDER.index(name) + 1:]
            self.add_widget(widget, index=sum(1 for n in later if n in self._parts))

    @staticmethod
    def _focus_page(view: View) -> Any:
        # the loans list keeps the focused loan visible: its window moves with the focus
        f = view.focused
        return f.id if f is not None and f.id.startswith("loan:") else None

    def _geometry(self, ctx: Ctx) -> dict[str, Rect]:
        """Top bar, content, actions and the side notice. Everything tappable stays above
        the bottom margin; only the side notice (not tappable) reaches into it."""
        m = self.metrics
        pad = m.mm(2.5)
        bottom = m.bottom_margin_px
        w, h = self.width, self.height
        bar_rows = 2 if self.portrait else 1
        bar_h = bar_rows * m.mm(16) + (bar_rows + 1) * pad
        top: Rect = (pad, h - bar_h, w - 2 * pad, bar_h)
        specs = self._action_specs(ctx.view)
        below_bar = h - bar_h
        side: Rect = (0, 0, 0, 0)
        if self.portrait:
            rows = math.ceil(len(specs) / 2) if specs else 0
            self._button_h = m.mm(22)
            act_h = rows * m.mm(22) + max(rows - 1, 0) * pad
            actions: Rect = (pad, bottom, w - 2 * pad, act_h)
            cy = bottom + act_h + pad if rows else pad
            content: Rect = (pad, cy, w - 2 * pad, below_bar - cy)
        else:
            act_w = m.mm(62) if specs else 0
            n = len(specs)
            room = below_bar - pad - bottom
            gaps = max(n - 1, 0) * pad * 1.5
            # 22 mm buttons, smaller when many must fit above the bottom margin (never < 14 mm)
            self._button_h = max(m.mm(14), min(m.mm(22), (room - gaps) / n)) if n else m.mm(22)
            act_h = n * self._button_h + gaps
            actions = (w - pad - act_w, below_bar - pad - act_h, act_w, act_h)
            # loans are tappable too: the content also stays above the bottom margin
            content = (pad, bottom, w - 3 * pad - act_w if specs else w - 2 * pad,
                       below_bar - pad - bottom)
            side_h = actions[1] - pad - bottom * 0.5
            if specs and side_h > m.mm(30):
                side = (actions[0], bottom * 0.5, act_w, side_h)
        return {"top": top, "content": content, "actions": actions, "side": side}

    @staticmethod
    def _action_specs(view: View) -> list[ActionSpec]:
        specs = actions_for(view)
        if view.screen == "language":
            specs = [ActionSpec(i, icon, msg, "panel") for i, icon, msg in LANGUAGE_BUTTONS] + specs
        return [s for s in specs if _offered(view, s.tap_id)]

    @staticmethod
    def _place(widget: Widget, rect: Rect) -> Widget:
        widget.size_hint = (None, None)
        widget.pos = (rect[0], rect[1])
        widget.size = (rect[2], rect[3])
        return widget

    @staticmethod
    def _top_items(ctx: Ctx) -> tuple[TopItem, ...]:
        """The bar's buttons: (tap id, icon, words, style)."""
        view = ctx.view
        items: list[TopItem] = []
        if view.screen != "language":
            items += [(i, icon, button_words(i, msg, ctx.lang), "panel")
                      for i, icon, msg in LANGUAGE_BUTTONS]
            items.append(("language", "globe", button_words("language", "ui.action.language",
                                                             ctx.lang), "panel"))
        if view.alert_state in ("raised", "escalated"):
            call_words = ctx.t("ui.action.call_staff_called")
        elif view.alert_state == "acknowledged":
            call_words = ctx.t("ui.action.call_staff_coming")
        else:
            call_words = button_words("call_staff", "ui.action.call_staff", ctx.lang)
        items += [("contrast", "contrast", button_words("contrast", "ui.action.contrast", ctx.lang),
                   "secondary"),
                  ("help", "question", button_words("help", "ui.action.help", ctx.lang), "secondary"),
                  ("call_staff", "bell", call_words, "secondary")]
        return tuple(item for item in items if _offered(view, item[0]))

    def _apply_focus(self, view: View) -> None:
        focused = view.focused.id if view.focused else None
        for w in self.walk(restrict=True):
            if isinstance(w, Action):
                w.focused = w.tap_id == focused

    def forget_patron(self) -> None:
        """Logout: every screen not shown and every piece not on screen is blanked (no
        name, no title, no texture of them), and the measured words are dropped."""
        for screen in self.screens.values():
            if screen is not self.screen:
                screen.leave()
        for piece in (self.side_notice, self.shared.notice, self.shared.busy):
            if piece.parent is None:
                blank_private(piece)
        forget_words()

    def warm_up(self) -> None:
        """Build every screen once, so the first scan does not pay for making widgets
        (nor for Kivy's first-use costs: rule compilation, font loading)."""
        for name in screen_classes():
            self._screen(name)

    # --- queries (scripts, tests): kiosk.ui.query -------------------------------------

    def add_tap_listener(self, listener: Callable[[str], None]) -> None:
        """`listener(tap_id)` hears every tap before the session does."""
        self._tap_listeners.append(listener)

    def add_activity_listener(self, listener: Callable[[], None]) -> None:
        """`listener()` hears every touch."""
        self._activity_listeners.append(listener)

    def remove_tap_listener(self, listener: Callable[[str], None]) -> None:
        self._tap_listeners.remove(listener)

    def find(self, tap_id: str) -> Action | None:
        return query.find(self, tap_id)

    def visible_texts(self) -> list[str]:
        return query.visible_texts(self)

    def on_screen(self) -> dict[str, Any]:
        """What is on screen: see kiosk.ui.query.on_screen."""
        return query.on_screen(self)

    def tap(self, tap_id: str) -> str | None:
        """A touch at the widget's centre through Kivy's event loop; None when it reached
        the widget, else why not."""
        return query.tap(self, tap_id)


def _offered(view: View, tap_id: str) -> bool:
    """A button is drawn only when the session offers it on this screen (its focus list):
    a tap on anything drawn then always does something."""
    return any(f.id == tap_id for f in view.focus)
