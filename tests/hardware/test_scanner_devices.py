"""Device selection, grabbing, several scanners and unplug/replug, with evdev faked at the
device edge (the UInput test in test_uinput.py does the same against the real kernel)."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from hardware.inputdevs import (
    InputDeviceInfo,
    SelectorError,
    assign,
    is_keyboard_like,
    is_touch,
    parse_selector,
)
from hardware.scanner import Scanners
from tests.hardware.events import typed
from tests.hardware.fake_evdev import MOUSE_CAPS, TOUCH_CAPS, FakeBus


def test_selectors_parse_roles_and_kinds() -> None:
    assert parse_selector("auto").kind == "auto"
    s = parse_selector("card=/dev/input/by-id/usb-Honeywell-event-kbd")
    assert (s.role, s.kind) == ("card", "path")
    s = parse_selector("book=0C2E:0B61")
    assert (s.role, s.kind, s.vendor, s.product) == ("book", "usb", 0x0C2E, 0x0B61)
    s = parse_selector("Honeywell Scanner")
    assert (s.role, s.kind, s.value) == ("any", "name", "Honeywell Scanner")
    for bad in ("wand=auto", "card=", ""):
        with pytest.raises(SelectorError):
            parse_selector(bad)


def test_touchscreens_mice_are_not_keyboards() -> None:
    from tests.hardware.fake_evdev import KEYBOARD_CAPS

    assert is_keyboard_like(KEYBOARD_CAPS) and not is_touch(KEYBOARD_CAPS)
    assert is_touch(TOUCH_CAPS) and not is_keyboard_like(TOUCH_CAPS)
    assert not is_keyboard_like(MOUSE_CAPS)
    # a touchscreen that also has keys is still a touchscreen
    assert not is_keyboard_like({**TOUCH_CAPS, 1: list(range(1, 120)) + [330]})


def test_explicit_selectors_claim_first_and_touch_never_matches() -> None:
    kb = InputDeviceInfo("/dev/input/event1", "Honeywell Scanner", 0x0C2E, 0x0B61, keyboard_like=True)
    kb2 = InputDeviceInfo("/dev/input/event2", "Zebra DS2208", 0x05E0, 0x1200, keyboard_like=True)
    touch = InputDeviceInfo("/dev/input/event3", "Scanner-ish Touch", 0x222A, 0x0001, touch=True)
    specs = [parse_selector("any=auto"), parse_selector("card=0c2e:0b61"), parse_selector("book=scanner")]
    claims = assign(specs, [kb, kb2, touch])
    assert claims["/dev/input/event1"].role == "card"
    assert claims["/dev/input/event2"].role == "any"
    assert "/dev/input/event3" not in claims


@pytest.fixture
def bus(tmp_path, monkeypatch):
    b = FakeBus(tmp_path)
    monkeypatch.setitem(sys.modules, "evdev", b)
    return b


class Collector:
    def __init__(self) -> None:
        self.codes: list[tuple[str, str]] = []
        self.dropped: list[str] = []
        self.got = threading.Event()

    def on_code(self, code: str, role: str) -> None:
        self.codes.append((code, role))
        self.got.set()

    def on_dropped(self, role: str) -> None:
        self.dropped.append(role)
        self.got.set()

    def wait(self, n: int, timeout: float = 3.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.codes) + len(self.dropped) >= n:
                return True
            time.sleep(0.01)
        return False


def test_two_scanners_with_roles_and_the_touchscreen_left_alone(bus, tmp_path) -> None:
    card = bus.plug("Honeywell Scanner", 0x0C2E, 0x0B61)
    book = bus.plug("Zebra DS2208", 0x05E0, 0x1200)
    touch = bus.plug("ILITEK Multi-Touch", 0x222A, 0x0001, caps=TOUCH_CAPS)
    c = Collector()
    scanners = Scanners(["card=0c2e:0b61", "book=auto", "any=Multi-Touch"], c.on_code, c.on_dropped,
                        input_dir=str(tmp_path), rescan_s=0.05, inter_key_timeout=None)
    scanners.start()
    try:
        assert scanners.wait_attached(2)
        assert card.grabbed_by is not None and book.grabbed_by is not None
        assert touch.grabbed_by is None, "the touchscreen is never grabbed"
        card.send(typed("RDR-0042\n"))
        assert c.wait(1)
        book.send(typed("978601\n"))
        assert c.wait(2)
        assert c.codes == [("RDR-0042", "card"), ("978601", "book")]
        assert sorted(scanners.attached().values()) == ["book", "card"]
    finally:
        scanners.stop()
    assert card.grabbed_by is None, "stop releases the grab"


def test_syn_dropped_mid_scan_tells_the_kiosk(bus, tmp_path) -> None:
    dev = bus.plug("Honeywell Scanner")
    c = Collector()
    scanners = Scanners(["auto"], c.on_code, c.on_dropped, input_dir=str(tmp_path), rescan_s=0.05)
    scanners.start()
    try:
        assert scanners.wait_attached(1)
        dev.send(typed("12") + [(0, 3, 0)])
        assert c.wait(1)
        assert c.dropped == ["any"] and c.codes == []
    finally:
        scanners.stop()


def test_unplug_and_replug_recovers_within_two_seconds(bus, tmp_path) -> None:
    dev = bus.plug("Honeywell Scanner")
    c = Collector()
    scanners = Scanners(["card=Honeywell"], c.on_code, c.on_dropped, input_dir=str(tmp_path),
                        rescan_s=0.5, inter_key_timeout=None)
    scanners.start()
    try:
        assert scanners.wait_attached(1)
        bus.unplug(dev)
        end = time.monotonic() + 2
        while scanners.attached() and time.monotonic() < end:
            time.sleep(0.01)
        assert scanners.attached() == {}
        again = bus.plug("Honeywell Scanner")  # comes back as a new event node
        t0 = time.monotonic()
        assert scanners.wait_attached(1, timeout=2.0), "reattached within 2 s"
        print(f"replug recovery {time.monotonic() - t0:.2f} s")
        again.send(typed("CARD7\n"))
        assert c.wait(1)
        assert c.codes == [("CARD7", "card")]
    finally:
        scanners.stop()


def test_new_node_not_yet_readable_is_retried(bus, tmp_path) -> None:
    c = Collector()
    scanners = Scanners(["auto"], c.on_code, input_dir=str(tmp_path), rescan_s=0.1, inter_key_timeout=None)
    scanners.start()
    try:
        time.sleep(0.15)
        dev = bus.plug("Honeywell Scanner")
        dev.fail_opens = 3  # udev has not given the node to group input yet
        assert scanners.wait_attached(1, timeout=2.0)
        dev.send(typed("LATE1\n"))
        assert c.wait(1) and c.codes == [("LATE1", "any")]
    finally:
        scanners.stop()


def test_device_busy_elsewhere_is_still_read(bus, tmp_path) -> None:
    dev = bus.plug("Honeywell Scanner")
    dev.grabbed_by = object()  # another program holds the grab
    c = Collector()
    scanners = Scanners(["auto"], c.on_code, input_dir=str(tmp_path), rescan_s=0.05, inter_key_timeout=None)
    scanners.start()
    try:
        assert scanners.wait_attached(1)
        dev.send(typed("X1\n"))
        assert c.wait(1) and c.codes == [("X1", "any")]
    finally:
        scanners.stop()


def test_no_input_dir_means_no_scanners_and_no_error(tmp_path) -> None:
    c = Collector()
    scanners = Scanners(["auto"], c.on_code, input_dir=str(tmp_path / "missing"), rescan_s=0.05).start()
    try:
        assert not scanners.wait_attached(1, timeout=0.2)
    finally:
        scanners.stop()


def test_status_reports_what_the_reader_thread_sees(bus, tmp_path) -> None:
    """The health table's scanner line: present, grabbed, last event time; gone when unplugged."""
    from kiosk.system.health import Parts, check_health

    def _scanner_health(s: Scanners) -> str:  # the health table's verdict on these scanners
        (found,) = [f for f in check_health(Parts(gateway=lambda: None, scanners=s.status))
                    if f.name == "scanner"]
        return found.state

    card = bus.plug("Honeywell Scanner", 0x0C2E, 0x0B61)
    c = Collector()
    scanners = Scanners(["card=0c2e:0b61"], c.on_code, c.on_dropped,
                        input_dir=str(tmp_path), rescan_s=0.05, inter_key_timeout=None)
    assert _scanner_health(scanners) == "missing"  # nothing attached yet
    scanners.start()
    try:
        assert scanners.wait_attached(1)
        (status,) = scanners.status()
        assert status.present and status.grabbed and status.role == "card"
        assert status.last_event_at is None
        before = time.time()
        card.send(typed("RDR-0042\n"))
        assert c.wait(1)
        (status,) = scanners.status()
        assert status.last_event_at is not None and status.last_event_at >= before
        assert _scanner_health(scanners) == "ok"
    finally:
        scanners.stop()
    assert scanners.status() == [] and _scanner_health(scanners) == "missing"
