"""What the composition is given, as typed interfaces: the real adapters (hardware/, the
speech and staff rooms, the IRBIS gateway) and their doubles (hardware.sim) both fit.

The app calls nothing on a part that is not written here, so a new double needs only
these methods."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from hardware.printer import PrintResult
from hardware.scanner import ScannerStatus
from kiosk.core.domain import Circulation


class Scanner(Protocol):
    """Delivers completed codes to the on_code callback it was built with."""

    def stop(self) -> None: ...


class ScannerStatuses(Protocol):
    """A real scanner set: what its reader threads see (kiosk.system.health reads it)."""

    grab: bool

    def status(self) -> list[ScannerStatus]: ...


class TypedScanner(Scanner, Protocol):
    """The desktop keyboard standing in for a scanner (hardware.sim.KeyboardScanner)."""

    def type_char(self, char: str) -> bool: ...

    def press_enter(self, keypad: bool = False) -> bool: ...


class ScriptedScanner(Scanner, Protocol):
    """Tests and `kiosk script`: push(code) delivers the code followed by Enter."""

    def push(self, code: str, role: str | None = None) -> None: ...


class Board(Protocol):
    """The GPIO board: tactile keys, call button, headphone jack, call and desk lamps."""

    def call_lamp(self, state: str) -> None: ...

    def desk_lamp(self, state: str, on_time: float | None = None,
                  off_time: float | None = None) -> None: ...

    def close(self) -> None: ...


class MockBoard(Protocol):
    """hardware.sim.MockBoard: hands on the mock pins of a simulated Board."""

    board: Board

    def tap(self, name: str) -> None: ...

    def headphones(self, inserted: bool) -> None: ...

    def press_binding(self, name: str) -> bool: ...


class Printer(Protocol):
    def print_lines(self, lines: Iterable[str],
                    on_result: Callable[[PrintResult], None]) -> None: ...


class Speech(Protocol):
    """The audio queue (kiosk.speech.Speaker) as the app drives it; it hears the bus itself."""

    def interrupt(self) -> None: ...

    def toggle_pause(self) -> bool: ...

    def close(self) -> None: ...


class StaffLink(Protocol):
    """kiosk.staff.link.StaffLink: alerts, escalation, MQTT, the lamps."""

    def start(self) -> None: ...

    def tick(self) -> None: ...

    def close(self) -> None: ...

    def broker_problem(self) -> str | None: ...

    def health_changed(self) -> None: ...


class Gateway(Protocol):
    """An opened IRBIS gateway (kiosk.irbis.gateway.Gateway)."""

    @property
    def circulation(self) -> Circulation: ...

    def close(self) -> None: ...


class Screen(Protocol):
    """The UI app as the composition drives it (kiosk.ui.app.KioskApp)."""

    def show(self, view: object) -> None: ...

    def stop(self) -> None: ...

    def run(self) -> None: ...
