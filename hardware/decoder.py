"""US-layout decoding of keyboard-wedge scanner events (pure Python, no evdev needed).

A barcode scanner is a USB keyboard: it "types" the code and presses Enter. The kernel
reports evdev events as (type, code, value) triples; value 1 = press, 0 = release,
2 = auto-repeat. Every scanner must be configured for the US layout, so this table does
not depend on the host's Kazakh or Russian keyboard layout.

`Decoder` is the stateful part shared by `decode_events` (the pure contract function),
the evdev reader thread and the desktop keyboard double.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Linux input-event-codes.h numbers (checked against evdev.ecodes in the tests).
EV_SYN = 0
EV_KEY = 1
SYN_REPORT = 0
SYN_DROPPED = 3

KEY_ENTER = 28
KEY_KPENTER = 96
KEY_LEFTSHIFT = 42
KEY_RIGHTSHIFT = 54
KEY_CAPSLOCK = 58
KEY_LEFTCTRL = 29
KEY_RIGHTCTRL = 97
KEY_LEFTALT = 56
KEY_RIGHTALT = 100

SHIFT_KEYS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
# A character typed while Ctrl or Alt is held is a control chord, not part of a code.
CHORD_KEYS = frozenset({KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT})
END_KEYS = frozenset({KEY_ENTER, KEY_KPENTER})

# key code -> (plain, shifted) on a US keyboard
_ROWS: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"),
    7: ("6", "^"), 8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"),
    12: ("-", "_"), 13: ("=", "+"),
    26: ("[", "{"), 27: ("]", "}"), 39: (";", ":"), 40: ("'", '"'), 41: ("`", "~"),
    43: ("\\", "|"), 51: (",", "<"), 52: (".", ">"), 53: ("/", "?"), 57: (" ", " "),
}
_LETTERS = {
    16: "q", 17: "w", 18: "e", 19: "r", 20: "t", 21: "y", 22: "u", 23: "i", 24: "o", 25: "p",
    30: "a", 31: "s", 32: "d", 33: "f", 34: "g", 35: "h", 36: "j", 37: "k", 38: "l",
    44: "z", 45: "x", 46: "c", 47: "v", 48: "b", 49: "n", 50: "m",
}
# Keypad keys type the same with or without Shift (scanners assume Num Lock on).
_KEYPAD = {
    82: "0", 79: "1", 80: "2", 81: "3", 75: "4", 76: "5", 77: "6", 71: "7", 72: "8", 73: "9",
    83: ".", 98: "/", 55: "*", 74: "-", 78: "+", 117: "=", 121: ",",
}
US_KEYMAP: dict[int, tuple[str, str]] = {
    **_ROWS,
    **{code: (ch, ch.upper()) for code, ch in _LETTERS.items()},
    **{code: (ch, ch) for code, ch in _KEYPAD.items()},
}


@dataclass(frozen=True)
class Dropped:
    """A code was thrown away. reason: "syn_dropped" (the kernel lost events: ask the
    patron to scan again) or "too_long" (longer than max_length)."""

    reason: str


def _unpack(event: Any) -> tuple[int, int, int, float | None]:
    """(type, code, value, timestamp) from an evdev InputEvent or a plain triple."""
    inner = getattr(event, "event", None)  # evdev.categorize() wrappers (KeyEvent, SynEvent)
    if inner is not None and hasattr(inner, "type"):
        event = inner
    if hasattr(event, "type") and hasattr(event, "code") and hasattr(event, "value"):
        ts = event.timestamp() if hasattr(event, "timestamp") else None
        return int(event.type), int(event.code), int(event.value), ts
    etype, code, value = event[:3]
    ts = float(event[3]) if len(event) > 3 else None
    return int(etype), int(code), int(value), ts


class Decoder:
    """Turns key events into completed codes.

    inter_key_timeout: seconds; a gap longer than this between key presses throws away what
        was typed so far (a person typing is not a scan). None = no timing rule. Needs
        timestamps (evdev InputEvents or 4-tuples (type, code, value, seconds)).
    max_length: a code longer than this is discarded whole (reported as Dropped("too_long")).
    prefix, suffix: stripped from a completed code when present (scanner-configured framing).
    """

    def __init__(
        self,
        inter_key_timeout: float | None = None,
        max_length: int | None = None,
        prefix: str = "",
        suffix: str = "",
    ) -> None:
        if inter_key_timeout is not None and inter_key_timeout <= 0:
            inter_key_timeout = None
        if max_length is not None and max_length < 1:
            raise ValueError("max_length must be at least 1")
        self.inter_key_timeout = inter_key_timeout
        self.max_length = max_length
        self.prefix = prefix
        self.suffix = suffix
        self.reset()

    def reset(self) -> None:
        """Forget the code in progress and every held modifier."""
        self._buf: list[str] = []
        self._shift: set[int] = set()
        self._chord: set[int] = set()
        self._caps = False
        self._too_long = False
        self._skip_burst = False  # after SYN_DROPPED: ignore the rest of that scan
        self._last_press: float | None = None

    def resync(self, pressed_keys: Iterable[int]) -> None:
        """Set the held modifiers from the device's real key state (after SYN_DROPPED)."""
        keys = set(pressed_keys)
        self._shift = keys & SHIFT_KEYS
        self._chord = keys & CHORD_KEYS

    @property
    def pending(self) -> str:
        return "".join(self._buf)

    def _discard(self) -> None:
        self._buf.clear()
        self._too_long = False

    def feed(self, event: Any) -> str | Dropped | None:
        """Feed one event; returns a completed code, a Dropped notice, or None."""
        etype, code, value, ts = _unpack(event)
        if etype == EV_SYN:
            return self._sync(code, ts)
        if etype != EV_KEY:
            return None
        if self._modifier(code, value):
            return None
        if value != 1:  # releases and auto-repeat add nothing
            return None
        if code == KEY_CAPSLOCK:
            self._caps = not self._caps
            return None

        if self.inter_key_timeout is not None and ts is not None:
            gap_too_long = self._last_press is not None and ts - self._last_press > self.inter_key_timeout
            self._last_press = ts
            if gap_too_long:
                self._discard()
                self._skip_burst = False
        if self._skip_burst:
            if code in END_KEYS:
                self._skip_burst = False
                self._discard()
            return None

        if code in END_KEYS:
            return self._finish()
        if self._chord:
            return None
        self._add_char(code)
        return None

    def _sync(self, code: int, ts: float | None) -> Dropped | None:
        """An EV_SYN event: SYN_DROPPED means the kernel lost events, so the scan in progress
        is broken."""
        if code == SYN_DROPPED:
            had_partial = bool(self._buf) or self._too_long
            self._discard()
            # Releases may have been lost with the events: forget held modifiers.
            self._shift.clear()
            self._chord.clear()
            # Without timing the tail of the broken scan cannot be told from a new
            # scan; with timing, keys continuing the same burst are skipped too.
            self._skip_burst = self.inter_key_timeout is not None and ts is not None
            self._last_press = ts
            if had_partial or self._skip_burst:
                return Dropped("syn_dropped")
        return None

    def _modifier(self, code: int, value: int) -> bool:
        """Track Shift and the chord keys (Ctrl, Alt, Meta); True when `code` is one."""
        for keys, held in ((SHIFT_KEYS, self._shift), (CHORD_KEYS, self._chord)):
            if code in keys:
                if value == 1:
                    held.add(code)
                elif value == 0:
                    held.discard(code)
                return True
        return False

    def _add_char(self, code: int) -> None:
        """One key press of the code's body: its character, by the US layout and Shift/Caps."""
        pair = US_KEYMAP.get(code)
        if pair is None:
            return
        ch = pair[1] if self._shift else pair[0]
        if self._caps and ch.isalpha():
            ch = ch.lower() if self._shift else ch.upper()
        if self.max_length is not None and len(self._buf) >= self.max_length:
            self._too_long = True
            return
        self._buf.append(ch)

    def _finish(self) -> str | Dropped | None:
        too_long = self._too_long
        text = "".join(self._buf)
        self._discard()
        if too_long:
            return Dropped("too_long")
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix):]
        if self.suffix and text.endswith(self.suffix):
            text = text[: len(text) - len(self.suffix)]
        return text or None


def decode_events(
    events: Iterable[Any],
    *,
    inter_key_timeout: float | None = None,
    max_length: int | None = None,
    prefix: str = "",
    suffix: str = "",
) -> list[str]:
    """The completed codes, in order, from evdev (type, code, value) triples or InputEvents.

    Enter and keypad Enter end a code; Shift (left or right) gives upper case and shifted
    symbols; key-repeat (value 2) adds nothing; SYN_DROPPED discards the code in progress.
    The keyword options are those of `Decoder` (all off by default).
    """
    decoder = Decoder(inter_key_timeout, max_length, prefix, suffix)
    codes: list[str] = []
    for event in events:
        out = decoder.feed(event)
        if isinstance(out, str):
            codes.append(out)
    return codes
