"""Sound cues generated as PCM at start-up (no files, nothing to load later).

All energy stays between 500 and 3000 Hz (heard well by children and by older ears, and
clear of the loudspeaker's bass roll-off): pure tones, and "buzzes" made of a fundamental
plus in-band harmonics instead of a square wave (whose harmonics would run past 3 kHz).
Every tone starts and ends with a short raised-cosine fade so that no cue clicks.
"""

from __future__ import annotations

import math
from array import array
from functools import cache

from kiosk.speech.pcm import RATE, to_bytes

CUE_NAMES: tuple[str, ...] = ("move", "success", "error", "attention", "edge", "scan")
FADE_S = 0.004
PEAK = 0.55  # of full scale, leaves headroom for the volume steps above 1.0


def _tone(duration_s: float, partials: list[tuple[float, float]]) -> list[float]:
    """A tone of `duration_s` made of (frequency, relative amplitude) partials, faded in/out."""
    n = int(RATE * duration_s)
    fade = max(1, min(int(RATE * FADE_S), n // 4))
    total = sum(a for _, a in partials)
    out = []
    for i in range(n):
        t = i / RATE
        v = sum(a * math.sin(2 * math.pi * f * t) for f, a in partials) / total
        if i < fade:
            v *= 0.5 - 0.5 * math.cos(math.pi * i / fade)
        elif i >= n - fade:
            v *= 0.5 - 0.5 * math.cos(math.pi * (n - 1 - i) / fade)
        out.append(v)
    return out


def _gap(duration_s: float) -> list[float]:
    return [0.0] * int(RATE * duration_s)


def _buzz(f0: float) -> list[tuple[float, float]]:
    return [(f0, 1.0), (2 * f0, 0.6), (3 * f0, 0.4), (4 * f0, 0.25)]


def cue_shapes() -> dict[str, list[float]]:
    """Float samples (-1..1) of each cue: the specification in one place."""
    return {
        # a short high tick on every focus move
        "move": _tone(0.025, [(1500, 1.0)]),
        # two rising notes (a fifth apart): done
        "success": _tone(0.075, [(880, 1.0)]) + _tone(0.075, [(1320, 1.0)]),
        # two low buzzes: something went wrong
        "error": _tone(0.100, _buzz(520)) + _gap(0.050) + _tone(0.100, _buzz(520)),
        # three rising pulses: staff called / staff answered
        "attention": (
            _tone(0.090, [(880, 1.0)]) + _gap(0.050)
            + _tone(0.090, [(1175, 1.0)]) + _gap(0.050)
            + _tone(0.090, [(1568, 1.0)])
        ),
        # one short buzz: first or last item reached
        "edge": _tone(0.120, _buzz(600)),
        # a quick high double tick: the scanner delivered something, the answer follows
        # (higher and doubled, so it is never taken for the move tick)
        "scan": _tone(0.010, [(2600, 1.0)]) + _gap(0.012) + _tone(0.010, [(2600, 1.0)]),
    }


def generate_cues(peak: float = PEAK) -> dict[str, bytes]:
    """name -> 16-bit mono PCM at RATE (computed once per process)."""
    return dict(_generate(peak))


@cache
def _generate(peak: float) -> tuple[tuple[str, bytes], ...]:
    return tuple(
        (name, to_bytes(array("h", [int(v * peak * 32767) for v in shape])))
        for name, shape in cue_shapes().items()
    )
