"""Pure-Python signal analysis of 16-bit PCM for the speech tests (no numpy needed)."""

from __future__ import annotations

import cmath
import math

from kiosk.speech.pcm import RATE, samples


def fft(values: list[complex]) -> list[complex]:
    """Iterative radix-2 FFT; len(values) must be a power of two."""
    n = len(values)
    out = list(values)
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            out[i], out[j] = out[j], out[i]
    size = 2
    while size <= n:
        w_step = cmath.exp(-2j * math.pi / size)
        for start in range(0, n, size):
            w = 1 + 0j
            for k in range(size // 2):
                a, b = out[start + k], out[start + k + size // 2] * w
                out[start + k], out[start + k + size // 2] = a + b, a - b
                w *= w_step
        size *= 2
    return out


def spectrum(pcm: bytes) -> tuple[list[float], float]:
    """(power per bin up to Nyquist, Hz per bin) of the zero-padded signal."""
    values = [float(s) for s in samples(pcm)]
    n = 1
    while n < len(values):
        n *= 2
    n = max(n, 4096)
    spec = fft([complex(v) for v in values] + [0j] * (n - len(values)))
    return [abs(c) ** 2 for c in spec[: n // 2]], RATE / n


def dominant_hz(pcm: bytes) -> float:
    power, hz = spectrum(pcm)
    return max(range(1, len(power)), key=power.__getitem__) * hz


def band_fraction(pcm: bytes, low: float, high: float) -> float:
    """Share of the signal's energy between low and high Hz."""
    power, hz = spectrum(pcm)
    total = sum(power[1:])
    inside = sum(p for i, p in enumerate(power) if low <= i * hz <= high)
    return inside / total if total else 0.0


def segments(pcm: bytes, threshold: int = 300, min_gap_s: float = 0.01) -> list[tuple[int, int]]:
    """(start, end) sample indexes of the sounding parts, split at silences >= min_gap_s."""
    a = samples(pcm)
    window = max(1, int(RATE * 0.002))
    loud = [max(abs(x) for x in a[i : i + window]) > threshold for i in range(0, len(a), window)]
    out: list[tuple[int, int]] = []
    start = None
    quiet = 0
    gap = max(1, int(min_gap_s * RATE / window))
    for k, on in enumerate(loud):
        if on:
            if start is None:
                start = k
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= gap:
                out.append((start * window, (k - quiet + 1) * window))
                start, quiet = None, 0
    if start is not None:
        out.append((start * window, (len(loud) - quiet) * window))
    return out


def peak(pcm: bytes) -> int:
    a = samples(pcm)
    return max((abs(x) for x in a), default=0)


def rms(pcm: bytes) -> float:
    a = samples(pcm)
    return math.sqrt(sum(x * x for x in a) / len(a)) if len(a) else 0.0
