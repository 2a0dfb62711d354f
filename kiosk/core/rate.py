"""The patron's speech rate: steps, the word said at each change, the default.

The session keeps the step (1..len(RATE_PERCENTS)), emits {"event":"rate","step":n} and
says rate.slower / rate.faster / rate.slowest / rate.fastest; the speaker turns the step
into a percentage of the language's configured rate ([speech] rate_wpm, rate_kk, ...).
Like the volume it goes back to RATE_DEFAULT at the end of every session.
"""

from __future__ import annotations

# 100 = the configured rate; roughly 15-20 % apart, which listeners hear as one step
RATE_PERCENTS: tuple[int, ...] = (55, 70, 85, 100, 120, 145, 175)
RATE_DEFAULT = RATE_PERCENTS.index(100) + 1
RATE_MIN, RATE_MAX = 1, len(RATE_PERCENTS)


def rate_percent(step: int) -> int:
    """The percentage of step 1..RATE_MAX (clamped)."""
    return RATE_PERCENTS[max(RATE_MIN, min(RATE_MAX, int(step))) - 1]


def change_rate(step: int, delta: int) -> tuple[int, str]:
    """The step after pressing slower (-1) or faster (+1), and the message to say."""
    new = max(RATE_MIN, min(RATE_MAX, step + delta))
    if new == RATE_MAX:
        return new, "rate.fastest"
    if new == RATE_MIN:
        return new, "rate.slowest"
    return new, "rate.faster" if delta > 0 else "rate.slower"
