"""One cancellable audio queue for cues and speech, played by one thread.

Items are played in order, in 10 ms blocks. Before every block the player checks that the
item was not cancelled, asks where it may go (`route`: the headphones, the loudspeaker, or
nowhere for a private item with the headphones out) and applies the current volume.
So an interrupt, a headphone unplug or a volume change takes effect within one block.

Callers (any thread) never wait: they add or cancel items under a short lock.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kiosk.speech.output import Sink, SinkError
from kiosk.speech.pcm import BLOCK_BYTES, scale

log = logging.getLogger(__name__)

Source = Iterable[bytes]
Route = Callable[[bool], "Sink | None"]


@dataclass
class Item:
    kind: str  # "cue" | "speech"
    private: bool
    open: Callable[[], Source]  # called on the player thread when the item's turn comes
    label: str = ""  # cue name or message id, for logs (never the text: it may be private)
    source: Any = None
    done: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)  # set = cancelled

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()


class AudioQueue:
    def __init__(
        self,
        route: Route,
        gain: Callable[[], float] = lambda: 1.0,
        on_sink_error: Callable[[Sink, SinkError], None] | None = None,
        before_start: Callable[[], None] | None = None,
    ) -> None:
        self._route = route
        self._gain = gain
        self._on_sink_error = on_sink_error
        self._before_start = before_start
        self._items: deque[Item] = deque()
        self._current: Item | None = None
        self._cond = threading.Condition()
        self._closed = False
        self._paused = False
        self._thread = threading.Thread(target=self._run, name="audio-queue", daemon=True)

    def start(self) -> AudioQueue:
        self._thread.start()
        return self

    # --- called from any thread ---------------------------------------------------------
    def add(self, item: Item) -> Item:
        with self._cond:
            if self._closed:
                item.stop.set()
                item.done.set()
            else:
                self._items.append(item)
                self._cond.notify_all()
        return item

    def cancel(self, which: Callable[[Item], bool] = lambda item: True) -> int:
        """Drop queued items and stop the playing one when `which(item)`; returns how many."""
        stop: list[Item] = []
        with self._cond:
            keep: deque[Item] = deque()
            for item in self._items:
                (stop if which(item) else keep).append(item)
            self._items = keep
            if self._current is not None and which(self._current):
                stop.append(self._current)
            for item in stop:
                item.stop.set()
            self._cond.notify_all()
        for item in stop:
            _cancel_source(item.source)
            if item is not self._current:
                item.done.set()
        return len(stop)

    def interrupt(self) -> int:
        """Stop everything now: the playing item and all queued ones."""
        return self.cancel()

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    def busy(self) -> bool:
        with self._cond:
            return self._current is not None or bool(self._items)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._current is None and not self._items, timeout)

    def close(self) -> None:
        with self._cond:
            self._closed = True
        self.interrupt()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2)

    # --- the player thread --------------------------------------------------------------
    def _run(self) -> None:
        if self._before_start is not None:
            try:
                self._before_start()
            except Exception:  # noqa: BLE001 - a failed set-up must not kill the player
                log.exception("audio set-up failed")
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or bool(self._items))
                if self._closed:
                    self._current = None
                    self._cond.notify_all()
                    return
                item = self._items.popleft()
                self._current = item
            try:
                self._play(item)
            except Exception:  # noqa: BLE001 - one bad item must not silence the kiosk
                log.exception("audio item %s failed", item.label)
            finally:
                _cancel_source(item.source)
                with self._cond:
                    self._current = None
                    item.done.set()
                    self._cond.notify_all()

    def _prefetch_next(self) -> None:
        """Start the speech queued behind a cue now (espeak-ng then synthesises while the
        cue plays), so that it follows the cue without a gap."""
        with self._cond:
            nxt = self._items[0] if self._items else None
        if nxt is None or nxt.kind != "speech" or nxt.source is not None or nxt.cancelled:
            return
        source = nxt.open()
        with self._cond:
            if nxt.cancelled or nxt.source is not None:
                stale = True
            else:
                nxt.source, stale = source, False
        if stale:
            _cancel_source(source)

    def _play(self, item: Item) -> None:
        if item.cancelled:
            return
        if item.source is None:
            item.source = item.open()
        if item.cancelled:  # cancelled while the source was opening
            return
        if item.kind == "cue":
            self._prefetch_next()
        for chunk in _iterate(item.source):
            for i in range(0, len(chunk), BLOCK_BYTES):
                if not self._wait_unpaused(item):
                    return
                sink = self._route(item.private)
                if sink is None:  # private audio and no headphones (or no output at all)
                    log.info("audio %s stopped: nowhere it may be heard", item.label)
                    return
                block = scale(chunk[i : i + BLOCK_BYTES], self._gain())
                try:
                    sink.write(block, item.stop)
                except SinkError as e:
                    if self._on_sink_error is None:
                        raise
                    self._on_sink_error(sink, e)
                    return

    def _wait_unpaused(self, item: Item) -> bool:
        """False when the item must stop. Cues are never paused."""
        with self._cond:
            if item.kind == "speech":
                self._cond.wait_for(lambda: not self._paused or item.cancelled or self._closed)
            return not (item.cancelled or self._closed)


def _iterate(source: Source) -> Iterator[bytes]:
    yield from source


def _cancel_source(source: Any) -> None:
    cancel = getattr(source, "cancel", None)
    if cancel is not None:
        try:
            cancel()
        except Exception:  # noqa: BLE001
            log.exception("cancelling an audio source failed")
