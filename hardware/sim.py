"""Doubles for the desktop and for tests, with the interfaces of the real adapters.

Scanners (same callbacks as hardware.scanner.Scanners: on_code(code, role), on_dropped(role),
start(), stop()):
  KeyboardScanner  the desktop keyboard types codes. The app forwards what was typed:
                   type_char(ch) (True when the scanner used it) and press_enter(keypad);
                   which key codes are Enter is the app's key table, not this module's.
                   Codes go through the same Decoder as a real scanner (US layout), so
                   what is typed is what a scanner would send; `type_text("12345\n")`
                   does the same from code.
  ScriptedScanner  push(code) -> on_code(code, role); push_dropped() -> on_dropped(role).

Board: `sim_board(pins, ...)` builds the real `Board` on gpiozero's MockFactory and returns
  a `MockBoard` that presses, releases and holds the mock pins. `pins` names them as
  hardware/README.md's wiring table does (the kiosk passes its suggested wiring,
  kiosk.config.wiring.SUGGESTED_WIRING); `press_binding(name)` works a key by the name of
  the kiosk's key table (the app maps desktop keys to those names).

Printers (same interface as ReceiptPrinter: print_lines(lines, on_result)):
  MemoryPrinter    keeps the ESC/POS bytes (escpos.printer.Dummy) and the printed lines.
  FailingPrinter   fails on demand: "no_printer", "paper_out" or "timeout" (a jammed write).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hardware.board import Board
from hardware.decoder import (
    EV_KEY,
    KEY_ENTER,
    KEY_KPENTER,
    KEY_LEFTSHIFT,
    US_KEYMAP,
    Decoder,
    Dropped,
)
from hardware.printer import PrinterUnavailable, PrintResult, ReceiptPrinter

OnCode = Callable[[str, str], None]
OnDropped = Callable[[str], None]

_KEYPAD_CODES = {79, 80, 81, 75, 76, 77, 71, 72, 73, 82, 83, 98, 55, 74, 78, 117, 121}
# character -> (evdev key code, needs Shift), main keyboard rows only
CHAR_TO_KEY: dict[str, tuple[int, bool]] = {}
for _code, (_plain, _shifted) in US_KEYMAP.items():
    if _code in _KEYPAD_CODES:
        continue
    CHAR_TO_KEY.setdefault(_plain, (_code, False))
    CHAR_TO_KEY.setdefault(_shifted, (_code, True))


def text_to_events(text: str) -> list[tuple[int, int, int]]:
    """evdev (type, code, value) triples a US-layout scanner would send for `text`
    ("\\n" = Enter). Characters a US keyboard cannot type are skipped."""
    events: list[tuple[int, int, int]] = []
    for ch in text:
        if ch == "\n":
            events += [(EV_KEY, KEY_ENTER, 1), (EV_KEY, KEY_ENTER, 0)]
            continue
        hit = CHAR_TO_KEY.get(ch)
        if hit is None:
            continue
        code, shift = hit
        if shift:
            events.append((EV_KEY, KEY_LEFTSHIFT, 1))
        events += [(EV_KEY, code, 1), (EV_KEY, code, 0)]
        if shift:
            events.append((EV_KEY, KEY_LEFTSHIFT, 0))
    return events


class _DecodingScanner:
    def __init__(
        self,
        on_code: OnCode,
        on_dropped: OnDropped | None = None,
        *,
        role: str = "any",
        decoder: Decoder | None = None,
    ) -> None:
        self.on_code = on_code
        self.on_dropped = on_dropped
        self.role = role
        self.decoder = decoder or Decoder()
        self.running = False

    def start(self) -> _DecodingScanner:
        self.running = True
        return self

    def stop(self) -> None:
        self.running = False

    def _feed(self, events: Iterable[Any]) -> None:
        for event in events:
            out = self.decoder.feed(event)
            if isinstance(out, Dropped):
                if self.on_dropped is not None:
                    self.on_dropped(self.role)
            elif out is not None:
                self.on_code(out, self.role)


class KeyboardScanner(_DecodingScanner):
    """Desktop keyboard as a scanner (see the module docstring for the wiring)."""

    def type_char(self, char: str) -> bool:
        """One typed character; False (not used) when stopped or not a scanner character."""
        if not self.running or len(char) != 1 or char not in CHAR_TO_KEY:
            return False
        self._feed(text_to_events(char))
        return True

    def press_enter(self, keypad: bool = False) -> bool:
        """Enter (or keypad Enter) ends the code typed so far."""
        if not self.running:
            return False
        code = KEY_KPENTER if keypad else KEY_ENTER
        self._feed([(EV_KEY, code, 1), (EV_KEY, code, 0)])
        return True

    def type_text(self, text: str) -> None:
        self._feed(text_to_events(text))


class ScriptedScanner(_DecodingScanner):
    """Tests and `kiosk script`: push(code) delivers the code followed by Enter."""

    def push(self, code: str, role: str | None = None) -> None:
        saved = self.role
        if role is not None:
            self.role = role
        try:
            self._feed(text_to_events(code + "\n"))
        finally:
            self.role = saved

    def push_dropped(self, role: str | None = None) -> None:
        """As if the kernel dropped events mid-scan (SYN_DROPPED)."""
        if self.on_dropped is not None:
            self.on_dropped(role or self.role)


# hardware/README.md's names of the inputs and lamps that are not keys
CALL_BUTTON, CALL_LAMP, HEADPHONE_SWITCH, DESK_LAMP = (
    "call_button", "call_lamp", "headphone_switch", "desk_lamp")


class MockBoard:
    """The real Board on gpiozero's MockFactory, plus hands to press its buttons."""

    def __init__(self, board: Board, pins: Mapping[str, int]) -> None:
        self.board = board
        self.factory = board.factory
        self.pins = dict(pins)

    def pin(self, name: str) -> Any:
        return self.factory.pin(self.pins[name])

    def press(self, name: str) -> None:
        self.pin(name).drive_low()  # buttons pull the pin to ground

    def release(self, name: str) -> None:
        self.pin(name).drive_high()

    def tap(self, name: str) -> None:
        self.press(name)
        self.release(name)

    def hold(self, name: str, seconds: float | None = None) -> None:
        """Press, keep it down past hold_time (real time: the board's hold timer), release."""
        inp = self.board.inputs[name]
        self.press(name)
        time.sleep(seconds if seconds is not None else inp.hold_time_s + 0.1)
        self.release(name)

    def headphones(self, inserted: bool) -> None:
        closed = inserted == self.board._jack_inserted_when_active
        if closed:
            self.pin(HEADPHONE_SWITCH).drive_low()
        else:
            self.pin(HEADPHONE_SWITCH).drive_high()

    def lamp_on(self, which: str = CALL_LAMP) -> bool:
        """Is the lamp's pin high right now?"""
        return bool(self.pin(which).state)

    def press_binding(self, name: str) -> bool:
        """Work the control the kiosk's key table calls `name`: a key is tapped, "call" taps
        the call button, "headphones" moves the plug in or out. False when not fitted."""
        if name == "headphones":
            if HEADPHONE_SWITCH not in self.pins:
                return False
            self.headphones(not self.board.headphones_in)
        elif name in self.pins and name not in (CALL_LAMP, DESK_LAMP, HEADPHONE_SWITCH):
            self.tap(name)
        else:
            return False
        return True


def sim_board(pins: Mapping[str, int], **kwargs: Any) -> MockBoard:
    """A Board on a fresh MockFactory. pins: name -> BCM pin, the names of hardware/README.md's
    wiring table (keys, call_button, call_lamp, headphone_switch, desk_lamp)."""
    from gpiozero.pins.mock import MockFactory

    pins = dict(pins)
    special = {CALL_BUTTON, CALL_LAMP, HEADPHONE_SWITCH, DESK_LAMP}
    kwargs.setdefault("headphone_settle_s", 0.0)  # mock contacts do not chatter
    board = Board(
        {k: v for k, v in pins.items() if k not in special},
        call_button_pin=pins.get(CALL_BUTTON),
        call_lamp_pin=pins.get(CALL_LAMP),
        headphone_pin=pins.get(HEADPHONE_SWITCH),
        desk_lamp_pin=pins.get(DESK_LAMP),
        pin_factory=MockFactory(),
        **kwargs,
    )
    aliases = {"call": pins[CALL_BUTTON]} if CALL_BUTTON in pins else {}
    return MockBoard(board, {**pins, **aliases})


class MemoryPrinter(ReceiptPrinter):
    """Prints into memory: `output` is the ESC/POS byte stream, `jobs` the printed lines.

    Only the last `keep` jobs are kept: a receipt is a raster image of ~40 KB, and a kiosk
    on its embedded defaults (`make run`, `kiosk bench --soak`) prints one every session."""

    def __init__(self, keep: int = 20, **kwargs: Any) -> None:
        self._dummy: Any = None  # created on first use: importing escpos takes ~0.6 s
        self._kept: deque[tuple[list[str], bytes]] = deque(maxlen=keep)
        kwargs.setdefault("timeout_s", 5.0)
        super().__init__(lambda: self.dummy, **kwargs)

    @property
    def dummy(self) -> Any:
        if self._dummy is None:
            from escpos.printer import Dummy

            self._dummy = Dummy()
        return self._dummy

    @property
    def jobs(self) -> list[list[str]]:
        return [lines for lines, _ in self._kept]

    @property
    def output(self) -> bytes:
        pending = self._dummy.output if self._dummy is not None else b""
        return b"".join(data for _, data in self._kept) + pending

    def _print_now(self, lines: list[str]) -> PrintResult:
        result = super()._print_now(lines)
        if result.ok:
            self._kept.append((list(lines), self.dummy.output))
            self.dummy.clear()
        return result


class FailingPrinter(ReceiptPrinter):
    """A printer that fails on demand. mode: "no_printer" (unplugged), "paper_out" (paper
    sensor says empty), "timeout" (the write hangs until released), "ok" (prints)."""

    def __init__(self, mode: str = "no_printer", **kwargs: Any) -> None:
        self.mode = mode
        self.release_jam = threading.Event()
        kwargs.setdefault("timeout_s", 0.3)
        super().__init__(self._connect, **kwargs)

    def _connect(self) -> Any:
        from escpos.printer import Dummy

        if self.mode == "no_printer":
            raise PrinterUnavailable("printer offline (simulated)")
        owner = self

        class _Sim(Dummy):
            def _read(self) -> bytes:
                return bytes([114 if owner.mode == "paper_out" else 18])

            def _raw(self, msg: bytes) -> None:
                if owner.mode == "timeout":
                    owner.release_jam.wait(10)
                    raise TimeoutError("write timed out (simulated jam)")
                super()._raw(msg)

        return _Sim()
