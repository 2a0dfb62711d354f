"""Staff-call response times and out-of-order minutes from the session's events, kept over a
restart between raise and acknowledgement; age bands from RDR 21."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.stats.ages import age_band, band_labels
from kiosk.stats.figures import days_from_facts, merge
from kiosk.stats.recorder import StatsEvents
from kiosk.stats.store import StatsStore


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0)

    def __call__(self) -> datetime:
        return self.now


def test_response_times_and_outage_minutes_survive_a_restart(tmp_path: Path) -> None:
    wall = Wall()
    path = tmp_path / "stats.sqlite3"
    store = StatsStore(path)
    events = StatsEvents(store, wall)
    events({"event": "screen", "name": "out_of_order"})
    wall.now += timedelta(minutes=12)
    events({"event": "screen", "name": "attract"})
    for wait_s in (20, 40, 60, 300):
        events({"event": "alert", "state": "raised"})
        events({"event": "alert", "state": "escalated"})  # not a second raise
        wall.now += timedelta(seconds=wait_s)
        events({"event": "alert", "state": "acknowledged"})
        events({"event": "alert", "state": "resolved"})
    events({"event": "alert", "state": "raised"})
    store.close()  # the kiosk restarts while staff are on their way
    wall.now += timedelta(seconds=90)
    store = StatsStore(path)
    StatsEvents(store, wall)({"event": "alert", "state": "acknowledged"})
    events_raised_and_resolved = StatsEvents(store, wall)
    events_raised_and_resolved({"event": "alert", "state": "raised"})
    events_raised_and_resolved({"event": "alert", "state": "resolved"})  # never acknowledged
    total = merge(days_from_facts(store.facts()))
    store.close()
    assert total["calls"] == 5
    assert total["response_p50_s"] == 60.0 and total["response_p95_s"] == 300.0
    assert total["out_of_order_min"] == 12


def test_age_bands_fit_a_childrens_library_and_can_be_changed() -> None:
    day = date(2026, 11, 25)
    assert band_labels() == ["0-6", "7-10", "11-14", "15+"]
    assert [age_band(b, day) for b in ("20200101", "20191126", "20191125", "2012", "19750301", "", "x")] == [
        "0-6", "0-6", "7-10", "11-14", "15+", "", ""]
    assert age_band("20100101", day, [10, 18]) == "10-17"
