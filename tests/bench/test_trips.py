"""Round trips and requests per action, as `kiosk bench` reports them (kiosk.tools.bench.trips):
counted in the client's transport and by the server, never assumed. Counts, not times."""

from __future__ import annotations

from datetime import date

from kiosk.tools.bench.trips import CountingTransport, count_actions


class _Fake:
    def exchange(self, body: bytes, timeout: float | None = None) -> bytes:
        return body

    def close(self) -> None:
        pass


def test_overlapping_exchanges_are_one_round_trip() -> None:
    t = CountingTransport(_Fake())
    t.spans[:] = [(0.0, 1.0), (0.1, 0.9), (0.5, 1.2), (2.0, 3.0)]
    assert t.round_trips() == 2 and t.requests() == 4


def test_the_patron_waits_for_these_round_trips() -> None:
    # a long latency, so that requests sent together are surely in flight together
    out = count_actions(date(2026, 11, 25), latency_ms=80)
    assert (out["round_trips_login"], out["requests_login"]) == (1, 2)  # reader + waiting list together
    # the copy + every live request together (few of them), then the save
    assert (out["round_trips_checkout"], out["requests_checkout"]) == (2, 3)
    assert (out["round_trips_renew"], out["requests_renew"]) == (2, 2)  # requests, save
    assert (out["round_trips_renew_all"], out["requests_renew_all"]) == (2, 2)  # one RQST search for all, save
    # who has it + the copy + requests together, then the save with the other code's requests
    assert (out["round_trips_return"], out["requests_return"]) == (2, 5)
