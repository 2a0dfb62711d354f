"""Building the device set from the [hardware] config section."""

from __future__ import annotations

import sys

from hardware.assemble import build_devices, use_real_devices
from hardware.scanner import Scanners
from hardware.sim import KeyboardScanner, MemoryPrinter
from kiosk.config import SUGGESTED_WIRING, config_from_dict
from kiosk.core.keys import KEYS
from tests.hardware.events import typed
from tests.hardware.fake_evdev import FakeBus


def test_mode_auto_is_real_only_on_a_pi() -> None:
    assert use_real_devices("auto", model="Raspberry Pi 5 Model B Rev 1.0")
    assert not use_real_devices("auto", model="")
    assert use_real_devices("real", model="") and not use_real_devices("sim", model="Raspberry Pi 4")


def test_default_config_off_a_pi_gives_the_desktop_doubles() -> None:
    hw = config_from_dict({}).hardware
    got: list = []
    devices = build_devices(hw, on_code=lambda c, r: got.append(c), model="", sim_pins=SUGGESTED_WIRING)
    try:
        assert devices.simulated
        assert devices.board.fitted_keys == list(KEYS)  # wired as the caller says
        assert devices.mock_board is not None and devices.mock_board.press_binding("call")
        assert isinstance(devices.scanner, KeyboardScanner) and isinstance(devices.printer, MemoryPrinter)
        devices.start()
        devices.scanner.type_text("77\n")
        assert got == ["77"]
    finally:
        devices.close()


def test_real_mode_builds_scanners_keys_and_usb_printer(tmp_path, monkeypatch) -> None:
    bus = FakeBus(tmp_path)
    monkeypatch.setitem(sys.modules, "evdev", bus)
    hw = config_from_dict({"hardware": {
        "mode": "real", "scanners": ["card=auto"], "key_pins": {"help": 16},
        "call_button_pin": 17, "pin_factory": "rpigpio", "printer": "0416:5011",
        "printer_timeout_s": 10.0, "scanner_inter_key_timeout_s": 0.0,
    }}).hardware
    codes: list = []
    devices = build_devices(hw, on_code=lambda c, r: codes.append((c, r)))
    try:
        assert isinstance(devices.scanner, Scanners) and not devices.simulated
        # RPi.GPIO cannot start off a Pi: reported, and the kiosk goes on with mock pins
        assert devices.problems and "rpigpio" in devices.problems[0]
        assert devices.board.fitted_keys == ["help"]
        assert devices.printer is not None and devices.printer.print_lines_wait(["x"]).reason == "no_printer"
        devices.scanner.input_dir = str(tmp_path)
        devices.scanner.rescan_s = 0.05
        dev = bus.plug("Scanner")
        devices.start()
        assert devices.scanner.wait_attached(1)
        dev.send(typed("C1\n"))
        import time

        end = time.monotonic() + 2
        while not codes and time.monotonic() < end:
            time.sleep(0.01)
        assert codes == [("C1", "card")]
    finally:
        devices.close()
