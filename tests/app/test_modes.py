"""The mode router through the real wiring (session, embedded IRBIS server, journal,
scripted devices; a recording stand-in for the Kivy window): which mode the kiosk is in,
what the patron sees in it, and where scans, keys and taps go."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import Kiosk
from kiosk.config import config_from_dict
from kiosk.core.clock import VirtualClock
from kiosk.core.executor import SyncExecutor
from kiosk.maintenance import hash_pin

STAFF, PIN, READER = "900999", "2468", "100101"


class Window:
    """Stands in for the Kivy app: keeps what was drawn."""

    def __init__(self) -> None:
        self.shown: list[Any] = []
        self.stopped = False

    def show(self, view: Any) -> None:
        self.shown.append(view)

    def stop(self) -> None:
        self.stopped = True

    def run(self) -> None:
        pass

    @property
    def screen(self) -> str:
        return self.shown[-1].screen


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens once the block ends


def build(tmp_path: Path, **gateway: str) -> tuple[Kiosk, Window, list[dict[str, Any]]]:
    cfg = config_from_dict({"gateway": {**gateway, "password": "x"} if gateway else {},
                            "maintenance": {"staff": [
                                {"card": STAFF, "pin": hash_pin(PIN, iterations=1000)}],
                                "idle_timeout_s": 60.0}})
    kiosk = Kiosk(cfg, VirtualClock(date(2026, 11, 25)), SyncExecutor(), lambda fn: fn(),
                  scripted=True, data_dir=str(tmp_path / "sim"), persistent=False,
                  journal_path=str(tmp_path / "journal.sqlite3"))
    events: list[dict[str, Any]] = []
    kiosk.bus.subscribe(events.append)
    kiosk.build()
    window = Window()
    kiosk.app = window
    kiosk.start()
    return kiosk, window, events


@pytest.fixture
def in_service(tmp_path: Path):
    kiosk, window, events = build(tmp_path)
    yield kiosk, window, events
    kiosk.close()


@pytest.fixture
def out_of_order(tmp_path: Path):
    kiosk, window, events = build(tmp_path, url=f"tcp://127.0.0.1:{closed_port()}")
    yield kiosk, window, events
    kiosk.close()


def enter_pin(kiosk: Kiosk) -> None:
    for digit in PIN:
        kiosk.tap(f"pin_{digit}")
    kiosk.tap("pin_ok")


def test_the_gateway_answering_puts_the_session_in_charge(in_service) -> None:
    kiosk, window, _ = in_service
    assert kiosk.modes.mode == "session" and window.screen == "attract"
    kiosk.scan(READER)
    assert window.screen == "account"


def test_out_of_order_calls_staff_once_and_answers_only_language_and_contrast(out_of_order) -> None:
    kiosk, window, events = out_of_order
    assert kiosk.modes.mode == "out_of_order" and window.screen == "out_of_order"
    assert [e for e in events if e["event"] == "alert"][0]["state"] == "raised"
    kiosk.scan(READER)
    kiosk.key("down")
    kiosk.tap("finish")
    assert window.screen == "out_of_order"
    assert not [e for e in events if e["event"] in ("login", "refused")]
    kiosk.tap("language_ru")
    assert window.screen == "out_of_order" and window.shown[-1].lang == "ru"
    kiosk.tap("contrast")
    assert window.shown[-1].contrast
    kiosk.retry_gateway()  # still down: still out of order, staff not called again
    assert [e["state"] for e in events if e["event"] == "alert"] == ["raised"]
    assert [e["name"] for e in events if e["event"] == "screen"].count("out_of_order") == 1


def test_maintenance_takes_every_input_until_closed(in_service) -> None:
    kiosk, window, events = in_service
    kiosk.scan(STAFF)
    assert kiosk.modes.mode == "maintenance" and window.screen == "maintenance"
    kiosk.scan(READER)  # a patron's card waits until staff close the screen
    assert window.screen == "maintenance" and not [e for e in events if e["event"] == "login"]
    enter_pin(kiosk)
    assert window.shown[-1].stage == "open"
    kiosk.key("back")
    assert kiosk.modes.mode == "session" and window.screen == "attract"
    kiosk.scan(READER)
    assert window.screen == "account"


def test_a_staff_card_opens_maintenance_only_on_the_attract_screen(in_service) -> None:
    kiosk, window, _ = in_service
    kiosk.scan(READER)
    kiosk.scan(STAFF)
    assert kiosk.modes.mode == "session" and window.screen == "account"


def test_maintenance_over_out_of_order_returns_to_out_of_order(out_of_order) -> None:
    kiosk, window, _ = out_of_order
    kiosk.scan(STAFF)
    assert window.screen == "maintenance"
    kiosk.clock.advance(61)
    kiosk.tick_others()  # the idle timeout closes it
    assert kiosk.modes.mode == "out_of_order" and window.screen == "out_of_order"
