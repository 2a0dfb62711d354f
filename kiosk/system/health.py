"""The kiosk's health: one table of checks, read by `kiosk hw-check`, the maintenance
screen's status lines and the staff console's heartbeat, so the three never disagree.

Each check reads one fact from `Parts` (what the running kiosk, or hw-check from the
config alone, can see) and gives a `Finding`: a state word for the heartbeat ("ok",
"missing", "error", "unreachable", "off", "low") and a detail line for staff (never patron
data). A part that is not there in this kiosk (no printer configured, no staff broker)
is "off", which is fine.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hardware.scanner import ScannerStatus

Problem = Callable[[], "str | None"]  # None = fine, else what is wrong (one line)
FINE = ("ok", "off")
MIN_FREE_MB = 200


@dataclass(frozen=True)
class Finding:
    name: str  # gateway | scanner | printer | sound | disk | journal | staff
    state: str  # ok | off | missing | error | unreachable | low
    detail: str

    @property
    def ok(self) -> bool:
        return self.state in FINE


@dataclass
class Parts:
    """What the checks look at. `scanners` None: the desktop keyboard or a script is the
    scanner (nothing to lose); a list of reader-thread states otherwise (hw-check gives
    what it found for each configured scanner)."""

    gateway: Problem
    gateway_url: str = ""
    scanners: Callable[[], Sequence[ScannerStatus]] | None = None
    scanners_grab: bool = True
    printer: Problem | None = None  # None: no printer configured
    speech: Problem | None = None  # None: the kiosk runs silent by choice
    data_dir: Path | None = None
    min_free_mb: int = MIN_FREE_MB
    journal: Problem | None = None  # None: no journal in this kiosk
    staff: Problem | None = None  # None: no staff broker configured
    now: Callable[[], float] = time.time


def _gateway(p: Parts) -> tuple[str, str]:
    problem = p.gateway()
    if problem is None:
        return "ok", p.gateway_url or "embedded"
    return "unreachable", problem


def _scanner(p: Parts) -> tuple[str, str]:
    """What the reader threads see: "ok" when every scanner is open (and grabbed),
    "missing" when one is not there, "error" when one is open but another program holds
    it; and how long ago a scanner last sent anything."""
    if p.scanners is None:
        return "ok", "none to watch (the keyboard or a script stands in)"
    statuses = list(p.scanners())
    absent = [s for s in statuses if not s.present]
    if absent:
        return "missing", "; ".join(f"scanner {s.path} {s.error or 'is not connected'}"
                                    for s in absent)
    if not statuses:
        return "missing", "no scanner connected"
    held = [s for s in statuses if p.scanners_grab and not s.grabbed]
    if held:
        return "error", f"{len(held)} scanner(s) held by another program"
    last = [s.last_event_at for s in statuses if s.last_event_at is not None]
    when = f", last read {int(p.now() - max(last))} s ago" if last else ", nothing read yet"
    return "ok", f"{len(statuses)} connected{when}"


def _optional(problem: Problem | None, off: str, fine: str, bad: str) -> tuple[str, str]:
    if problem is None:
        return "off", off
    found = problem()
    return ("ok", fine) if found is None else (bad, found)


def _printer(p: Parts) -> tuple[str, str]:
    return _optional(p.printer, "not configured", "ok", "missing")


def _speech(p: Parts) -> tuple[str, str]:
    return _optional(p.speech, "silent", "ok", "error")


def _journal(p: Parts) -> tuple[str, str]:
    return _optional(p.journal, "not kept", "ok", "error")


def _staff(p: Parts) -> tuple[str, str]:
    return _optional(p.staff, "no broker configured", "connected", "unreachable")


def _disk(p: Parts) -> tuple[str, str]:
    if p.data_dir is None:
        return "off", "no data directory"
    try:
        free_mb = shutil.disk_usage(p.data_dir).free // (1024 * 1024)
    except OSError as e:
        return "error", f"{p.data_dir}: {e.strerror}"
    state = "ok" if free_mb >= p.min_free_mb else "low"
    return state, f"{free_mb} MB free in {p.data_dir}"


CHECKS: tuple[tuple[str, Callable[[Parts], tuple[str, str]]], ...] = (
    ("gateway", _gateway),
    ("scanner", _scanner),
    ("printer", _printer),
    ("sound", _speech),
    ("disk", _disk),
    ("journal", _journal),
    ("staff", _staff),
)


def check_health(parts: Parts) -> list[Finding]:
    """Every check of the table, in its order; a check that breaks is itself a finding."""
    found = []
    for name, check in CHECKS:
        try:
            state, detail = check(parts)
        except Exception as e:  # noqa: BLE001 - a broken check is shown, never a crash
            state, detail = "error", f"check failed: {type(e).__name__}: {e}"
        found.append(Finding(name, state, detail))
    return found


def heartbeat(findings: Sequence[Finding]) -> dict[str, str]:
    """The state words, for the staff console's retained status."""
    return {f.name: f.state for f in findings}


def printer_problem(printer: str) -> str | None:
    """The receipt printer [hardware] printer names ("VVVV:PPPP"): None when it is on USB."""
    from hardware.printer import find_usb_printer, parse_usb_id

    try:
        vendor, product = parse_usb_id(printer)
    except ValueError as e:
        return str(e)
    found = find_usb_printer(vendor, product)
    if found is None:
        return f"{printer} configured, but USB cannot be read (libusb-1.0-0 missing?)"
    return None if found else f"{printer} configured but not connected (check cable and power)"
