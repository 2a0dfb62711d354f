"""Scans are queued in order while a request is in flight, never dropped; double reads are not."""

from __future__ import annotations

import queue
import threading

from kiosk.core.executor import ManualExecutor, SyncExecutor, ThreadExecutor
from tests.core.conftest import names


def test_same_code_within_two_seconds_is_ignored(make, lib):
    h = make(lib)
    h.run("scan R001\nscan B001\nwait 1.9\nscan B001")
    assert len(names(h, "checkout")) == 1 and names(h, "renew") == []
    h.run("wait 2\nscan B001")  # a deliberate rescan later: told it is theirs, no renewal
    assert names(h, "renew") == []
    assert h.session.view.notice.msg == "checkout.already"


def test_double_scan_window_is_configurable(make):
    h = make(session={"double_scan_s": 0.5})
    h.run("scan R001\nscan B001\nwait 0.6\nscan B001")
    assert h.session.view.notice.msg == "checkout.already"
    h = make(session={"double_scan_s": 5})
    h.run("scan R001\nscan B001\nwait 3\nscan B001")
    assert h.session.view.notice.msg == "checkout.ok"


def test_double_read_of_a_card_does_not_log_out(make):
    h = make()
    h.run("scan R001\nwait 0.3\nscan R001")
    assert names(h, "logout") == [] and len(names(h, "login")) == 1


def test_scans_while_busy_are_queued_in_order(make, lib):
    h = make(lib)
    manual = ManualExecutor()
    h.session.executor = manual
    h.run("scan R001")
    assert h.session.view.busy
    h.run("scan B001\nscan B002\nscan B003\nscan B002")  # the repeat of B002 is a double read
    v = h.session.view
    assert v.busy and v.pending_scans == 3 and v.screen == "attract"
    manual.run_all()
    assert [e["barcode"] for e in names(h, "checkout")] == ["B001", "B002", "B003"]
    v = h.session.view
    assert not v.busy and v.pending_scans == 0
    assert [r.barcode for r in v.loans][:3] == ["B003", "B002", "B001"]


def test_finish_tapped_while_busy_waits_for_the_queue(make):
    h = make()
    h.run("scan R001")
    manual = ManualExecutor()
    h.session.executor = manual
    h.run("scan B001\nscan B002\ntap finish")
    assert h.session.view.screen == "account"
    manual.run_all()
    assert h.session.view.screen == "summary"
    assert [s.barcode for s in h.session.view.summary] == ["B001", "B002"]


def test_card_queued_behind_books_switches_patron_after_them(make, lib):
    h = make(lib)
    h.run("scan R001")
    manual = ManualExecutor()
    h.session.executor = manual
    h.run("scan B001\nscan R002\nscan B002")
    manual.run_all()
    assert lib.items["B001"].loaned_to == "R001"
    assert lib.items["B002"].loaned_to == "R002"


def test_thread_executor_runs_in_order_and_posts_back():
    posted: queue.Queue = queue.Queue()
    ex = ThreadExecutor(posted.put)
    results: list = []
    worker_threads: set[str] = set()

    def job(n):
        worker_threads.add(threading.current_thread().name)
        if n == 3:
            raise ValueError("boom")
        return n

    for n in range(6):
        ex.submit(lambda n=n: job(n), results.append)
    for _ in range(6):
        posted.get(timeout=5)()  # the "UI thread" runs the completions
    ex.close()
    assert results[:3] == [0, 1, 2] and isinstance(results[3], ValueError)
    assert results[4:] == [4, 5]
    assert worker_threads == {"circulation"}


def test_sync_executor_hands_exceptions_to_on_done():
    got: list = []
    SyncExecutor().submit(lambda: 1 / 0, got.append)
    assert isinstance(got[0], ZeroDivisionError)


def test_events_from_a_worker_thread_are_delivered_on_the_bus_thread():
    from kiosk.core.clock import VirtualClock
    from kiosk.core.events import EventBus

    posted: queue.Queue = queue.Queue()
    bus = EventBus(VirtualClock(), post=posted.put)
    seen: list[tuple[str, str]] = []
    bus.subscribe(lambda e: seen.append((e["event"], threading.current_thread().name)))
    worker = threading.Thread(target=lambda: bus.publish({"event": "queued"}), name="w")
    worker.start()
    worker.join()
    assert seen == []  # not delivered on the worker
    posted.get(timeout=5)()
    bus.publish({"event": "synced"})
    assert seen == [("queued", "MainThread"), ("synced", "MainThread")]
