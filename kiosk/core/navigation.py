"""EZ-Access navigation and activation: keys, focus moves, edges, help layers, back,
repeat, volume, language, contrast, and what each widget id does when selected or tapped.

A mixin of Session (kiosk.core.session): it works on the session's state.
"""

from __future__ import annotations

from kiosk.core.focus import LANGUAGE_IDS
from kiosk.core.languages import LANGUAGES, next_language

KEYS: tuple[str, ...] = ("up", "down", "select", "back", "help", "repeat", "volume_up",
                         "volume_down", "language")
VOLUME_MIN, VOLUME_MAX, VOLUME_DEFAULT = 1, 10, 6
HELP_LAYERS = 3
EDGE_LAYERS = 3


class Navigation:
    def _activate(self, widget_id: str) -> None:
        if widget_id.startswith("loan:"):
            self._do(("renew", widget_id[5:]))
        elif widget_id in LANGUAGE_IDS:
            self._set_language(widget_id.removeprefix("language_"))
        else:
            getattr(self, f"_act_{widget_id}")()

    def _act_finish(self) -> None:
        self._do(("finish",))

    def _act_renew_all(self) -> None:
        if not self.loans:
            self._say("renew_all.none")
            return
        self._do(("renew_all",))

    def _act_call_staff(self) -> None:
        self._call_staff()

    def _act_help(self) -> None:
        self._key_help()

    def _act_back(self) -> None:
        self._key_back()

    def _act_language(self) -> None:
        self._show(overlay="language")
        self._say("language.prompt")

    def _act_contrast(self) -> None:
        self.contrast = not self.contrast
        self._say("contrast.on" if self.contrast else "contrast.off")

    def _act_receipt_yes(self) -> None:
        if self.receipt_offered:
            self.receipt_offered = False
            self._print_receipt()
            self._focus_on("done")

    def _act_receipt_no(self) -> None:
        if self.receipt_offered:
            self.receipt_offered = False
            self._say("receipt.none")
            self._focus_on("done")

    def _focus_on(self, widget_id: str) -> None:
        """Move the focus for the patron (the item under it went away): speech says where
        the focus is now, so what is heard matches what is highlighted."""
        self.focus_id = widget_id
        item = next((f for f in self._focus() if f.id == widget_id), None)
        if item is not None:
            self._say(item.msg, item.params, item.private)

    def _act_done(self) -> None:
        self._say("summary.bye")
        self._to_attract(silent=True)

    def _set_language(self, lang: str) -> None:
        if lang in LANGUAGES:
            self.lang = lang
            if self.overlay == "language":
                self._show(overlay=None)  # chosen: back to where the patron was
            self._say("language.current")

    def _call_staff(self) -> None:
        if self._alert_handler is not None:
            self._alert_handler()
        elif self.alert_state in ("raised", "escalated"):
            self._cue("attention")
            self._say("staff.raised")
        else:
            self.alert_changed("raised")

    # ---------------------------------------------------------------- keys
    def _move(self, step: int) -> None:
        focus = self._focus()
        ids = [f.id for f in focus]
        if not focus:
            self._cue("edge")
            return
        index = ids.index(self.focus_id) if self.focus_id in ids else -1
        target = 0 if index == -1 else index + step
        if 0 <= target < len(focus):
            self._edge = ("", 0)
            self.focus_id = ids[target]
            self._cue("move")
            item = focus[target]
            self._say(item.msg, item.params, item.private)
            return
        side = "top" if step < 0 else "bottom"
        count = self._edge[1] + 1 if self._edge[0] == side else 1
        self._edge = (side, count)
        self._cue("edge")
        self._say(f"edge.{side}.{min(count, EDGE_LAYERS)}")

    def _key_up(self) -> None:
        self._move(-1)

    def _key_down(self) -> None:
        self._move(+1)

    def _key_select(self) -> None:
        focused = self.focus_id if self.focus_id in [f.id for f in self._focus()] else None
        if focused is None:
            self._say("nav.nothing_focused")
            return
        self._activate(focused)

    def _key_back(self) -> None:
        if self.overlay is not None:
            self._show(overlay=None)
            self.help_layer = 0
            self._say(f"screen.{self.base}")
        elif self.notice is not None:
            self.notice = None
            self._say("notice.closed")
        elif self.base == "account":
            self._do(("finish",))
        elif self.base == "summary":
            self._act_done()
        else:
            self._say("attract.prompt")

    def _key_help(self) -> None:
        if self.overlay == "help":
            self.help_layer = self.help_layer % HELP_LAYERS + 1
        else:
            self.help_layer = 1
            self._show(overlay="help")
        if self.help_layer == 1 and self.base == "account":
            self._say_guidance()  # where the scanner is comes first
        self._say(f"help.{self.base}.{self.help_layer}")
        if self.help_layer == 1:
            self._say("help.rate")

    def _key_repeat(self) -> None:
        if not self.speaker.repeat(self.lang, self.headphones_in):
            self._say(f"screen.{self.screen}")

    def _key_volume_up(self) -> None:
        if self.overlay == "help":
            self._rate(+1)  # in help the volume keys set the speech rate (kiosk.core.voice)
        else:
            self._volume(+1)

    def _key_volume_down(self) -> None:
        if self.overlay == "help":
            self._rate(-1)
        else:
            self._volume(-1)

    def _volume(self, step: int) -> None:
        level = min(VOLUME_MAX, max(VOLUME_MIN, self.volume + step))
        if level != self.volume:
            self.volume = level
            self._emit("volume", level=level)
        if level == VOLUME_MAX:
            self._say("volume.loudest")
        elif level == VOLUME_MIN:
            self._say("volume.quietest")
        else:
            self._say("volume.louder" if step > 0 else "volume.quieter")

    def _key_language(self) -> None:
        self._set_language(next_language(self.lang))
