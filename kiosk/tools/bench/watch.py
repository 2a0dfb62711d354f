"""What the app bench watches from outside: the first frame drawn after the app was given
the view a step waits for (FrameWatch, with the stages on the way), and when the first block
of each cue reached the speech sink (CueStampSink)."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any


class FrameWatch:
    """Stamps the first frame drawn after the app was given a view that `want` accepts,
    and the stages on the way: the scan reaching the UI thread, the render of that view.

    With `finish` (glFinish) it also stamps when that frame's pixels are done: a buffer
    swap returns before a GL has drawn the frame (llvmpipe rasterises in threads behind
    it; a Pi's V3D works through its queue the same way). Waiting for it there, at the end
    of each step, is also what a patron's pace gives the GL: time to catch up before the
    next scan. Without it a driver that acts the moment a frame is swapped piles up
    frames, and the backlog surfaces later as one slow texture upload (the GL waits for
    every queued frame using that texture)."""

    def __init__(self, finish: Callable[[], Any] | None = None) -> None:
        self._finish = finish
        self._lock = threading.Lock()
        self._want: Callable[[Any], bool] | None = None
        self._shown = False
        self.received_at: float | None = None  # the scan reached the UI thread
        self.show_at: float | None = None  # the wanted view was handed to the app
        self.render_s = 0.0  # building the widgets for it
        self.early_render_s = 0.0  # building views shown before it (e.g. "busy")
        self.drawn_at: float | None = None
        self.pixels_at: float | None = None  # the GL finished drawing that frame
        self.done = threading.Event()

    def expect(self, want: Callable[[Any], bool]) -> None:
        with self._lock:
            self._want, self._shown, self.drawn_at, self.pixels_at = want, False, None, None
            self.received_at = self.show_at = None
            self.early_render_s = 0.0
            self.done.clear()

    def received(self) -> None:  # UI thread, when Kiosk.scan is called
        with self._lock:
            if self.received_at is None:
                self.received_at = time.perf_counter()

    def shown(self, view: Any, at: float = 0.0, render_s: float = 0.0) -> None:
        """UI thread: the app was given `view` at `at` and took `render_s` to build it."""
        with self._lock:
            if self._want is not None and not self._shown:
                if self._want(view):
                    self._shown = True
                    self.show_at, self.render_s = at, render_s
                else:
                    self.early_render_s += render_s

    def flipped(self, *_: Any) -> None:  # UI thread, after a frame was drawn
        with self._lock:
            if self._shown and self.drawn_at is None:
                self.drawn_at = time.perf_counter()
                if self._finish is not None:
                    self._finish()
                    self.pixels_at = time.perf_counter()
                self._want = None
                self.done.set()


class CueStampSink:
    """A real sink; remembers when the first block of each cue was handed to it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "loudspeaker")
        self.speaker: Any = None
        self.cue_times: list[float] = []  # when the first block of each cue was handed over
        self._last: Callable[[], Any] = lambda: None  # weak reference to the last cue item

    def write(self, pcm: bytes, abort: threading.Event | None = None) -> bool:
        ok = self.inner.write(pcm, abort)
        queue = getattr(self.speaker, "queue", None)
        current = getattr(queue, "_current", None)
        if ok and current is not None and current.kind == "cue":
            if self._last() is not current:
                self.cue_times.append(time.perf_counter())
                self._last = weakref.ref(current)
        return ok

    def first_cue_after(self, t0: float) -> float | None:
        for t in self.cue_times:
            if t >= t0:
                return t
        return None

    def close(self) -> None:
        self.inner.close()


def _cue_sink() -> Any:
    from kiosk.speech.output import AplaySink, RecordingSink, SinkError

    try:
        return CueStampSink(AplaySink("null", "loudspeaker", 0.03).open(probe_s=0.1)), "aplay-null"
    except SinkError:
        return CueStampSink(RecordingSink("loudspeaker", realtime=True, lead_s=0.03)), "recording"
