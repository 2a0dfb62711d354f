"""The one audio format of the kiosk and small helpers on raw PCM.

Everything (cues, espeak-ng, recorded prompts) is 16-bit signed little-endian mono at
22050 Hz, espeak-ng's native rate, so speech needs no resampling on the way out.
"""

from __future__ import annotations

import sys
import wave
from array import array
from pathlib import Path

RATE = 22050
SAMPLE_BYTES = 2
BLOCK_SAMPLES = 220  # 10 ms: the unit the queue writes and checks for interruption
BLOCK_BYTES = BLOCK_SAMPLES * SAMPLE_BYTES


class PcmError(ValueError):
    """A recorded prompt that cannot be read as PCM WAV."""


def samples(pcm: bytes) -> array:
    a = array("h")
    a.frombytes(pcm[: len(pcm) - len(pcm) % SAMPLE_BYTES])
    if sys.byteorder == "big":
        a.byteswap()
    return a


def to_bytes(a: array) -> bytes:
    if sys.byteorder == "big":
        a = array("h", a)
        a.byteswap()
    return a.tobytes()


def scale(pcm: bytes, gain: float) -> bytes:
    """Software volume. gain 1.0 returns the input unchanged."""
    if gain == 1.0:
        return pcm
    a = samples(pcm)
    return to_bytes(array("h", [max(-32768, min(32767, int(s * gain))) for s in a]))


def silence(n_samples: int) -> bytes:
    return bytes(n_samples * SAMPLE_BYTES)


def duration_s(pcm: bytes) -> float:
    return len(pcm) / (SAMPLE_BYTES * RATE)


def blocks(pcm: bytes, size: int = BLOCK_BYTES) -> list[bytes]:
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def read_wav(path: str | Path) -> bytes:
    """A PCM WAV file (8/16-bit, mono or stereo, any rate) as kiosk-format PCM.
    Raises PcmError when the file is not a PCM WAV."""
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, OSError) as e:
        raise PcmError(f"{path}: not a PCM WAV file ({e})") from e
    if width == 1:
        values = [(b - 128) << 8 for b in frames]
    elif width == 2:
        values = list(samples(frames))
    else:
        raise PcmError(f"{path}: {8 * width}-bit samples; record 16-bit PCM")
    if channels > 1:
        values = [sum(values[i : i + channels]) // channels for i in range(0, len(values), channels)]
    if rate != RATE and values:
        values = _resample(values, rate)
    return to_bytes(array("h", values))


def _resample(values: list[int], rate: int) -> list[int]:
    """Linear interpolation: good enough for speech clips recorded at 16/44.1/48 kHz."""
    n_out = max(1, int(len(values) * RATE / rate))
    step = (len(values) - 1) / max(1, n_out - 1)
    out = []
    for i in range(n_out):
        x = i * step
        j = int(x)
        frac = x - j
        nxt = values[j + 1] if j + 1 < len(values) else values[j]
        out.append(int(values[j] + (nxt - values[j]) * frac))
    return out


def write_wav(path: str | Path, pcm: bytes, rate: int = RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_BYTES)
        w.setframerate(rate)
        w.writeframes(pcm)
