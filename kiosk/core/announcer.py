"""Turns message ids into `say` events, remembers the last utterance for the repeat key.

Personal data (name, titles, loans) is spoken only in headphones, flagged private; on the
loudspeaker the caller's public variant is said instead (`say_personal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.events import EventBus
from kiosk.core.messages import RenderSpeech, RenderText


@dataclass(frozen=True)
class Utterance:
    msg: str
    params: Mapping[str, Any] = field(default_factory=dict)
    private: bool = False


class Announcer:
    def __init__(self, bus: EventBus, render: RenderSpeech, render_text: RenderText) -> None:
        self._bus = bus
        self._render = render
        self._render_text = render_text
        self.last: list[Utterance] = []
        self._fresh = True
        self.used: set[str] = set()  # every message id said (tests check the catalogues)

    def begin(self) -> None:
        """A new input: the next say starts a new 'last utterance'."""
        self._fresh = True

    def say(self, msg: str, lang: str, params: Mapping[str, Any] | None = None,
            private: bool = False) -> None:
        u = Utterance(msg, dict(params or {}), private)
        if self._fresh:
            self.last = []
            self._fresh = False
        self.last.append(u)
        self._emit(u, lang)

    def say_personal(self, headphones: bool, lang: str, msg: str, params: Mapping[str, Any],
                     public_msg: str, public_params: Mapping[str, Any] | None = None) -> None:
        if headphones:
            self.say(msg, lang, params, private=True)
        else:
            self.say(public_msg, lang, public_params or {}, private=False)

    def repeat(self, lang: str, headphones: bool) -> bool:
        """Say the last utterance again (in the current language). False if there is none."""
        if not self.last:
            return False
        for u in self.last:
            if u.private and not headphones:
                continue  # headphones came out since: never on the loudspeaker
            self._emit(u, lang)
        return True

    def forget(self) -> None:
        """Logout: the last utterance may hold the reader's name or titles."""
        self.last = []
        self._fresh = True

    def _emit(self, u: Utterance, lang: str) -> None:
        self.used.add(u.msg)
        # nested message ids ("reason_msg": "reason.loan_limit.short") become text in `lang`
        params = {k: self._render_text(v, {}, lang) if k.endswith("_msg") and isinstance(v, str)
                  else v
                  for k, v in u.params.items()}
        text = self._render(u.msg, params, lang)
        event = {"event": "say", "lang": lang, "text": str(text), "private": u.private,
                 "msg": u.msg}
        # a renderer may tell the language of each part (a Russian title in a Kazakh
        # sentence): then the event lists them, in order
        segments = getattr(text, "segments", ())
        if len({part_lang for part_lang, _ in segments}) > 1:
            event["segments"] = [{"lang": part_lang, "text": part} for part_lang, part in segments]
        self._bus.publish(event)
