"""How blocking circulation calls run.

The session never blocks the UI thread on the gateway: it submits `fn` and gets the
result (or the exception it raised) back through `on_done`, always on the thread that
drives the session.

- SyncExecutor: runs at once (scripts, tests).
- ManualExecutor: holds jobs until `run_next()` (tests of the scan queue while busy).
- ThreadExecutor(post): one worker thread, jobs strictly in order; `post(callback)` hands
  the completion back to the UI thread (Kivy: `lambda cb: Clock.schedule_once(lambda dt: cb())`).

`on_worker(result)`, when given, runs on the worker thread the moment the job is done,
before `on_done` is posted: it must be thread-safe and quick (the session sends the
success/error cue from it). Every executor runs it first, then `on_done`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

Job = Callable[[], Any]
Done = Callable[[Any], None]  # receives the result or the exception raised by the job


class Executor(Protocol):
    def submit(self, fn: Job, on_done: Done, on_worker: Done | None = None) -> None: ...


def _run(fn: Job, on_worker: Done | None = None) -> Any:
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - handed to on_done as a value
        result = e
    if on_worker is not None:
        try:
            on_worker(result)
        except Exception:  # noqa: BLE001 - a failing hook must not lose the result
            log.exception("on_worker hook failed")
    return result


class SyncExecutor:
    def submit(self, fn: Job, on_done: Done, on_worker: Done | None = None) -> None:
        on_done(_run(fn, on_worker))


class ManualExecutor:
    """Jobs wait until the test runs them: the session stays busy meanwhile."""

    def __init__(self) -> None:
        self._jobs: deque[tuple[Job, Done, Done | None]] = deque()

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def submit(self, fn: Job, on_done: Done, on_worker: Done | None = None) -> None:
        self._jobs.append((fn, on_done, on_worker))

    def run_next(self) -> bool:
        if not self._jobs:
            return False
        fn, on_done, on_worker = self._jobs.popleft()
        on_done(_run(fn, on_worker))
        return True

    def run_all(self) -> int:
        n = 0
        while self.run_next():
            n += 1
        return n


class ThreadExecutor:
    """One daemon worker; completions are posted back with `post`."""

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post
        self._queue: queue.Queue[tuple[Job, Done, Done | None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="circulation", daemon=True)
        self._thread.start()

    def submit(self, fn: Job, on_done: Done, on_worker: Done | None = None) -> None:
        self._queue.put((fn, on_done, on_worker))

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fn, on_done, on_worker = item
            result = _run(fn, on_worker)
            try:
                self._post(lambda on_done=on_done, result=result: on_done(result))
            except Exception:  # noqa: BLE001
                log.exception("posting a circulation result failed")

    def close(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)
