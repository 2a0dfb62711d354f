"""The kiosk's devices: scanners, the GPIO board (tactile keys, call button, headphone
jack, lamps) and the receipt printer. Real adapters come from hardware/ when configured;
otherwise the desktop doubles; `kiosk script` always gets the scripted ones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from hardware.scanner import Scanners
from hardware.sim import KeyboardScanner
from kiosk.app.ports import Board, MockBoard, Printer, Scanner, ScannerStatuses, TypedScanner
from kiosk.config import SUGGESTED_WIRING, Config

log = logging.getLogger(__name__)


@dataclass
class Inputs:
    """Where the devices deliver; each runs on the device's thread (the app posts on)."""

    on_code: Callable[[str, str], None]
    on_dropped: Callable[[str], None]
    on_key: Callable[[str], None]
    on_hold: Callable[[str], None]
    on_call: Callable[[], None]
    on_headphones: Callable[[bool], None]


@dataclass
class Devices:
    scanner: Scanner
    board: Board
    printer: Printer | None
    mock_board: MockBoard | None = None  # the simulated board's pins (desktop, scripts)
    typed: TypedScanner | None = None  # the desktop keyboard standing in for a scanner
    statuses: ScannerStatuses | None = None  # real scanners: what their threads see
    problems: list[str] = field(default_factory=list)

    def close(self) -> None:
        for close in (self.scanner.stop, self.board.close):
            try:
                close()
            except Exception:  # noqa: BLE001 - closing must go on
                log.exception("closing a device failed")


def scripted_devices(inputs: Inputs) -> Devices:
    """`kiosk script` and tests: pushed codes, mock pins without debounce (commands come
    faster than any finger), a printer into memory."""
    from hardware.sim import MemoryPrinter, ScriptedScanner, sim_board

    scanner = ScriptedScanner(inputs.on_code, inputs.on_dropped).start()
    mock = sim_board(SUGGESTED_WIRING, debounce_s=0.0, on_key=inputs.on_key,
                     on_call=inputs.on_call, on_headphones=inputs.on_headphones)
    return Devices(scanner, mock.board, MemoryPrinter(), mock_board=mock)


def configured_devices(cfg: Config, inputs: Inputs) -> Devices:
    """The devices [hardware] names (or the desktop doubles off the Pi), started."""
    from hardware.assemble import build_devices

    built = build_devices(cfg.hardware, sim_pins=SUGGESTED_WIRING, on_code=inputs.on_code,
                          on_dropped=inputs.on_dropped, on_key=inputs.on_key,
                          on_hold=inputs.on_hold, on_call=inputs.on_call,
                          on_headphones=inputs.on_headphones)
    for problem in built.problems:
        log.error("device problem: %s", problem)
    built.start()
    scanner = built.scanner
    return Devices(scanner, built.board, built.printer, mock_board=built.mock_board,
                   typed=scanner if isinstance(scanner, KeyboardScanner) else None,
                   statuses=scanner if isinstance(scanner, Scanners) else None,
                   problems=list(built.problems))
