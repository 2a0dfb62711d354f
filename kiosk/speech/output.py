"""Audio sinks: where PCM blocks leave the kiosk. One interface, three kinds.

    AplaySink      the sound card, through one persistent `aplay -t raw` process
    NullSink       no sound card: keeps time like a device, plays nothing
    RecordingSink  the device-edge double for tests and measurements: keeps time like a
                   device and records when each block arrived

Why aplay and not Kivy's audio: Kivy's SDL2 audio has a fixed 4096-sample buffer (~93 ms)
and loads sounds as files; the cue goal is 30 ms and speech must be cut within 50 ms.
A raw-PCM aplay process started once costs nothing per sound, and its buffer is set small
(`buffer_ms`). Audio already handed to a device cannot be taken back, so every sink is
paced: the queue may run at most `lead_s` ahead of what the device has played. That
bounds both the cue latency and what still sounds after an interrupt.

Sinks are called from the audio queue's one thread only.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Protocol

from kiosk.speech.pcm import RATE, SAMPLE_BYTES

log = logging.getLogger(__name__)

DEFAULT_LEAD_S = 0.03


class SinkError(OSError):
    """The device went away (aplay exited, sound card unplugged)."""


class Sink(Protocol):
    name: str

    def write(self, pcm: bytes, abort: threading.Event | None = None) -> bool:
        """Hand one block to the device; returns True when the device has taken it,
        False when `abort` was set while waiting for room (the block is dropped)."""
        ...

    def close(self) -> None: ...


class Pacer:
    """Models a device consuming RATE samples per second: write() waits while more
    than `lead_s` of audio is queued ahead of real time."""

    def __init__(self, lead_s: float = DEFAULT_LEAD_S, clock: Callable[[], float] = time.perf_counter):
        self.lead_s = lead_s
        self._clock = clock
        self._end = 0.0  # when the audio written so far will have finished playing

    def wait(self, n_samples: int, abort: threading.Event | None = None) -> bool:
        """Wait for room for n_samples; False (nothing counted) when aborted meanwhile."""
        now = self._clock()
        if self._end < now:
            self._end = now  # the device ran dry (idle): start again from now
        ahead = self._end - now
        if ahead > self.lead_s:
            if abort is not None:
                if abort.wait(ahead - self.lead_s):
                    return False
            else:
                time.sleep(ahead - self.lead_s)
        if abort is not None and abort.is_set():
            return False
        self._end += n_samples / RATE
        return True

    def queued_s(self) -> float:
        return max(0.0, self._end - self._clock())


class NullSink:
    """No sound card: audio is timed like a device and discarded."""

    def __init__(self, name: str = "null", lead_s: float = DEFAULT_LEAD_S) -> None:
        self.name = name
        self._pacer = Pacer(lead_s)

    def write(self, pcm: bytes, abort: threading.Event | None = None) -> bool:
        return self._pacer.wait(len(pcm) // SAMPLE_BYTES, abort)

    def close(self) -> None:
        pass


class RecordingSink:
    """The device-edge double: records (arrival time, block) for every write.

    realtime=True paces like a sound card (tests of interruption and latency need that);
    realtime=False takes blocks as fast as they come (fast tests of content)."""

    def __init__(self, name: str = "recording", realtime: bool = True,
                 lead_s: float = DEFAULT_LEAD_S) -> None:
        self.name = name
        self.realtime = realtime
        self._pacer = Pacer(lead_s)
        self.blocks: list[tuple[float, bytes]] = []
        self._cond = threading.Condition()
        self.closed = False

    def write(self, pcm: bytes, abort: threading.Event | None = None) -> bool:
        if self.realtime and not self._pacer.wait(len(pcm) // SAMPLE_BYTES, abort):
            return False
        with self._cond:
            self.blocks.append((time.perf_counter(), pcm))
            self._cond.notify_all()
        return True

    def close(self) -> None:
        self.closed = True

    def pcm(self, since: float = 0.0) -> bytes:
        with self._cond:
            return b"".join(b for t, b in self.blocks if t >= since)

    def times(self) -> list[float]:
        with self._cond:
            return [t for t, _ in self.blocks]

    def clear(self) -> None:
        with self._cond:
            self.blocks.clear()

    def wait_for(self, predicate: Callable[[list[tuple[float, bytes]]], bool],
                 timeout: float = 5.0) -> bool:
        """Wait until predicate(blocks) holds; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self.blocks), timeout)

    def wait_audio(self, since: float = 0.0, timeout: float = 5.0) -> float | None:
        """Arrival time of the first non-silent block at or after `since`, or None."""
        found: list[float] = []

        def check(blocks: list[tuple[float, bytes]]) -> bool:
            for t, b in blocks:
                if t >= since and any(b):
                    found.append(t)
                    return True
            return False

        return found[0] if self.wait_for(check, timeout) else None


class AplaySink:
    """The sound card through a persistent `aplay -t raw` process (alsa-utils).

    `--start-delay` of one period makes aplay start playing as soon as a block arrives,
    also after it ran dry while the kiosk was silent (aplay then recovers on its own)."""

    PERIOD_US = 10_000

    def __init__(self, device: str = "default", name: str = "loudspeaker",
                 lead_s: float = DEFAULT_LEAD_S, binary: str = "aplay") -> None:
        self.name = name
        self.device = device
        self._pacer = Pacer(lead_s)
        buffer_us = max(int(lead_s * 1_000_000), 3 * self.PERIOD_US)
        self.command = [
            binary, "-q", "-D", device, "-t", "raw", "-f", "S16_LE", "-r", str(RATE), "-c", "1",
            f"--buffer-time={buffer_us}", f"--period-time={self.PERIOD_US}",
            f"--start-delay={self.PERIOD_US}",
        ]
        self._proc: subprocess.Popen[bytes] | None = None
        self.underruns = 0  # expected after every silence; many during speech = raise buffer_ms

    def open(self, probe_s: float = 0.25) -> AplaySink:
        """Start aplay; raises SinkError when it is missing or cannot open the device."""
        if shutil.which(self.command[0]) is None:
            raise SinkError(f"{self.command[0]} not found (Debian package alsa-utils)")
        try:
            self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                          bufsize=0)
        except OSError as e:
            raise SinkError(f"aplay: {e}") from e
        deadline = time.monotonic() + probe_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                last = err.strip().splitlines()[-1] if err.strip() else f"exit {self._proc.returncode}"
                raise SinkError(f"aplay -D {self.device}: {last}")
            time.sleep(0.01)
        # aplay reports every underrun on stderr (each time the kiosk falls silent): keep
        # reading it, or a full pipe would stall aplay.
        threading.Thread(target=self._drain_stderr, args=(self._proc,), daemon=True).start()
        return self

    def _drain_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.stderr is None:
            return
        for line in proc.stderr:
            if b"underrun" in line:
                self.underruns += 1
            else:
                log.debug("aplay: %s", line.decode(errors="replace").strip())

    def write(self, pcm: bytes, abort: threading.Event | None = None) -> bool:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.poll() is not None:
            raise SinkError(f"aplay -D {self.device} is not running")
        if not self._pacer.wait(len(pcm) // SAMPLE_BYTES, abort):
            return False
        try:
            proc.stdin.write(pcm)
        except (OSError, ValueError) as e:
            raise SinkError(f"aplay -D {self.device}: {e}") from e
        return True

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.terminate()
            proc.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()


def open_sink(output: str, device: str, name: str, lead_s: float) -> Sink:
    """The sink for `output` ("auto" | "alsa" | "null"). "auto" falls back to NullSink
    (logged once) when there is no aplay or no sound card; "alsa" raises SinkError."""
    if output == "null":
        return NullSink(name, lead_s)
    try:
        return AplaySink(device, name, lead_s).open()
    except SinkError as e:
        if output == "alsa":
            raise
        log.warning("no sound output for %s (%s): the kiosk stays silent", name, e)
        return NullSink(name, lead_s)
