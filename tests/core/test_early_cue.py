"""The success/error cue reaches speech from the worker the moment the gateway answers,
before the UI thread applies the result; other listeners keep the usual event order."""

from __future__ import annotations

import queue
import threading
from datetime import date

from kiosk.config import Config, session_settings
from kiosk.core.clock import VirtualClock
from kiosk.core.events import EventBus
from kiosk.core.executor import ThreadExecutor
from kiosk.core.session import Session
from kiosk.locale.display import display_text
from tests.core.fakes import demo_library


def test_cue_is_sent_from_the_worker_before_the_result_is_applied():
    clock = VirtualClock(today=date(2026, 11, 24))
    bus = EventBus(clock)
    posted: queue.Queue = queue.Queue()
    executor = ThreadExecutor(posted.put)
    early: list[tuple[str, str, str]] = []
    ordinary: list[dict] = []
    bus.subscribe(lambda e: early.append((e["event"], e.get("name", ""),
                                          threading.current_thread().name)), any_thread=True)
    bus.subscribe(ordinary.append)
    session = Session(demo_library(), session_settings(Config()), clock, bus, executor,
                      render_text=display_text)
    session.start()
    session.scan("R001")
    completion = posted.get(timeout=5)
    # the answer is known, the UI thread has not run the completion yet: the cue is out
    assert ("cue", "success", "circulation") in early
    # only the scanner's tick was heard before the answer, from the UI thread at the scan
    assert [e.get("name") for e in ordinary if e["event"] in ("login", "cue")] == ["scan"]
    completion()
    executor.close()
    names = [e["event"] if e.get("name") != "scan" else "tick" for e in ordinary]
    assert names.index("login") < names.index("cue")  # the transcript order is unchanged
    answer_cues = [e for e in early if e[0] == "cue" and e[1] != "scan"]
    assert answer_cues == [("cue", "success", "circulation")]  # heard once


def test_refusal_gets_the_error_cue_early_and_once():
    clock = VirtualClock(today=date(2026, 11, 24))
    bus = EventBus(clock)
    heard: list[dict] = []
    bus.subscribe(heard.append, any_thread=True)
    from kiosk.core.executor import SyncExecutor
    session = Session(demo_library(), session_settings(Config()), clock, bus, SyncExecutor(),
                      render_text=display_text)
    session.start()
    session.scan("NOBODY")
    cues = [e["name"] for e in heard if e["event"] == "cue"]
    assert cues == ["scan", "error"]  # the tick at the scan, then the answer
    assert heard.index(next(e for e in heard if e.get("name") == "error")) < \
        heard.index(next(e for e in heard if e["event"] == "refused"))
