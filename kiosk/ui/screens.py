"""What each screen shows: content builders (pictures and words drawn from a View) and
the actions each screen offers. Pure functions of the View: no patron data is kept here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.view import LoanRow, SummaryLine, View
from kiosk.ui.fonts import FONT_BOLD, FONT_NAME
from kiosk.ui.icons import Icon
from kiosk.ui.texts import button_words, due_text, text
from kiosk.ui.theme import Metrics, Theme
from kiosk.ui.widgets import Action, Framed, Panel, Text, rgba

Tap = Callable[[str], None]


@dataclass(frozen=True)
class ActionSpec:
    tap_id: str
    icon: str
    msg: str
    style: str = "secondary"


class WidgetCache:
    """Widgets kept from one build of the content to the next, keyed by everything they
    show: a new View reuses what did not change (Kivy widgets are slow to make). Whatever
    a build did not use is dropped at its end, so nothing of a patron outlives the screen
    that showed it."""

    def __init__(self) -> None:
        self._items: dict[Any, Widget] = {}
        self._used: set[Any] = set()
        self._kept: dict[Any, Widget] = {}  # no patron data: survive the sweep

    def get(self, key: Any, make: Callable[[], Widget], keep: bool = False) -> Widget:
        store = self._kept if keep else self._items
        widget = store.get(key)
        if widget is None:
            widget = store[key] = make()
        elif widget.parent is not None:
            widget.parent.remove_widget(widget)
        if not keep:
            self._used.add(key)
        return widget

    def sweep(self) -> None:
        self._items = {k: w for k, w in self._items.items() if k in self._used}
        self._used = set()

    def __len__(self) -> int:
        return len(self._items)

    def widgets(self) -> list[Widget]:
        return [*self._items.values(), *self._kept.values()]


@dataclass(frozen=True)
class Ctx:
    view: View
    theme: Theme
    metrics: Metrics
    portrait: bool
    height: float = 600.0  # of the content area, px
    notice_in_flow: bool = True  # False: the root shows the notice beside the content
    on_tap: Tap | None = None  # for the tappable rows (a loan: tap renews it)
    cache: WidgetCache | None = None

    def cached(self, key: Any, make: Callable[[], Widget], keep: bool = False) -> Widget:
        """`keep`: the widget shows no patron data and is kept for later builds too."""
        if self.cache is None:
            return make()
        return self.cache.get((self.theme.name, *key), make, keep)

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
        return [ActionSpec("finish", "exit", "ui.action.finish", "primary"),
                ActionSpec("renew_all", "renew", "ui.action.renew_all")]
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


# --- pieces ---------------------------------------------------------------------------


def _line(ctx: Ctx, icon: str, words: str, *, size: float | None = None, bold: bool = False,
          color: tuple | None = None, icon_color: tuple | None = None, height: float | None = None
          ) -> BoxLayout:
    size = size or ctx.body
    fg = color or rgba(ctx.theme.text)
    h = height or max(size * 2.2, ctx.mm(12))
    key = ("line", icon, words, size, bold, tuple(fg), tuple(icon_color or fg), h)
    return ctx.cached(key, lambda: _make_line(ctx, icon, words, size, bold, fg, icon_color, h))


def _make_line(ctx: Ctx, icon: str, words: str, size: float, bold: bool, fg: tuple,
               icon_color: tuple | None, h: float) -> BoxLayout:
    row = BoxLayout(orientation="horizontal", size_hint_y=None, height=h, spacing=size * 0.6)
    pic = Icon(name=icon, color=icon_color or fg, accent=rgba(ctx.theme.background),
               size_hint=(None, 1), width=h)
    row.add_widget(pic)
    row.add_widget(Text(text=words, font_size=size, color=fg,
                        font_name=FONT_BOLD if bold else FONT_NAME))
    return row


GAP_MM = 2.0


def _column(ctx: Ctx) -> BoxLayout:
    return BoxLayout(orientation="vertical", spacing=ctx.mm(GAP_MM), padding=(ctx.mm(GAP_MM),) * 4)


def _room(ctx: Ctx, col: BoxLayout, row_h: float, reserve: float = 0.0) -> int:
    """How many rows of height row_h still fit under what `col` holds (at least 1)."""
    gap = ctx.mm(GAP_MM)
    used = sum(w.height for w in col.children) + gap * (len(col.children) + 2) + reserve
    return max(1, int((ctx.height - used + gap) // (row_h + gap)))


def _shown(rows: tuple, room: int) -> tuple[tuple, int]:
    """Rows that fit in `room` slots, one slot kept for '...and N more' when they do not."""
    if len(rows) <= room:
        return rows, 0
    keep = max(room - 1, 1)
    return rows[:keep], len(rows) - keep


def _busy(ctx: Ctx) -> Widget:
    words = ctx.t("ui.busy")
    if ctx.view.pending_scans > 1:
        words += " " + ctx.t("ui.pending", n=ctx.view.pending_scans - 1)
        return _line(ctx, "clock", words, size=ctx.body)
    # shown for every scan: built once per language and theme, then reused
    fg = rgba(ctx.theme.text)
    h = max(ctx.body * 2.2, ctx.mm(12))
    return ctx.cached(("busy", words, ctx.body, h),
                      lambda: _make_line(ctx, "clock", words, ctx.body, False, fg, None, h),
                      keep=True)


def _spacer() -> Widget:
    return Widget()


def notice_panel(ctx: Ctx, vertical: bool = False) -> Widget | None:
    """A refusal or confirmation after a scan: picture + words, in the content flow (it
    never covers a button). Refusals are red with a cross, confirmations green with a tick."""
    notice = ctx.view.notice
    if notice is None:
        return None
    th = ctx.theme
    fill, fg, icon = {
        "refused": (th.danger, th.danger_text, "cross"),
        "success": (th.success, th.success_text, "check"),
    }.get(notice.kind, (th.secondary, th.secondary_text, "question"))
    h = ctx.mm(26)
    panel = Panel(orientation="vertical" if vertical else "horizontal", size_hint_y=None,
                  height=h, fill=rgba(fill), edge=rgba(th.edge), edge_width=3,
                  padding=(ctx.mm(3),) * 4, spacing=ctx.mm(2))
    panel.notice_kind = notice.kind
    picture = Icon(name=icon, color=rgba(fg), accent=rgba(fill))
    if vertical:
        picture.size_hint = (1, None)
        picture.height = ctx.mm(18)
    else:
        picture.size_hint = (None, 1)
        picture.width = h * 0.75
    panel.add_widget(picture)
    panel.add_widget(Text(text=ctx.t(notice.msg, **notice.params), font_size=ctx.body * 1.1,
                          color=rgba(fg), font_name=FONT_BOLD,
                          halign="center" if vertical else "left",
                          valign="top" if vertical else "middle", fill_box=True))
    return panel


# --- screens --------------------------------------------------------------------------


def _step_card(ctx: Ctx, icon: str, words: str) -> Widget:
    card = Panel(orientation="vertical" if not ctx.portrait else "horizontal",
                 fill=rgba(ctx.theme.panel), edge=rgba(ctx.theme.edge),
                 padding=(ctx.mm(3),) * 4, spacing=ctx.mm(2))
    pic = Icon(name=icon, color=rgba(ctx.theme.panel_text), accent=rgba(ctx.theme.panel))
    if ctx.portrait:
        pic.size_hint = (None, 1)
        pic.width = ctx.mm(24)
    else:
        pic.size_hint = (1, 0.5)
    card.add_widget(pic)
    card.add_widget(Text(text=words, font_size=ctx.body, color=rgba(ctx.theme.panel_text),
                         font_name=FONT_BOLD, halign="left" if ctx.portrait else "center"))
    return card


def attract(ctx: Ctx) -> Widget:
    col = _column(ctx)
    col.add_widget(_line(ctx, "card", ctx.t("ui.attract.title"), size=ctx.title, bold=True,
                         height=ctx.mm(22)))
    notice = notice_panel(ctx) if ctx.notice_in_flow else None
    if notice is not None:
        col.add_widget(notice)
    steps = BoxLayout(orientation="vertical" if ctx.portrait else "horizontal",
                      spacing=ctx.mm(4))
    for n, (icon, msg) in enumerate((("card", "ui.attract.step1"), ("book", "ui.attract.step2"),
                                     ("exit", "ui.attract.step3")), start=1):
        words = f"{n}. " + ctx.t(msg, finish=button_words("finish", "ui.action.finish", ctx.lang))
        # kept while the attract screen is shown, so the busy line after a card scan does
        # not rebuild the three cards
        steps.add_widget(ctx.cached(("step", icon, words, ctx.portrait, ctx.body),
                                    lambda icon=icon, words=words: _step_card(ctx, icon, words)))
    col.add_widget(steps)
    if ctx.view.busy:
        col.add_widget(_busy(ctx))
    return col


def _badge(ctx: Ctx, loan: LoanRow) -> tuple[str, str, tuple, tuple] | None:
    """(icon, words, fill, text colour) of a loan's status, or None."""
    th = ctx.theme
    if loan.overdue:
        return "warning", ctx.t("ui.loan.overdue"), rgba(th.danger), rgba(th.danger_text)
    if loan.status == "renewed":
        return "renew", ctx.t("ui.loan.renewed"), rgba(th.success), rgba(th.success_text)
    if loan.status == "new":
        return "check", ctx.t("ui.loan.new"), rgba(th.success), rgba(th.success_text)
    return None


def loan_row(ctx: Ctx, loan: LoanRow, height: float) -> Widget:
    return ctx.cached(("loan", loan, ctx.lang, height), lambda: _make_loan_row(ctx, loan, height))


def _make_loan_row(ctx: Ctx, loan: LoanRow, height: float) -> Framed:
    th = ctx.theme
    # a loan is one of the screen's actions: select or tap renews it (the session's rule)
    row = Action(tap_id=f"loan:{loan.barcode}", tap_handler=ctx.on_tap, orientation="horizontal",
                 size_hint_y=None, height=height, fill=rgba(th.panel),
                 edge=rgba(th.danger if loan.overdue else th.edge),
                 edge_width=4 if loan.overdue else 2, ring=rgba(th.focus),
                 ring_width=max(3.0, ctx.mm(1)), padding=(ctx.mm(2),) * 4, spacing=ctx.mm(2))
    row.add_widget(Icon(name="book", color=rgba(th.panel_text), accent=rgba(th.panel),
                        size_hint=(None, 1), width=height * 0.7))
    words = BoxLayout(orientation="vertical")
    words.add_widget(Text(text=loan.title, font_size=ctx.body, font_name=FONT_BOLD,
                          color=rgba(th.panel_text), shorten=True, shorten_from="right"))
    words.add_widget(Text(text=ctx.t("ui.loan.due", due=due_text(loan.due, ctx.lang)),
                          font_size=ctx.small * 1.1, color=rgba(th.panel_text)))
    row.add_widget(words)
    badge = _badge(ctx, loan)
    if badge:
        icon, label, fill, fg = badge
        box = Panel(orientation="horizontal", size_hint=(None, 1), width=ctx.mm(38),
                    fill=fill, edge=fill, padding=(ctx.mm(1.5),) * 4, spacing=ctx.mm(1),
                    radius=ctx.mm(2))
        box.add_widget(Icon(name=icon, color=fg, accent=fill, size_hint=(None, 1),
                            width=height * 0.45))
        box.add_widget(Text(text=label, font_size=ctx.small, color=fg, font_name=FONT_BOLD,
                            fill_box=True))
        row.add_widget(box)
    return row


def _visible_rows(rows: tuple, focus_id: str, room: int) -> tuple[tuple, int]:
    """The rows that fit, keeping the focused loan on screen; and how many are hidden."""
    if len(rows) <= room:
        return rows, 0
    keep = max(room - 1, 1)
    ids = [f"loan:{r.barcode}" for r in rows]
    start = 0
    if focus_id in ids:
        start = min(max(ids.index(focus_id) - keep + 1, 0), len(rows) - keep)
    return rows[start:start + keep], len(rows) - keep


def account(ctx: Ctx) -> Widget:
    v, th = ctx.view, ctx.theme
    col = _column(ctx)
    hello = ctx.t("ui.account.hello", name=v.reader_name) if v.reader_name else ctx.t("ui.account.hello_anon")
    col.add_widget(_line(ctx, "person", hello, size=ctx.title * 0.9, bold=True))
    col.add_widget(_line(ctx, "scan", ctx.t("ui.account.scan_book"), size=ctx.body))
    notice = notice_panel(ctx) if ctx.notice_in_flow else None
    if notice is not None:
        col.add_widget(notice)
    heading = ctx.t("ui.account.loans", n=len(v.loans)) if v.loans else ctx.t("ui.account.no_loans")
    col.add_widget(_line(ctx, "book", heading, size=ctx.body, bold=True, height=ctx.mm(10)))
    focused = v.focused.id if v.focused else ""
    row_h = ctx.mm(14)
    room = _room(ctx, col, row_h, ctx.mm(12) if v.busy else 0.0)
    shown, hidden = _visible_rows(v.loans, focused, room)
    for loan in shown:
        col.add_widget(loan_row(ctx, loan, row_h))
    if hidden:
        col.add_widget(Text(text=ctx.t("ui.account.more", n=hidden), font_size=ctx.body,
                            color=rgba(th.text), size_hint_y=None, height=ctx.mm(9)))
    if v.busy:
        col.add_widget(_busy(ctx))
    col.add_widget(_spacer())
    return col


def _summary_line(ctx: Ctx, line: SummaryLine, height: float) -> Widget:
    return ctx.cached(("summary", line, ctx.lang, height),
                      lambda: _make_summary_line(ctx, line, height))


def _make_summary_line(ctx: Ctx, line: SummaryLine, height: float) -> Widget:
    th = ctx.theme
    name = line.title or line.barcode
    if line.kind == "checkout":
        icon, words = "check", ctx.t("ui.summary.checkout", due=due_text(line.due, ctx.lang))
    elif line.kind == "renew":
        icon, words = "renew", ctx.t("ui.summary.renew", due=due_text(line.due, ctx.lang))
    elif line.kind == "return":
        icon, words = "home", ctx.t("ui.summary.return")
    else:
        icon, words = "cross", ctx.t(f"ui.reason_short.{line.reason}")
    refused = line.kind == "refused"
    row = Panel(orientation="horizontal", size_hint_y=None, height=height,
                fill=rgba(th.panel), edge=rgba(th.danger if refused else th.edge),
                edge_width=4 if refused else 2, padding=(ctx.mm(2),) * 4, spacing=ctx.mm(2))
    row.add_widget(Icon(name=icon, color=rgba(th.danger if refused else th.panel_text),
                        accent=rgba(th.panel), size_hint=(None, 1), width=height * 0.7))
    box = BoxLayout(orientation="vertical")
    box.add_widget(Text(text=name, font_size=ctx.body, font_name=FONT_BOLD,
                        color=rgba(th.panel_text), shorten=True, shorten_from="right"))
    box.add_widget(Text(text=words, font_size=ctx.small * 1.1,
                        color=rgba(th.danger if refused else th.panel_text)))
    row.add_widget(box)
    return row


def summary(ctx: Ctx) -> Widget:
    v = ctx.view
    col = _column(ctx)
    col.add_widget(_line(ctx, "check", ctx.t("ui.summary.title"), size=ctx.title * 0.9, bold=True))
    if not v.summary:
        col.add_widget(_line(ctx, "book", ctx.t("ui.summary.nothing"), size=ctx.body))
    row_h = ctx.mm(13)
    room = _room(ctx, col, row_h, ctx.mm(14) if v.receipt_offered else 0.0)
    # what the child now has comes first; refusals after
    lines = tuple(sorted(v.summary, key=lambda line: line.kind == "refused"))
    shown, hidden = _shown(lines, room)
    for line in shown:
        col.add_widget(_summary_line(ctx, line, row_h))
    if hidden:
        col.add_widget(Text(text=ctx.t("ui.account.more", n=hidden),
                            font_size=ctx.small, color=rgba(ctx.theme.text),
                            size_hint_y=None, height=ctx.mm(8)))
    if v.receipt_offered:
        col.add_widget(_line(ctx, "receipt", ctx.t("ui.summary.receipt_question"),
                             size=ctx.body, bold=True))
    col.add_widget(_spacer())
    return col


HELP_LAYERS = 3


def help_screen(ctx: Ctx) -> Widget:
    col = _column(ctx)
    col.add_widget(_line(ctx, "question", ctx.t("ui.help.title"), size=ctx.title, bold=True))
    layer = min(max(ctx.view.help_layer, 1), HELP_LAYERS)  # the session counts from 1
    pictures = (("card", "ui.help.card"), ("book", "ui.help.book"), ("exit", "ui.help.finish"),
                ("bell", "ui.help.call"))
    if layer == 1:
        finish = button_words("finish", "ui.action.finish", ctx.lang)
        for icon, msg in pictures:
            col.add_widget(_line(ctx, icon, ctx.t(msg, finish=finish), size=ctx.body))
    else:
        col.add_widget(Text(text=ctx.t(f"ui.help.layer{layer - 1}"), font_size=ctx.body,
                            color=rgba(ctx.theme.text), valign="top"))
    col.add_widget(_spacer())
    return col


LANGUAGE_BUTTONS = (("language_kk", "lang_kk", "ui.lang.kk"), ("language_ru", "lang_ru", "ui.lang.ru"),
                    ("language_en", "lang_en", "ui.lang.en"))


def language(ctx: Ctx) -> Widget:
    col = _column(ctx)
    col.add_widget(_line(ctx, "lang_" + ctx.lang, ctx.t("ui.language.title"), size=ctx.title,
                         bold=True))
    col.add_widget(Text(text=ctx.t("ui.language.hint"), font_size=ctx.body,
                        color=rgba(ctx.theme.text), size_hint_y=None, height=ctx.mm(14)))
    # the three big language actions are added by the root (they are tappable)
    col.add_widget(_spacer())
    return col


def out_of_order(ctx: Ctx) -> Widget:
    col = _column(ctx)
    col.add_widget(_line(ctx, "warning", ctx.t("ui.out_of_order.title"), size=ctx.title,
                         bold=True, icon_color=rgba(ctx.theme.danger), height=ctx.mm(24)))
    col.add_widget(_line(ctx, "bell", ctx.t("ui.out_of_order.staff"), size=ctx.body * 1.2,
                         height=ctx.mm(22)))
    col.add_widget(_spacer())
    return col


def maintenance(ctx: Ctx) -> Widget:
    """Staff only: the PIN keypad, then the status of the kiosk's parts."""
    from kivy.uix.gridlayout import GridLayout

    from kiosk.ui.widgets import Action

    v, th = ctx.view, ctx.theme
    col = _column(ctx)
    title = ctx.t("maintenance.title")
    message = getattr(v, "message", "")
    if message:
        title += ". " + ctx.t(message, **getattr(v, "message_params", {}))
    col.add_widget(_line(ctx, "person", title, size=ctx.body, bold=True, height=ctx.mm(16)))
    stage = getattr(v, "stage", "pin")
    if stage == "pin":
        shown = "●" * getattr(v, "pin_len", 0) or "–"
        col.add_widget(Text(text=shown, font_size=ctx.title, color=rgba(th.text),
                            size_hint_y=None, height=ctx.mm(10), halign="center"))
        pad = GridLayout(cols=3, spacing=ctx.mm(GAP_MM), size_hint=(None, None),
                         width=min(ctx.mm(80), ctx.mm(60) * 3), height=ctx.mm(15) * 4 + ctx.mm(6))
        keys = [*(f"pin_{d}" for d in "123456789"), "pin_del", "pin_0", "pin_ok"]
        words = {"pin_del": "⌫", "pin_ok": "OK"}
        for key in keys:
            button = Action(tap_id=key, tap_handler=ctx.on_tap, fill=rgba(th.secondary),
                            edge=rgba(th.edge), ring=rgba(th.focus), ring_width=max(3.0, ctx.mm(1)))
            button.add_widget(Text(text=words.get(key, key[-1]), font_size=ctx.title,
                                   color=rgba(th.secondary_text), font_name=FONT_BOLD,
                                   halign="center"))
            pad.add_widget(button)
        row = BoxLayout(size_hint_y=None, height=pad.height)
        row.add_widget(pad)
        row.add_widget(Widget())
        col.add_widget(row)
    elif stage == "open":
        for name, ok, detail in getattr(v, "lines", ()):
            item = ctx.t(f"maintenance.item.{name}")
            col.add_widget(_line(ctx, "check" if ok else "warning", f"{item}: {detail}",
                                 size=ctx.small * 1.1, height=ctx.mm(9),
                                 icon_color=rgba(th.text if ok else th.danger)))
    col.add_widget(_spacer())
    return col


BUILDERS: dict[str, Callable[[Ctx], Widget]] = {
    "attract": attract,
    "account": account,
    "summary": summary,
    "help": help_screen,
    "language": language,
    "out_of_order": out_of_order,
    "maintenance": maintenance,
}
