"""End to end against the real kernel: a virtual keyboard types a code, the real
ScannerReader/Scanners grab and decode it; unplug and replug recover. Skips when
/dev/uinput is not writable (CI containers)."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from hardware.scanner import ScannerReader, Scanners
from hardware.sim import text_to_events

pytestmark = pytest.mark.skipif(
    not os.access("/dev/uinput", os.W_OK), reason="/dev/uinput is not writable here"
)


def make_keyboard(name: str):
    from evdev import UInput, ecodes

    try:
        return UInput({ecodes.EV_KEY: list(range(1, 120))}, name=name, vendor=0x1D6B, product=0x7777)
    except Exception as e:  # no permission on the new node, no uinput module
        pytest.skip(f"cannot create a virtual keyboard: {e}")


def type_into(ui, text: str) -> None:
    for etype, code, value in text_to_events(text):
        ui.write(etype, code, value)
        ui.syn()
        time.sleep(0.002)  # a fast scanner, not a flood


def test_virtual_scanner_code_read_by_scanner_reader() -> None:
    ui = make_keyboard(f"kiosk-test-{uuid.uuid4().hex[:6]}")
    got: list[str] = []
    done = threading.Event()
    try:
        path = ui.device.path
        if not os.access(path, os.R_OK):
            pytest.skip(f"{path} is not readable")
        reader = ScannerReader(path, on_code=lambda c: (got.append(c), done.set())).start()
        assert reader.ready.wait(2) and reader.error is None
        time.sleep(0.1)
        type_into(ui, "RDR-9!x\n")
        assert done.wait(3)
        assert got == ["RDR-9!x"]
        reader.stop()
    finally:
        ui.close()


def test_unplug_and_replug_of_a_virtual_scanner() -> None:
    name = f"kiosk-test-{uuid.uuid4().hex[:6]}"
    got: list[tuple[str, str]] = []
    ui = make_keyboard(name)
    if not os.access(ui.device.path, os.R_OK):
        ui.close()
        pytest.skip("event nodes are not readable")
    scanners = Scanners([f"card={name}"], on_code=lambda c, r: got.append((c, r)), rescan_s=0.5)
    scanners.start()
    try:
        assert scanners.wait_attached(1, timeout=3)
        time.sleep(0.1)
        type_into(ui, "A1\n")
        ui.close()  # unplugged
        end = time.monotonic() + 2
        while scanners.attached() and time.monotonic() < end:
            time.sleep(0.01)
        assert scanners.attached() == {}, "the unplug was noticed"
        ui = make_keyboard(name)
        t0 = time.monotonic()
        assert scanners.wait_attached(1, timeout=2.0)
        print(f"uinput replug recovery {time.monotonic() - t0:.2f} s")
        time.sleep(0.1)
        type_into(ui, "B2\n")
        end = time.monotonic() + 3
        while len(got) < 2 and time.monotonic() < end:
            time.sleep(0.02)
        assert got == [("A1", "card"), ("B2", "card")]
    finally:
        scanners.stop()
        ui.close()
