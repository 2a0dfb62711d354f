"""Building the device set from the `[hardware]` settings (any object with those attributes,
normally kiosk.config.HardwareSection; hardware/ does not import kiosk).

    devices = build_devices(cfg.hardware, sim_pins=SUGGESTED_WIRING, on_code=..., on_key=...,
                            on_dropped=..., on_hold=..., on_call=..., on_headphones=...)
    devices.start() ... devices.close()

mode "real": the real adapters, the board wired as the settings' pins say; "sim": the
desktop doubles, the mock board wired as `sim_pins` says (names of hardware/README.md's
wiring table); "auto": real on a Raspberry Pi, doubles elsewhere (on a desktop, scanner
`auto` would grab the desktop's own keyboard). The key names are the caller's.
All callbacks arrive on device threads: post them to the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hardware.pinfactory import pi_generation, read_model

log = logging.getLogger(__name__)


def use_real_devices(mode: str, model: str | None = None) -> bool:
    if mode == "real":
        return True
    if mode == "sim":
        return False
    return pi_generation(read_model() if model is None else model) is not None


@dataclass
class DeviceSet:
    scanner: Any  # hardware.scanner.Scanners or hardware.sim.KeyboardScanner
    board: Any  # hardware.board.Board (real or mock pins)
    printer: Any | None  # hardware.printer.ReceiptPrinter, MemoryPrinter, or None (no printer)
    simulated: bool
    mock_board: Any | None = None  # hardware.sim.MockBoard when simulated (hands on its pins)
    problems: list[str] = field(default_factory=list)  # devices that could not start

    def start(self) -> None:
        self.scanner.start()

    def close(self) -> None:
        for step in (self.scanner.stop, self.board.close):
            try:
                step()
            except Exception:
                log.exception("closing a device failed")


def _pin(value: int) -> int | None:
    return value if value >= 0 else None


def build_devices(
    hw: Any,
    *,
    on_code: Callable[[str, str], None],
    on_dropped: Callable[[str], None] | None = None,
    on_key: Callable[[str], None] | None = None,
    on_hold: Callable[[str], None] | None = None,
    on_call: Callable[[], None] | None = None,
    on_headphones: Callable[[bool], None] | None = None,
    sim_pins: Mapping[str, int] | None = None,
    model: str | None = None,
) -> DeviceSet:
    """Scanner(s), board and printer per the settings. A GPIO problem (pin busy, no library)
    is logged and listed in `problems`, and the board falls back to mock pins: the kiosk
    still runs on its touchscreen and scanners. `sim_pins`: the simulated board's wiring
    (None: nothing fitted)."""
    from hardware.board import Board, BoardError

    callbacks = dict(on_key=on_key, on_hold=on_hold, on_call=on_call, on_headphones=on_headphones)
    pins = dict(
        call_button_pin=_pin(hw.call_button_pin),
        call_lamp_pin=_pin(hw.call_lamp_pin),
        headphone_pin=_pin(hw.headphone_pin),
        headphone_closed_means_inserted=hw.headphone_closed_means_inserted,
        desk_lamp_pin=_pin(hw.desk_lamp_pin),
        debounce_s=hw.debounce_s,
        hold_time_s=hw.hold_time_s,
    )
    if not use_real_devices(hw.mode, model):
        from hardware.sim import KeyboardScanner, MemoryPrinter, sim_board

        mock = sim_board(sim_pins or {}, debounce_s=hw.debounce_s, hold_time_s=hw.hold_time_s,
                         **callbacks)
        return DeviceSet(KeyboardScanner(on_code, on_dropped), mock.board, MemoryPrinter(),
                         simulated=True, mock_board=mock)

    from hardware.scanner import Scanners

    problems: list[str] = []
    scanner = Scanners(
        hw.scanners, on_code, on_dropped,
        inter_key_timeout=hw.scanner_inter_key_timeout_s or None,
        max_length=hw.scanner_max_length or None,
        prefix=hw.scanner_prefix, suffix=hw.scanner_suffix,
    )
    try:
        board = Board(hw.key_pins, pin_factory=hw.pin_factory, **pins, **callbacks)
    except (BoardError, ValueError) as e:
        problems.append(f"GPIO: {e}")
        log.error("GPIO board unavailable, using mock pins: %s", e)
        board = Board(hw.key_pins, pin_factory="mock", **pins, **callbacks)
    return DeviceSet(scanner, board, _usb_printer(hw), simulated=False, problems=problems)


def _usb_printer(hw: Any) -> Any | None:
    """The receipt printer the settings name (`printer = "VVVV:PPPP"`), or None."""
    if not hw.printer:
        return None
    from hardware.printer import ReceiptPrinter, parse_usb_id

    vendor, product = parse_usb_id(hw.printer)
    return ReceiptPrinter.usb(
        vendor, product, in_ep=hw.printer_in_ep, out_ep=hw.printer_out_ep,
        timeout_s=hw.printer_timeout_s, width_px=hw.printer_width_px, font_path=hw.printer_font,
    )
