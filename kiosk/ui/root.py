"""The root widget: draws a View and turns touches into taps for the session.

Layout (landscape): a top bar (languages, contrast, help, call staff), the screen's
content on the left, its actions in a column on the right, and an empty strip along the
bottom edge where nothing is tappable (resting wrists). Portrait puts the actions under
the content. Each part is rebuilt only when the View fields it shows have changed; the
focus ring is applied on every render.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.core.view import View
from kiosk.ui import screens
from kiosk.ui.fonts import FONT_BOLD
from kiosk.ui.icons import Icon
from kiosk.ui.screens import ActionSpec, Ctx
from kiosk.ui.texts import button_words
from kiosk.ui.theme import Metrics, theme_for
from kiosk.ui.widgets import Action, Shield, Text, forget_words, make_action, rgba

Rect = tuple[float, float, float, float]
PART_ORDER = ("top", "content", "notice", "actions", "warning")  # bottom to top
TOP_WEIGHTS = {"language_kk": 0.9, "language_ru": 0.9, "language_en": 0.9, "language": 0.75,
               "contrast": 0.95, "help": 0.8, "call_staff": 1.6}


class KioskRoot(FloatLayout):
    """Draws Views. `on_tap(id)` gets every tap, `on_activity()` every touch."""

    def __init__(self, metrics: Metrics, on_tap: Callable[[str], None],
                 on_activity: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self._on_tap = on_tap
        self._on_activity = on_activity
        self.view = View()
        self._keys: dict[str, Any] = {}
        self._parts: dict[str, Widget] = {}
        self.last_render_ms = 0.0
        self._button_h = metrics.mm(22)
        self._cache = screens.WidgetCache()
        self._warning_body: Text | None = None
        with self.canvas.before:
            self._bg_color = Color(1, 1, 1, 1)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(size=self._resized, pos=self._resized)

    # --- input ------------------------------------------------------------------------

    def on_touch_down(self, touch: Any) -> bool:
        # the widgets first (the warning swallows a touch on itself), then the activity,
        # which may take the warning away
        handled = super().on_touch_down(touch)
        if self._on_activity is not None:
            self._on_activity()
        return handled

    def _tap(self, tap_id: str) -> None:
        self._on_tap(tap_id)

    # --- drawing ----------------------------------------------------------------------

    def _resized(self, *_: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self.render(self.view, force=True)

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def render(self, view: View, force: bool = False) -> None:
        started = time.perf_counter()
        if view.screen in ("attract", "out_of_order") and self.view.screen != view.screen:
            forget_words()  # the measured words include names and titles: drop them
        self.view = view
        theme = theme_for(view.contrast)
        self._bg_color.rgba = rgba(theme.background)
        if self.width < 10 or self.height < 10:
            return
        ctx = Ctx(view=view, theme=theme, metrics=self.metrics, portrait=self.portrait)
        geo = self._geometry(ctx)
        base = (view.lang, view.contrast, self.portrait, tuple(self.size))
        # keyed by what the bar shows (not the screen or the focus list), so a scan that
        # only changes the content leaves the bar's widgets alone
        top_items = self._top_items(ctx)
        self._part("top", (base, tuple(geo["top"]), top_items), force,
                   lambda: self._top_bar(ctx, geo["top"], top_items))
        side = geo["side"][3] > 0 and view.screen in ("account", "summary")
        in_flow_notice = None if side else view.notice
        self._part("content", (base, view.screen, view.reader_name, view.loans, view.summary,
                               view.receipt_offered, view.busy, view.pending_scans,
                               view.help_layer, in_flow_notice, self._focus_page(view),
                               view if view.screen == "maintenance" else None), force,
                   lambda: self._content(ctx, geo["content"], not side))
        self._part("notice", (base, view.screen, view.notice if side else None), force,
                   lambda: self._side_notice(ctx, geo["side"]) if side else None)
        specs = self._action_specs(view)
        self._part("actions", (base, tuple(geo["actions"]), self._button_h, tuple(specs),
                               tuple(button_words(s.tap_id, s.msg, view.lang) for s in specs)),
                   force, lambda: self._actions(ctx, geo["actions"]))
        # the countdown changes every second: the panel stays, its words are updated
        remaining = view.warning_remaining_s
        self._part("warning", (base, remaining is not None), force,
                   lambda: self._warning(ctx, geo["content"]))
        if remaining is not None and self._warning_body is not None:
            self._warning_body.text = ctx.t("ui.warning.body", n=remaining)
        self._apply_focus(view)
        self.last_render_ms = (time.perf_counter() - started) * 1000

    @staticmethod
    def _focus_page(view: View) -> Any:
        # the loans list scrolls to keep the focused loan visible: rebuild when it moves
        # (rows are cached, so this is cheap)
        f = view.focused
        return f.id if f is not None and f.id.startswith("loan:") else None

    def _part(self, name: str, key: Any, force: bool, build: Callable[[], Widget | None]) -> None:
        if not force and self._keys.get(name) == key and name in self._parts:
            return
        old = self._parts.pop(name, None)
        if old is not None:
            self.remove_widget(old)
        self._keys[name] = key
        widget = build()
        if widget is not None:
            self._parts[name] = widget
            # keep the stacking order whatever is rebuilt: the warning always on top
            later = PART_ORDER[PART_ORDER.index(name) + 1:]
            self.add_widget(widget, index=sum(1 for n in later if n in self._parts))

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
            cols = 2
            rows = math.ceil(len(specs) / cols) if specs else 0
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
        specs = screens.actions_for(view)
        if view.screen == "language":
            specs = [ActionSpec(i, icon, msg, "panel") for i, icon, msg in screens.LANGUAGE_BUTTONS] + specs
        return [s for s in specs if _offered(view, s.tap_id)]

    @staticmethod
    def _place(widget: Widget, rect: Rect) -> Widget:
        widget.size_hint = (None, None)
        widget.pos = (rect[0], rect[1])
        widget.size = (rect[2], rect[3])
        return widget

    @staticmethod
    def _top_items(ctx: Ctx) -> tuple[tuple[str, str, str, str], ...]:
        """The bar's buttons: (tap id, icon, words, style)."""
        view = ctx.view
        items: list[tuple[str, str, str, str]] = []
        if view.screen != "language":
            items += [(i, icon, button_words(i, msg, ctx.lang), "panel")
                      for i, icon, msg in screens.LANGUAGE_BUTTONS]
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

    def _top_bar(self, ctx: Ctx, rect: Rect,
                 items: tuple[tuple[str, str, str, str], ...]) -> Widget:
        m = self.metrics
        pad = m.mm(2.5)
        if not items:
            return Widget(size_hint=(None, None), size=(0, 0))
        # every button keeps the width it has in the full bar: languages on the left, the
        # tools on the right, so a button is always in the same place
        langs = [i for i in items if i[0].startswith("language")]
        tools = [i for i in items if not i[0].startswith("language")]
        rows = [(langs, []), ([], tools)] if self.portrait else [(langs, tools)]
        lang_w = sum(v for k, v in TOP_WEIGHTS.items() if k.startswith("language"))
        tool_w = sum(TOP_WEIGHTS.values()) - lang_w
        # gaps: between the buttons and around the spacer that separates the two groups
        if self.portrait:
            unit = (rect[2] - pad * 4) / max(lang_w, tool_w)
        else:
            unit = (rect[2] - pad * len(TOP_WEIGHTS)) / (lang_w + tool_w)
        bar = BoxLayout(orientation="vertical", spacing=pad, padding=(0, pad, 0, pad))
        for left, right in rows:
            row = BoxLayout(orientation="horizontal", spacing=pad)
            for group in (left, right):
                if group is right:
                    row.add_widget(Widget())  # pushes the tools to the right edge
                for tap_id, icon, words, style in group:
                    row.add_widget(make_action(tap_id, icon, words, ctx.theme, self._tap,
                                               style=style, font_size=m.mm(3.4), vertical=True,
                                               ring_width=max(3.0, m.mm(1)), size_hint_x=None,
                                               width=unit * TOP_WEIGHTS.get(tap_id, 1.0)))
            bar.add_widget(row)
        return self._place(bar, rect)

    def _content(self, ctx: Ctx, rect: Rect, notice_in_flow: bool) -> Widget:
        ctx = Ctx(view=ctx.view, theme=ctx.theme, metrics=ctx.metrics, portrait=ctx.portrait,
                  height=rect[3], notice_in_flow=notice_in_flow, on_tap=self._tap,
                  cache=self._cache)
        build = screens.BUILDERS.get(ctx.view.screen, screens.attract)
        try:
            return self._place(build(ctx), rect)
        finally:
            self._cache.sweep()

    def _actions(self, ctx: Ctx, rect: Rect) -> Widget | None:
        specs = self._action_specs(ctx.view)
        if not specs:
            return None
        m = self.metrics
        pad = m.mm(2.5)
        if self.portrait:
            box: Widget = GridLayout(cols=2, spacing=pad)
        else:
            box = BoxLayout(orientation="vertical", spacing=pad * 1.5)
        for spec in specs:
            words = button_words(spec.tap_id, spec.msg, ctx.lang)
            box.add_widget(make_action(spec.tap_id, spec.icon, words, ctx.theme, self._tap,
                                       style=spec.style, font_size=m.mm(5),
                                       ring_width=max(3.0, m.mm(1)),
                                       size_hint_y=None, height=self._button_h))
        if not self.portrait:
            box.add_widget(Widget())  # keep the buttons at the top of the column
        return self._place(box, rect)

    def _side_notice(self, ctx: Ctx, rect: Rect) -> Widget | None:
        """Landscape: the notice under the action buttons, picture above the words."""
        panel = screens.notice_panel(ctx, vertical=True)
        if panel is None:
            return None
        return self._place(panel, rect)

    def _warning(self, ctx: Ctx, rect: Rect) -> Widget | None:
        remaining = ctx.view.warning_remaining_s
        self._warning_body = None
        if remaining is None:
            return None
        th = ctx.theme
        panel = Shield(orientation="vertical", fill=rgba(th.panel), edge=rgba(th.focus),
                      edge_width=max(4.0, self.metrics.mm(1.2)), padding=(self.metrics.mm(4),) * 4,
                      spacing=self.metrics.mm(2))
        title = self._icon_line(ctx, "clock", ctx.t("ui.warning.title"), th.panel_text,
                                self.metrics.mm(7))
        title.size_hint_y = None
        title.height = self.metrics.mm(16)
        panel.add_widget(title)
        body = Text(text=ctx.t("ui.warning.body", n=remaining), font_size=self.metrics.mm(5),
                    color=rgba(th.panel_text))
        panel.add_widget(body)
        self._warning_body = body
        h = min(rect[3] * 0.8, self.metrics.mm(56))
        m = self.metrics.mm(6)
        return self._place(panel, (rect[0] + m, rect[1] + (rect[3] - h) / 2, rect[2] - 2 * m, h))

    def _icon_line(self, ctx: Ctx, icon: str, words: str, color: Any, size: float) -> Widget:
        row = BoxLayout(orientation="horizontal", spacing=size * 0.5)
        row.add_widget(Icon(name=icon, color=rgba(color), accent=rgba(ctx.theme.panel),
                            size_hint=(None, 1), width=size * 2))
        row.add_widget(Text(text=words, font_size=size, color=rgba(color), font_name=FONT_BOLD))
        return row

    def _apply_focus(self, view: View) -> None:
        focused = view.focused.id if view.focused else None
        for w in self.walk(restrict=True):
            if isinstance(w, Action):
                w.focused = w.tap_id == focused

    def warm_up(self) -> None:
        """Build (and throw away) one of each kind of widget in both themes, so the first
        scan does not pay for Kivy's first-use costs (rule compilation, font loading)."""
        from kiosk.core.view import FocusItem, LoanRow, Notice, SummaryLine

        row = LoanRow("0", "Әә Ққ Аа Aa", "20260101", True, 0, "new")
        for contrast in (False, True):
            for view in (
                View(screen="account", contrast=contrast, reader_name="Әә", loans=(row,),
                     notice=Notice("refused", "ui.busy"), focus=(FocusItem("finish", ""),),
                     warning_remaining_s=1),
                View(screen="summary", contrast=contrast,
                     summary=(SummaryLine("refused", "0", "Әә", reason="unknown_item"),)),
            ):
                ctx = Ctx(view=view, theme=theme_for(contrast), metrics=self.metrics,
                          portrait=self.portrait, on_tap=lambda _id: None)
                screens.BUILDERS[view.screen](ctx)
                screens.notice_panel(ctx, vertical=True)
                self._warning(ctx, (0, 0, 400, 400))
        self._warning_body = None
        forget_words()

    # --- queries (scripts, tests) -----------------------------------------------------

    def find(self, tap_id: str) -> Action | None:
        for w in self.walk(restrict=True):
            if isinstance(w, Action) and w.tap_id == tap_id:
                return w
        return None

    def visible_texts(self) -> list[str]:
        return [w.text for w in self.walk(restrict=True) if isinstance(w, Text) and w.text]


def _offered(view: View, tap_id: str) -> bool:
    """A button is drawn only when the session offers it on this screen (its focus list):
    a tap on anything drawn then always does something."""
    return any(f.id == tap_id for f in view.focus)
