"""EZ-Access navigation and activation: keys, focus moves, edges, help layers, back,
repeat, volume, language, contrast, and what each widget id does when selected or tapped.

A collaborator of Session (kiosk.core.session) over its state. Keys and widget ids are
dispatched through two tables (`keys`, `widgets`); the key names are kiosk.core.keys'.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core import actions as act
from kiosk.core.alerts import StaffAlerts
from kiosk.core.ends import SessionEnds
from kiosk.core.focus import LANGUAGE_IDS
from kiosk.core.keys import KEYS
from kiosk.core.languages import LANGUAGES, next_language
from kiosk.core.outcomes import CirculationOutcomes
from kiosk.core.output import Output
from kiosk.core.state import VOLUME_DEFAULT, SessionState
from kiosk.core.view import FocusItem
from kiosk.core.voice import VoiceControls

VOLUME_MIN, VOLUME_MAX = 1, 10
HELP_LAYERS = 3
EDGE_LAYERS = 3
__all__ = ["EDGE_LAYERS", "HELP_LAYERS", "KEYS", "VOLUME_DEFAULT", "Navigation"]


class Navigation:
    def __init__(self, state: SessionState, out: Output, outcomes: CirculationOutcomes,
                 ends: SessionEnds, voice: VoiceControls, alerts: StaffAlerts,
                 focus_list: Callable[[], tuple[FocusItem, ...]],
                 returns_offered: bool = False) -> None:
        self.returns_offered = returns_offered  # [session] returns is own or any
        self.state = state
        self.out = out
        self.outcomes = outcomes
        self.ends = ends
        self.voice = voice
        self.alerts = alerts
        self.focus_list = focus_list
        self.keys: dict[str, Callable[[], None]] = {
            "up": lambda: self._move(-1),
            "down": lambda: self._move(+1),
            "select": self._select,
            "back": self.back,
            "help": self.help,
            "repeat": self._repeat,
            "volume_up": lambda: self._volume_key(+1),
            "volume_down": lambda: self._volume_key(-1),
            "language": lambda: self._set_language(next_language(self.state.prefs.lang)),
        }
        if set(self.keys) != set(KEYS):
            raise RuntimeError("every navigation key of kiosk.core.keys needs a handler")
        self.widgets: dict[str, Callable[[], None]] = {
            "finish": lambda: self.outcomes.do(act.Finish()),
            "renew_all": self._renew_all,
            "return_book": self._return_book,
            "call_staff": self.alerts.call,
            "help": self.help,
            "back": self.back,
            "language": self._language_screen,
            "contrast": self._contrast,
            "receipt_yes": lambda: self._receipt(print_it=True),
            "receipt_no": lambda: self._receipt(print_it=False),
            "done": self._done,
        }

    def key(self, name: str) -> None:
        if name != "repeat":
            focus = self.state.focus
            focus.edge = focus.edge if name in ("up", "down") else ("", 0)
        self.keys[name]()

    def activate(self, widget_id: str) -> None:
        if widget_id.startswith("loan:"):
            self.outcomes.do(act.Renew(widget_id[5:]))
        elif widget_id in LANGUAGE_IDS:
            self._set_language(widget_id.removeprefix("language_"))
        else:
            self.widgets[widget_id]()

    # ---------------------------------------------------------------- widgets
    def _renew_all(self) -> None:
        if not self.state.patron.loans:
            self.out.say("renew_all.none")
            return
        self.outcomes.do(act.RenewAll())

    def _return_book(self) -> None:
        """"Return a book" on the account: the next scans of their own books return them,
        until it is pressed again or `back`."""
        patron = self.state.patron
        patron.returning = not patron.returning
        patron.notice = None
        self.out.say("return.prompt" if patron.returning else "return.off")

    def _language_screen(self) -> None:
        self.out.show(overlay="language")
        self.out.say("language.prompt")

    def _contrast(self) -> None:
        prefs = self.state.prefs
        prefs.contrast = not prefs.contrast
        self.out.say("contrast.on" if prefs.contrast else "contrast.off")

    def _receipt(self, print_it: bool) -> None:
        patron = self.state.patron
        if not patron.receipt_offered:
            return
        patron.receipt_offered = False
        if print_it:
            self.ends.print_receipt()
        else:
            self.out.say("receipt.none")
        self.focus_on("done")

    def focus_on(self, widget_id: str) -> None:
        """Move the focus for the patron (the item under it went away): speech says where
        the focus is now, so what is heard matches what is highlighted."""
        self.state.focus.focus_id = widget_id
        item = next((f for f in self.focus_list() if f.id == widget_id), None)
        if item is not None:
            self.out.say(item.msg, item.params, item.private)

    def _done(self) -> None:
        self.out.say("summary.bye")
        self.ends.to_attract(silent=True)

    def _set_language(self, lang: str) -> None:
        if lang in LANGUAGES:
            self.state.prefs.lang = lang
            if self.state.focus.overlay == "language":
                self.out.show(overlay=None)  # chosen: back to where the patron was
            self.out.say("language.current")

    # ---------------------------------------------------------------- keys
    def _move(self, step: int) -> None:
        focus_state = self.state.focus
        focus = self.focus_list()
        ids = [f.id for f in focus]
        if not focus:
            self.out.cue("edge")
            return
        index = ids.index(focus_state.focus_id) if focus_state.focus_id in ids else -1
        target = 0 if index == -1 else index + step
        if 0 <= target < len(focus):
            focus_state.edge = ("", 0)
            focus_state.focus_id = ids[target]
            self.out.cue("move")
            item = focus[target]
            self.out.say(item.msg, item.params, item.private)
            return
        side = "top" if step < 0 else "bottom"
        edge = focus_state.edge
        count = edge[1] + 1 if edge[0] == side else 1
        focus_state.edge = (side, count)
        self.out.cue("edge")
        self.out.say(f"edge.{side}.{min(count, EDGE_LAYERS)}")

    def _select(self) -> None:
        focused = self.state.focus.focus_id
        if focused not in [f.id for f in self.focus_list()] or focused is None:
            self.out.say("nav.nothing_focused")
            return
        self.activate(focused)

    def back(self) -> None:
        focus, patron = self.state.focus, self.state.patron
        if focus.overlay is not None:
            self.out.show(overlay=None)
            focus.help_layer = 0
            self.out.say(f"screen.{focus.base}")
        elif patron.notice is not None:
            patron.notice = None
            self.out.say("notice.closed")
        elif patron.returning:
            patron.returning = False
            self.out.say("return.off")
        elif focus.base == "account":
            self.outcomes.do(act.Finish())
        elif focus.base == "summary":
            self._done()
        else:
            self.out.say("attract.prompt")

    def help(self) -> None:
        focus = self.state.focus
        if focus.overlay == "help":
            focus.help_layer = focus.help_layer % HELP_LAYERS + 1
        else:
            focus.help_layer = 1
            self.out.show(overlay="help")
        if focus.help_layer == 1 and focus.base == "account":
            self.voice.say_guidance()  # where the scanner is comes first
        self.out.say(f"help.{focus.base}.{focus.help_layer}")
        if focus.help_layer == 1 and focus.base == "account" and self.state.patron.reader \
                and self.returns_offered:
            self.out.say("help.return")
        if focus.help_layer == 1:
            self.out.say("help.rate")

    def _repeat(self) -> None:
        prefs = self.state.prefs
        if not self.out.speaker.repeat(prefs.lang, prefs.headphones_in):
            self.out.say(f"screen.{self.state.focus.screen}")

    def _volume_key(self, step: int) -> None:
        if self.state.focus.overlay == "help":
            self.voice.rate(step)  # in help the volume keys set the speech rate
        else:
            self._volume(step)

    def _volume(self, step: int) -> None:
        prefs = self.state.prefs
        level = min(VOLUME_MAX, max(VOLUME_MIN, prefs.volume + step))
        if level != prefs.volume:
            prefs.volume = level
            self.out.emit("volume", level=level)
        if level == VOLUME_MAX:
            self.out.say("volume.loudest")
        elif level == VOLUME_MIN:
            self.out.say("volume.quietest")
        else:
            self.out.say("volume.louder" if step > 0 else "volume.quieter")
