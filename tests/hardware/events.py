"""Synthetic evdev event streams, shaped like a real USB keyboard-wedge scanner sends them:
MSC_SCAN, the key event, SYN_REPORT for every press and release."""

from __future__ import annotations

from hardware.sim import CHAR_TO_KEY

EV_SYN, EV_KEY, EV_MSC = 0, 1, 4
SYN_REPORT, SYN_DROPPED, MSC_SCAN = 0, 3, 4
ENTER, KPENTER, LSHIFT, RSHIFT = 28, 96, 42, 54


def key(code: int, value: int) -> list[tuple[int, int, int]]:
    return [(EV_MSC, MSC_SCAN, 0x70000 + code), (EV_KEY, code, value), (EV_SYN, SYN_REPORT, 0)]


def tap(code: int) -> list[tuple[int, int, int]]:
    return key(code, 1) + key(code, 0)


def typed(text: str, shift: int = LSHIFT, enter: int = ENTER) -> list[tuple[int, int, int]]:
    """Events for `text`; "\\n" presses `enter`."""
    out: list[tuple[int, int, int]] = []
    for ch in text:
        if ch == "\n":
            out += tap(enter)
            continue
        code, shifted = CHAR_TO_KEY[ch]
        if shifted:
            out += key(shift, 1)
        out += tap(code)
        if shifted:
            out += key(shift, 0)
    return out


def timed(events: list[tuple[int, int, int]], start: float, step: float) -> list[tuple[int, int, int, float]]:
    """Give each key press its own time, `step` seconds apart (other events share it)."""
    out = []
    t = start
    for etype, code, value in events:
        if etype == EV_KEY and value == 1:
            t += step
        out.append((etype, code, value, t))
    return out


DROPPED = [(EV_SYN, SYN_DROPPED, 0)]
