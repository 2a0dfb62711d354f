"""The account and summary screens: fixed rows that show a window of the View's loans
(or summary lines). A screen makes only as many rows as fit on it, once; a patron with
30 loans gets the same rows, showing the loans around the focused one (Up/Down move the
window), and the heading then says which are shown ("Books 4-6 of 30"). A row that is not shown is blanked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.places import place_words
from kiosk.core.view import LoanRow, SummaryLine
from kiosk.ui.fonts import FONT_BOLD
from kiosk.ui.icons import Icon
from kiosk.ui.screens import GAP_MM, Ctx, IconLine, Screen, Shared
from kiosk.ui.texts import due_text
from kiosk.ui.widgets import Action, Panel, Text, arrange, blank_private, rgba


class RowPool:
    """Rows made on demand and kept: `take(n)` gives the first n (making what is missing),
    blanks the others. n is bounded by what fits on the screen, not by the patron.

    `fill` makes rows up to that many at once, though fewer are shown: a screen passes
    how many fit, so the first patron makes every row the screen can ever show and the
    kiosk's memory stops growing then, not when a reader with many loans first comes."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self.rows: list[Any] = []

    def take(self, n: int, fill: int = 0) -> list[Any]:
        while len(self.rows) < max(n, fill):
            self.rows.append(self._make())
        for row in self.rows[n:]:
            blank_private(row)
        return self.rows[:n]


class LoanRowWidget(Action):
    """One loan: book picture, title, due date, and a badge (overdue / renewed / new).
    A tap (or select) renews it: the session's rule."""

    def __init__(self, on_tap: Callable[[str], None]) -> None:
        super().__init__(tap_handler=on_tap, orientation="horizontal", size_hint_y=None)
        self.picture = Icon(name="book", size_hint=(None, 1))
        self.words = BoxLayout(orientation="vertical")
        self.title = Text(font_name=FONT_BOLD, shorten=True, shorten_from="right", private=True)
        self.due = Text(private=True)
        self.words.add_widget(self.title)
        self.words.add_widget(self.due)
        self.badge = Panel(orientation="horizontal", size_hint=(None, 1))
        self.badge_icon = Icon(size_hint=(None, 1))
        self.badge_words = Text(font_name=FONT_BOLD, fill_box=True)
        self.badge.add_widget(self.badge_icon)
        self.badge.add_widget(self.badge_words)

    def update(self, ctx: Ctx, loan: LoanRow, height: float) -> LoanRowWidget:
        th = ctx.theme
        self.tap_id = f"loan:{loan.barcode}"
        self.height = height
        self.fill, self.ring = rgba(th.panel), rgba(th.focus)
        self.edge = rgba(th.danger if loan.overdue else th.edge)
        self.edge_width = 4 if loan.overdue else 2
        self.ring_width = max(3.0, ctx.mm(1))
        self.padding, self.spacing = (ctx.mm(2),) * 4, ctx.mm(2)
        self.picture.width = height * 0.7
        self.picture.color, self.picture.accent = rgba(th.panel_text), rgba(th.panel)
        self.title.text, self.title.base_size = loan.title, ctx.body
        self.title.color = rgba(th.panel_text)
        self.due.text = ctx.t("ui.loan.due", due=due_text(loan.due, ctx.lang))
        self.due.base_size, self.due.color = ctx.small * 1.1, rgba(th.panel_text)
        badge = self._badge(ctx, loan)
        if badge is not None:
            icon, words, fill, fg = badge
            b = self.badge
            b.width, b.fill, b.edge, b.radius = ctx.mm(38), fill, fill, ctx.mm(2)
            b.padding, b.spacing = (ctx.mm(1.5),) * 4, ctx.mm(1)
            self.badge_icon.name, self.badge_icon.color, self.badge_icon.accent = icon, fg, fill
            self.badge_icon.width = height * 0.45
            self.badge_words.text, self.badge_words.color = words, fg
            self.badge_words.base_size = ctx.small
        arrange(self, [self.picture, self.words, *([self.badge] if badge else [])])
        return self

    @staticmethod
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


def visible_rows(rows: tuple, focus_id: str, room: int) -> tuple[tuple, int]:
    """The `room` rows to show, keeping the focused loan on screen; and the index of the
    first one shown."""
    if len(rows) <= room:
        return rows, 0
    ids = [f"loan:{r.barcode}" for r in rows]
    start = 0
    if focus_id in ids:
        start = min(max(ids.index(focus_id) - room + 1, 0), len(rows) - room)
    return rows[start:start + room], start


def more_line(more: Text, ctx: Ctx, words: str, size: float, height: float) -> list[Widget]:
    """The line under a list cut to the screen (which rows are shown, or how many are not),
    or nothing when all fit (`words` empty)."""
    if not words:
        return []
    more.text = words
    more.base_size, more.color, more.height = size, rgba(ctx.theme.text), height
    return [more]


def room_for(screen: Screen, ctx: Ctx, above: list[Widget], row_h: float, reserve: float,
             rows: int, line_h: float) -> int:
    """How many rows fit; when not all `rows` do, the line under the list takes its own
    height (not a whole row's)."""
    room = screen.room(ctx, above, row_h, reserve)
    if rows <= room:
        return room
    return screen.room(ctx, above, row_h, reserve + line_h + ctx.mm(GAP_MM))


class Account(Screen):
    name = "account"

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.hello = IconLine(private=True)
        self.scan = IconLine()
        self.waiting = RowPool(lambda: IconLine(private=True))
        self.heading = IconLine()
        self.pool = RowPool(lambda: LoanRowWidget(shared.on_tap))

    def update(self, ctx: Ctx) -> None:
        v = ctx.view
        hello = ctx.t("ui.account.hello", name=v.reader_name) if v.reader_name \
            else ctx.t("ui.account.hello_anon")
        self.hello.show(ctx, "person", hello, size=ctx.title * 0.9, bold=True)
        scan = "ui.account.scan_return" if v.returning else "ui.account.scan_book"
        self.scan.show(ctx, "scan", ctx.t(scan), size=ctx.body, bold=v.returning)
        # their reserved books put aside for them: the title and where to collect it
        waiting = [line.show(ctx, "book", ctx.t("ui.account.waiting", title=w.title,
                                                 place_msg=place_words(w.place)),
                             size=ctx.body, bold=True, color=rgba(ctx.theme.success))
                   for line, w in zip(self.waiting.take(len(v.waiting)), v.waiting, strict=True)]
        # the heading counts the books; when they do not all fit it says which are shown
        # ("Books 4-6 of 30"), so a cut list costs no extra line. While the gateway works
        # the busy line stands in its place at its height: the rows keep their room, so a
        # scan does not move the list twice (each move redraws every row's words)
        heading_h = ctx.mm(10)
        self.heading.height = heading_h  # its words are chosen once the rows are known
        head: Widget = self.shared.busy_line(ctx, heading_h) if v.busy else self.heading
        above: list[Widget] = [self.hello, *waiting, self.scan,
                               *self.shared.notice_in_flow(ctx), head]
        row_h = ctx.mm(14)
        room = self.room(ctx, above, row_h)
        shown, start = visible_rows(v.loans, v.focused.id if v.focused else "", room)
        rows = [row.update(ctx, loan, row_h)
                for row, loan in zip(self.pool.take(len(shown), fill=room), shown, strict=True)]
        if not v.busy:
            self.heading.show(ctx, "book", self._heading_words(ctx, start, len(shown)),
                              size=ctx.body, bold=True, height=heading_h)
        self.lay_out(ctx, [*above, *rows])

    @staticmethod
    def _heading_words(ctx: Ctx, start: int, shown: int) -> str:
        loans = ctx.view.loans
        if shown < len(loans):
            return ctx.t("ui.account.window", first=start + 1, last=start + shown, n=len(loans))
        return ctx.t("ui.account.loans", n=len(loans)) if loans else ctx.t("ui.account.no_loans")


class SummaryRow(Panel):
    """One line of the summary: what happened to a book, with its picture."""

    def __init__(self) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None)
        self.picture = Icon(size_hint=(None, 1))
        box = BoxLayout(orientation="vertical")
        self.name_text = Text(font_name=FONT_BOLD, shorten=True, shorten_from="right",
                              private=True)
        self.words = Text(private=True)
        box.add_widget(self.name_text)
        box.add_widget(self.words)
        self.add_widget(self.picture)
        self.add_widget(box)

    def update(self, ctx: Ctx, line: SummaryLine, height: float) -> SummaryRow:
        th = ctx.theme
        if line.kind == "checkout":
            icon, words = "check", ctx.t("ui.summary.checkout", due=due_text(line.due, ctx.lang))
        elif line.kind == "renew":
            icon, words = "renew", ctx.t("ui.summary.renew", due=due_text(line.due, ctx.lang))
        elif line.kind == "return":
            icon, words = "home", ctx.t("ui.summary.return")
        elif line.kind == "waiting":
            icon, words = "book", ctx.t("ui.summary.waiting", place_msg=place_words(line.place))
        else:
            icon, words = "cross", ctx.t(f"ui.reason_short.{line.reason}")
        refused = line.kind == "refused"
        self.height, self.fill = height, rgba(th.panel)
        self.edge = rgba(th.danger if refused else th.edge)
        self.edge_width = 4 if refused else 2
        self.padding, self.spacing = (ctx.mm(2),) * 4, ctx.mm(2)
        self.picture.name, self.picture.width = icon, height * 0.7
        self.picture.color = rgba(th.danger if refused else th.panel_text)
        self.picture.accent = rgba(th.panel)
        self.name_text.text, self.name_text.base_size = line.title or line.barcode, ctx.body
        self.name_text.color = rgba(th.panel_text)
        self.words.text, self.words.base_size = words, ctx.small * 1.1
        self.words.color = rgba(th.danger if refused else th.panel_text)
        return self


class Summary(Screen):
    name = "summary"

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.title = IconLine()
        self.nothing = IconLine()
        self.pool = RowPool(SummaryRow)
        self.more = Text(size_hint_y=None)
        self.question = IconLine()

    def update(self, ctx: Ctx) -> None:
        v = ctx.view
        self.title.show(ctx, "check", ctx.t("ui.summary.title"), size=ctx.title * 0.9, bold=True)
        above: list[Widget] = [self.title]
        if not v.summary:
            above.append(self.nothing.show(ctx, "book", ctx.t("ui.summary.nothing"), size=ctx.body))
        row_h, line_h = ctx.mm(13), ctx.mm(8)
        room = room_for(self, ctx, above, row_h, ctx.mm(14) if v.receipt_offered else 0.0,
                        len(v.summary), line_h)
        # what the child now has comes first; refusals after
        lines = tuple(sorted(v.summary, key=lambda line: line.kind == "refused"))
        shown = lines[:room]
        rows = [row.update(ctx, line, row_h)
                for row, line in zip(self.pool.take(len(shown), fill=room), shown, strict=True)]
        hidden = len(lines) - len(shown)
        tail: list[Widget] = more_line(self.more, ctx, ctx.t("ui.account.more", n=hidden)
                                       if hidden else "", ctx.small, line_h)
        if v.receipt_offered:
            tail.append(self.question.show(ctx, "receipt", ctx.t("ui.summary.receipt_question"),
                                           size=ctx.body, bold=True))
        self.lay_out(ctx, [*above, *rows, *tail])
