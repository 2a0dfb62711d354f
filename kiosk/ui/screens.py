"""What each screen shows. Every screen is a retained column of widgets, built at its first
use and updated in place from the View (`update(ctx)`); `leave()` blanks what showed the
patron (names, titles) when the screen goes. The loan list and the summary are fixed rows
(kiosk.ui.lists) that show a window of the View's rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.view import View
from kiosk.ui.fonts import FONT_BOLD, FONT_NAME
from kiosk.ui.icons import Icon
from kiosk.ui.texts import button_words, text
from kiosk.ui.theme import Metrics, Theme
from kiosk.ui.widgets import Panel, Text, arrange, blank_private, rgba

Tap = Callable[[str], None]
GAP_MM = 2.0


@dataclass(frozen=True)
class ActionSpec:
    tap_id: str
    icon: str
    msg: str
    style: str = "secondary"


@dataclass(frozen=True)
class Ctx:
    view: View
    theme: Theme
    metrics: Metrics
    portrait: bool
    height: float = 600.0  # of the content area, px
    notice_in_flow: bool = True  # False: the root shows the notice beside the content

    @property
    def lang(self) -> str:
        return self.view.lang

    def t(self, msg_id: str, **params: object) -> str:
        return text(msg_id, self.view.lang, params)

    def mm(self, value: float) -> float:
        return self.metrics.mm(value)

    @property
    def body(self) -> float:
        return self.mm(4.6)

    @property
    def title(self) -> float:
        return self.mm(7.5)

    @property
    def small(self) -> float:
        return self.mm(3.8)


def actions_for(view: View) -> list[ActionSpec]:
    if view.screen == "account":
        acts = [ActionSpec("finish", "exit", "ui.action.finish", "primary"),
                ActionSpec("renew_all", "renew", "ui.action.renew_all")]
        if any(f.id == "return_book" for f in view.focus):
            acts.append(ActionSpec("return_book", "home", "ui.action.return_book",
                                   "primary" if view.returning else "secondary"))
        return acts
    if view.screen == "summary":
        acts = []
        if view.receipt_offered:
            acts += [ActionSpec("receipt_yes", "receipt", "ui.action.receipt_yes"),
                     ActionSpec("receipt_no", "no_receipt", "ui.action.receipt_no")]
        return acts + [ActionSpec("done", "home", "ui.action.done", "primary")]
    if view.screen == "maintenance":
        tools = [ActionSpec("m_print", "receipt", "maintenance.action.test_print"),
                 ActionSpec("m_sound", "bell", "maintenance.action.test_sound"),
                 ActionSpec("m_restart", "renew", "maintenance.action.restart"),
                 ActionSpec("m_shutdown", "exit", "maintenance.action.shutdown")]
        return tools + [ActionSpec("back", "home", "maintenance.action.close", "primary")]
    if view.screen in ("help", "language"):
        return [ActionSpec("back", "home", "ui.action.back", "primary")]
    return []


LANGUAGE_BUTTONS = (("language_kk", "lang_kk", "ui.lang.kk"), ("language_ru", "lang_ru", "ui.lang.ru"),
                    ("language_en", "lang_en", "ui.lang.en"))


# --- pieces ---------------------------------------------------------------------------


class IconLine(BoxLayout):
    """A picture and a line of words, updated in place."""

    def __init__(self, private: bool = False) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None)
        self.picture = Icon(size_hint=(None, 1))
        self.words = Text(private=private)
        self.add_widget(self.picture)
        self.add_widget(self.words)

    def show(self, ctx: Ctx, icon: str, words: str, *, size: float | None = None,
             bold: bool = False, color: tuple | None = None, icon_color: tuple | None = None,
             height: float | None = None) -> IconLine:
        size = size or ctx.body
        fg = color or rgba(ctx.theme.text)
        h = height or max(size * 2.2, ctx.mm(12))
        self.height, self.spacing = h, size * 0.6
        self.picture.width = h
        self.picture.name, self.picture.color = icon, icon_color or fg
        self.picture.accent = rgba(ctx.theme.background)
        w = self.words
        w.text, w.base_size, w.color = words, size, fg
        w.font_name = FONT_BOLD if bold else FONT_NAME
        return self


class NoticePanel(Panel):
    """A refusal or confirmation after a scan: picture + words. Refusals are red with a
    cross, confirmations green with a tick. One in the content flow, one beside it."""

    def __init__(self, vertical: bool) -> None:
        super().__init__(orientation="vertical" if vertical else "horizontal", size_hint_y=None,
                         edge_width=3)
        self.vertical = vertical
        self.notice_kind = ""
        self.picture = Icon()
        if vertical:
            self.picture.size_hint = (1, None)
        else:
            self.picture.size_hint = (None, 1)
        self.words = Text(font_name=FONT_BOLD, halign="center" if vertical else "left",
                          valign="top" if vertical else "middle", fill_box=True, private=True)
        self.add_widget(self.picture)
        self.add_widget(self.words)

    def show(self, ctx: Ctx) -> NoticePanel | None:
        notice = ctx.view.notice
        if notice is None:
            self.words.text = ""
            return None
        th = ctx.theme
        fill, fg, icon = {
            "refused": (th.danger, th.danger_text, "cross"),
            "success": (th.success, th.success_text, "check"),
        }.get(notice.kind, (th.secondary, th.secondary_text, "question"))
        h = ctx.mm(26)
        self.height = h
        self.padding, self.spacing = (ctx.mm(3),) * 4, ctx.mm(2)
        self.fill, self.edge = rgba(fill), rgba(th.edge)
        self.notice_kind = notice.kind
        self.picture.name, self.picture.color, self.picture.accent = icon, rgba(fg), rgba(fill)
        if self.vertical:
            self.picture.height = ctx.mm(18)
        else:
            self.picture.width = h * 0.75
        self.words.text = ctx.t(notice.msg, **notice.params)
        self.words.base_size, self.words.color = ctx.body * 1.1, rgba(fg)
        return self


class Shared:
    """Pieces more than one screen shows (one of each, moved between the screens)."""

    def __init__(self, on_tap: Tap) -> None:
        self.on_tap = on_tap
        self.notice = NoticePanel(vertical=False)
        self.busy = IconLine()

    def busy_line(self, ctx: Ctx, height: float | None = None) -> IconLine:
        words = ctx.t("ui.busy")
        if ctx.view.pending_scans > 1:
            words += " " + ctx.t("ui.pending", n=ctx.view.pending_scans - 1)
        return self.busy.show(ctx, "clock", words, size=ctx.body, height=height)

    def notice_in_flow(self, ctx: Ctx) -> list[Widget]:
        panel = self.notice.show(ctx) if ctx.notice_in_flow else None
        if panel is None:
            self.notice.words.text = ""
        return [panel] if panel is not None else []


class Screen(BoxLayout):
    """A screen's retained column. Subclasses build their widgets in __init__ and lay them
    out in update(); leave() blanks the private words."""

    name = ""

    def __init__(self, shared: Shared) -> None:
        super().__init__(orientation="vertical")
        self.shared = shared
        self.spacer = Widget()

    def update(self, ctx: Ctx) -> None:
        raise NotImplementedError

    def leave(self) -> None:
        blank_private(self)

    def lay_out(self, ctx: Ctx, widgets: list[Widget]) -> None:
        self.spacing, self.padding = ctx.mm(GAP_MM), (ctx.mm(GAP_MM),) * 4
        arrange(self, [*widgets, self.spacer])

    def room(self, ctx: Ctx, above: list[Widget], row_h: float, reserve: float = 0.0) -> int:
        """How many rows of height row_h fit under `above` (at least 1)."""
        gap = ctx.mm(GAP_MM)
        used = sum(w.height for w in above) + gap * (len(above) + 2) + reserve
        return max(1, int((ctx.height - used + gap) // (row_h + gap)))


class StepCard(Panel):
    def __init__(self) -> None:
        super().__init__(orientation="vertical")
        self.picture = Icon()
        self.words = Text(font_name=FONT_BOLD)
        self.add_widget(self.picture)
        self.add_widget(self.words)

    def show(self, ctx: Ctx, icon: str, words: str) -> StepCard:
        th = ctx.theme
        self.orientation = "horizontal" if ctx.portrait else "vertical"
        self.fill, self.edge = rgba(th.panel), rgba(th.edge)
        self.padding, self.spacing = (ctx.mm(3),) * 4, ctx.mm(2)
        self.picture.name, self.picture.color = icon, rgba(th.panel_text)
        self.picture.accent = rgba(th.panel)
        if ctx.portrait:
            self.picture.size_hint, self.picture.width = (None, 1), ctx.mm(24)
        else:
            self.picture.size_hint = (1, 0.5)
        self.words.text, self.words.base_size = words, ctx.body
        self.words.color = rgba(th.panel_text)
        self.words.halign = "left" if ctx.portrait else "center"
        return self


class Attract(Screen):
    name = "attract"
    STEPS = (("card", "ui.attract.step1"), ("book", "ui.attract.step2"),
             ("exit", "ui.attract.step3"))

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.title = IconLine()
        self.steps = BoxLayout(spacing=0)
        self.cards = [StepCard() for _ in self.STEPS]
        for card in self.cards:
            self.steps.add_widget(card)

    def update(self, ctx: Ctx) -> None:
        self.title.show(ctx, "card", ctx.t("ui.attract.title"), size=ctx.title, bold=True,
                        height=ctx.mm(22))
        self.steps.orientation = "vertical" if ctx.portrait else "horizontal"
        self.steps.spacing = ctx.mm(4)
        finish = button_words("finish", "ui.action.finish", ctx.lang)
        for n, (card, (icon, msg)) in enumerate(zip(self.cards, self.STEPS, strict=True), 1):
            card.show(ctx, icon, f"{n}. " + ctx.t(msg, finish=finish))
        busy = [self.shared.busy_line(ctx)] if ctx.view.busy else []
        arrange(self, [self.title, *self.shared.notice_in_flow(ctx), self.steps, *busy])
        self.spacing, self.padding = ctx.mm(GAP_MM), (ctx.mm(GAP_MM),) * 4


HELP_LAYERS = 3


class Help(Screen):
    name = "help"
    PICTURES = (("card", "ui.help.card"), ("book", "ui.help.book"), ("exit", "ui.help.finish"),
                ("bell", "ui.help.call"))

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.title = IconLine()
        self.lines = [IconLine() for _ in self.PICTURES]
        self.layer = Text(valign="top")

    def update(self, ctx: Ctx) -> None:
        self.title.show(ctx, "question", ctx.t("ui.help.title"), size=ctx.title, bold=True)
        layer = min(max(ctx.view.help_layer, 1), HELP_LAYERS)  # the session counts from 1
        if layer == 1:
            finish = button_words("finish", "ui.action.finish", ctx.lang)
            for line, (icon, msg) in zip(self.lines, self.PICTURES, strict=True):
                line.show(ctx, icon, ctx.t(msg, finish=finish), size=ctx.body)
            body: list[Widget] = list(self.lines)
        else:
            self.layer.text = ctx.t(f"ui.help.layer{layer - 1}")
            self.layer.base_size, self.layer.color = ctx.body, rgba(ctx.theme.text)
            body = [self.layer]
        self.lay_out(ctx, [self.title, *body])


class Language(Screen):
    name = "language"

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.title = IconLine()
        self.hint = Text(size_hint_y=None)

    def update(self, ctx: Ctx) -> None:
        self.title.show(ctx, "lang_" + ctx.lang, ctx.t("ui.language.title"), size=ctx.title,
                        bold=True)
        self.hint.text, self.hint.base_size = ctx.t("ui.language.hint"), ctx.body
        self.hint.color, self.hint.height = rgba(ctx.theme.text), ctx.mm(14)
        # the three big language actions are the root's (they are tappable)
        self.lay_out(ctx, [self.title, self.hint])


class OutOfOrder(Screen):
    name = "out_of_order"

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.title = IconLine()
        self.staff = IconLine()

    def update(self, ctx: Ctx) -> None:
        self.title.show(ctx, "warning", ctx.t("ui.out_of_order.title"), size=ctx.title,
                        bold=True, icon_color=rgba(ctx.theme.danger), height=ctx.mm(24))
        self.staff.show(ctx, "bell", ctx.t("ui.out_of_order.staff"), size=ctx.body * 1.2,
                        height=ctx.mm(22))
        self.lay_out(ctx, [self.title, self.staff])


def screen_classes() -> dict[str, type[Screen]]:
    from kiosk.ui.lists import Account, Summary
    from kiosk.ui.maintenance import Maintenance

    return {cls.name: cls for cls in (Attract, Account, Summary, Help, Language, OutOfOrder,
                                      Maintenance)}
