"""The maintenance screen (staff only): the PIN on an on-screen keypad, then the status of
the kiosk's parts. Rules and lockout are kiosk/maintenance's; this draws its View
(a MaintenanceView: stage, pin_len, message, lines). Built once, at its first use."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui.fonts import FONT_BOLD
from kiosk.ui.lists import RowPool
from kiosk.ui.screens import GAP_MM, Ctx, IconLine, Screen, Shared
from kiosk.ui.widgets import Action, Text, rgba

KEYS = (*(f"pin_{d}" for d in "123456789"), "pin_del", "pin_0", "pin_ok")
KEY_WORDS = {"pin_del": "⌫", "pin_ok": "OK"}


class Maintenance(Screen):
    name = "maintenance"

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.title = IconLine()
        self.pin = Text(size_hint_y=None, halign="center")
        self.pad = GridLayout(cols=3, size_hint=(None, None))
        self.keys: list[Action] = []
        for key in KEYS:
            button = Action(tap_id=key, tap_handler=shared.on_tap)
            button.label = Text(text=KEY_WORDS.get(key, key[-1]), font_name=FONT_BOLD,
                                halign="center")
            button.add_widget(button.label)
            self.pad.add_widget(button)
            self.keys.append(button)
        self.pad_row = BoxLayout(size_hint_y=None)
        self.pad_row.add_widget(self.pad)
        self.pad_row.add_widget(Widget())
        self.status = RowPool(IconLine)

    def update(self, ctx: Ctx) -> None:
        v, th = ctx.view, ctx.theme
        title = ctx.t("maintenance.title")
        message = getattr(v, "message", "")
        if message:
            title += ". " + ctx.t(message, **getattr(v, "message_params", {}))
        self.title.show(ctx, "person", title, size=ctx.body, bold=True, height=ctx.mm(16))
        stage = getattr(v, "stage", "pin")
        body: list[Widget] = []
        lines = tuple(getattr(v, "lines", ())) if stage == "open" else ()
        if stage == "pin":
            self.pin.text = "●" * getattr(v, "pin_len", 0) or "–"
            self.pin.base_size, self.pin.color, self.pin.height = ctx.title, rgba(th.text), ctx.mm(10)
            self.pad.spacing = ctx.mm(GAP_MM)
            self.pad.width = min(ctx.mm(80), ctx.mm(60) * 3)
            self.pad.height = ctx.mm(15) * 4 + ctx.mm(6)
            self.pad_row.height = self.pad.height
            for button in self.keys:
                button.fill, button.edge = rgba(th.secondary), rgba(th.edge)
                button.ring, button.ring_width = rgba(th.focus), max(3.0, ctx.mm(1))
                button.label.base_size, button.label.color = ctx.title, rgba(th.secondary_text)
            body = [self.pin, self.pad_row]
        for row, (name, ok, detail) in zip(self.status.take(len(lines)), lines, strict=True):
            item = ctx.t(f"maintenance.item.{name}")
            body.append(row.show(ctx, "check" if ok else "warning", f"{item}: {detail}",
                                 size=ctx.small * 1.1, height=ctx.mm(9),
                                 icon_color=rgba(th.text if ok else th.danger)))
        self.lay_out(ctx, [self.title, *body])
