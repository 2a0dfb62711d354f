"""The root's retained parts around the screen: the top bar, the action column and the
inactivity warning. Built once (the action column grows to the most buttons a screen
offers: five), updated in place."""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui.fonts import FONT_BOLD
from kiosk.ui.icons import Icon
from kiosk.ui.screens import Ctx
from kiosk.ui.theme import Metrics, Theme
from kiosk.ui.widgets import Action, Shield, Text, arrange, make_action, rgba

TopItem = tuple[str, str, str, str]  # (tap id, icon, words, style)
TOP_WEIGHTS = {"language_kk": 0.9, "language_ru": 0.9, "language_en": 0.9, "language": 0.75,
               "contrast": 0.95, "help": 0.8, "call_staff": 1.6}


class TopBar(BoxLayout):
    """Languages on the left, the tools on the right; one row (landscape) or two. Every
    button keeps the width it has in the full bar, so it is always in the same place."""

    def __init__(self, metrics: Metrics, theme: Theme, on_tap: Callable[[str], None]) -> None:
        super().__init__(orientation="vertical")
        self.metrics = metrics
        m = metrics
        self.buttons = {tap_id: make_action(tap_id, "globe", "", theme, on_tap, style="panel",
                                            font_size=m.mm(3.4), vertical=True,
                                            ring_width=max(3.0, m.mm(1)), size_hint_x=None)
                        for tap_id in TOP_WEIGHTS}
        self.rows = [BoxLayout(orientation="horizontal"), BoxLayout(orientation="horizontal")]
        self.spacers = [Widget(), Widget()]

    def update(self, ctx: Ctx, items: tuple[TopItem, ...], width: float, portrait: bool) -> None:
        pad = self.metrics.mm(2.5)
        self.spacing, self.padding = pad, (0, pad, 0, pad)
        for tap_id, icon, words, style in items:
            self.buttons[tap_id].show(tap_id, icon, words, ctx.theme, style)
        lang_w = sum(v for k, v in TOP_WEIGHTS.items() if k.startswith("language"))
        tool_w = sum(TOP_WEIGHTS.values()) - lang_w
        if portrait:
            unit = (width - pad * 4) / max(lang_w, tool_w)
        else:
            unit = (width - pad * len(TOP_WEIGHTS)) / (lang_w + tool_w)
        for tap_id, button in self.buttons.items():
            button.width = unit * TOP_WEIGHTS[tap_id]
        langs = [self.buttons[i[0]] for i in items if i[0].startswith("language")]
        tools = [self.buttons[i[0]] for i in items if not i[0].startswith("language")]
        for row in self.rows:
            row.spacing = pad
        if not items:
            layout: list[list[Widget]] = []
        elif portrait:
            layout = [langs, [self.spacers[1], *tools]]
        else:
            layout = [[*langs, self.spacers[0], *tools]]
        for row, children in zip(self.rows, layout, strict=False):
            arrange(row, children)
        arrange(self, self.rows[:len(layout)])


class ActionColumn(BoxLayout):
    """The screen's actions: a column on the right (landscape) or two columns under the
    content (portrait). Buttons are kept and given the next screen's ids and words."""

    def __init__(self, metrics: Metrics, theme: Theme, on_tap: Callable[[str], None]) -> None:
        super().__init__(orientation="vertical")
        self.metrics, self.theme, self.on_tap = metrics, theme, on_tap
        self.buttons: list[Action] = []
        self.grid = GridLayout(cols=2)
        self.column = BoxLayout(orientation="vertical")
        self.spacer = Widget()  # keeps the buttons at the top of the column

    def update(self, ctx: Ctx, specs: list[tuple[str, str, str, str]], button_h: float,
               portrait: bool) -> None:
        m = self.metrics
        while len(self.buttons) < len(specs):
            self.buttons.append(make_action("", "home", "", self.theme, self.on_tap,
                                            font_size=m.mm(5), ring_width=max(3.0, m.mm(1)),
                                            size_hint_y=None))
        shown = self.buttons[:len(specs)]
        for button, (tap_id, icon, words, style) in zip(shown, specs, strict=True):
            button.show(tap_id, icon, words, ctx.theme, style)
            button.height = button_h
        for button in self.buttons[len(specs):]:
            button.tap_id = ""
        pad = m.mm(2.5)
        self.grid.spacing, self.column.spacing = pad, pad * 1.5
        if portrait:
            arrange(self.column, [])
            arrange(self.grid, list(shown))
            arrange(self, [self.grid])
        else:
            arrange(self.grid, [])
            arrange(self.column, [*shown, self.spacer])
            arrange(self, [self.column])


class WarningPanel(Shield):
    """The inactivity warning over the content: a clock, a title and the countdown (its
    words change once a second; the panel stays)."""

    def __init__(self) -> None:
        super().__init__(orientation="vertical")
        self.title_row = BoxLayout(orientation="horizontal", size_hint_y=None)
        self.picture = Icon(name="clock", size_hint=(None, 1))
        self.title = Text(font_name=FONT_BOLD)
        self.title_row.add_widget(self.picture)
        self.title_row.add_widget(self.title)
        self.body = Text()
        self.add_widget(self.title_row)
        self.add_widget(self.body)

    def update(self, ctx: Ctx, remaining: int) -> None:
        th, m = ctx.theme, ctx.metrics
        self.fill, self.edge = rgba(th.panel), rgba(th.focus)
        self.edge_width = max(4.0, m.mm(1.2))
        self.padding, self.spacing = (m.mm(4),) * 4, m.mm(2)
        size = m.mm(7)
        self.title_row.height, self.title_row.spacing = m.mm(16), size * 0.5
        self.picture.width = size * 2
        self.picture.color, self.picture.accent = rgba(th.panel_text), rgba(th.panel)
        self.title.text, self.title.base_size = ctx.t("ui.warning.title"), size
        self.title.color = rgba(th.panel_text)
        self.body.text = ctx.t("ui.warning.body", n=remaining)
        self.body.base_size, self.body.color = m.mm(5), rgba(th.panel_text)
