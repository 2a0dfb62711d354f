"""The maintenance screen's logic (pure Python; the screen itself is kiosk/ui's).

Staff open it by scanning a staff card (listed in [maintenance] staff) and typing its PIN.
PINs are stored as salted PBKDF2 hashes (`kiosk maintenance-pin` makes one). After
`max_attempts` wrong PINs in a row the screen locks for `lockout_s` seconds of the
session clock, whichever card is scanned. While locked no PIN is even checked.

Once open it offers: a status summary (gateway, devices, disk, configuration warnings),
a test print, a sound test, restarting the app (exit code 75: systemd starts it again) and
shutting the Raspberry Pi down (`systemctl poweroff`, allowed for the kiosk user by the
polkit rule install.sh writes).

Wiring (kiosk/app/compose.py does this):
    gate = MaintenanceGate(cfg.maintenance, clock.now, state_file=<data dir>/maintenance.json)
    if gate.is_staff_card(code): result = gate.start(code) ... gate.enter_pin(pin)
    tools = MaintenanceActions(cfg, health=kiosk.findings, test_print=...,
                               test_sound=..., stop_app=kiosk.stop_app)
The status lines are the kiosk's health table (kiosk.system.health), the one the staff
console's heartbeat and `kiosk hw-check` read, plus the configuration's warnings.
Results carry message ids of the `maintenance` catalogue (kk/ru/en) plus parameters.
"""

from __future__ import annotations

import getpass
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import state_dir
from kiosk.staff.users import hash_password, verify_password
from kiosk.system.health import Finding, Parts, check_health
from kiosk.system.probe import probe_gateway

RESTART_EXIT_CODE = 75  # kiosk.service: RestartForceExitStatus=75
PIN_ITERATIONS = 200_000  # about half a second on a Raspberry Pi 4
POWEROFF_COMMAND: tuple[str, ...] = ("systemctl", "poweroff")
REBOOT_COMMAND: tuple[str, ...] = ("systemctl", "reboot")


def hash_pin(pin: str, iterations: int = PIN_ITERATIONS) -> str:
    """The string to put in [maintenance] staff as pin = "..."."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("a PIN is 4 to 12 digits")
    return hash_password(pin, iterations=iterations)


@dataclass(frozen=True)
class GateResult:
    """What the screen shows next. state: "pin" (ask for the PIN), "open", "locked",
    "not_staff". `msg`/`params` are a message id of the maintenance catalogue."""

    state: str
    msg: str
    params: dict[str, Any] = field(default_factory=dict)


class MaintenanceGate:
    """Staff card + PIN with a lockout after too many wrong PINs.

    `section` is a [maintenance] section (staff, max_attempts, lockout_s); `now` is the
    session clock's now() (virtual in tests and scripts)."""

    def __init__(
        self,
        section: Any,
        now: Callable[[], float],
        state_file: str | os.PathLike[str] | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.staff: list[dict[str, str]] = [e for e in section.staff if isinstance(e, dict)]
        self.max_attempts = int(section.max_attempts)
        self.lockout_s = float(section.lockout_s)
        self.now = now
        self.failures = 0
        self.locked_until: float | None = None
        self.card: str | None = None  # the staff card waiting for its PIN
        self.opened_by: str = ""  # the staff member's name (or "staff") once open
        # failures and a lock survive a restart or a pulled plug (e.g. in the state dir)
        self.state_file = Path(state_file) if state_file else None
        self.wall_clock = wall_clock
        self._load()

    def _load(self) -> None:
        if self.state_file is None:
            return
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.failures = int(data.get("failures", 0))
            until = data.get("locked_until_wall")
        except (OSError, ValueError, TypeError, AttributeError):
            return  # no file yet, or damaged: start unlocked
        if until is not None:
            left = min(float(until) - self.wall_clock(), self.lockout_s)
            if left > 0:
                self.locked_until = self.now() + left
            else:
                self.failures = 0

    def _save(self) -> None:
        if self.state_file is None:
            return
        until = None
        if self.locked_until is not None:
            until = self.wall_clock() + (self.locked_until - self.now())
        try:
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"failures": self.failures, "locked_until_wall": until}))
            os.replace(tmp, self.state_file)
        except OSError:
            pass  # a read-only disk must not open the screen nor crash it

    def _entry(self, code: str) -> dict[str, str] | None:
        found = None
        for entry in self.staff:  # compare with every entry: no timing hint
            if hmac.compare_digest(str(entry.get("card", "")).encode(), code.encode()):
                found = entry
        return found

    def is_staff_card(self, code: str) -> bool:
        return bool(code) and self._entry(code) is not None

    def locked_for_s(self) -> float:
        if self.locked_until is None:
            return 0.0
        left = self.locked_until - self.now()
        if left <= 0:
            self.locked_until = None
            self.failures = 0
            return 0.0
        return left

    def _locked(self) -> GateResult:
        left = self.locked_for_s()
        return GateResult("locked", "maintenance.locked", {"minutes": max(1, -int(-left // 60))})

    def start(self, code: str) -> GateResult:
        """A card was scanned on the attract screen and is a staff card: ask for the PIN."""
        if self.locked_for_s() > 0:
            self.card = None
            return self._locked()
        if not self.is_staff_card(code):
            self.card = None
            return GateResult("not_staff", "maintenance.not_staff")
        self.card = code
        return GateResult("pin", "maintenance.enter_pin")

    def enter_pin(self, pin: str) -> GateResult:
        if self.locked_for_s() > 0:
            return self._locked()
        if self.card is None:
            return GateResult("not_staff", "maintenance.scan_staff_card")
        entry = self._entry(self.card)
        if entry is not None and verify_password(pin, str(entry.get("pin", ""))):
            self.failures = 0
            self.card = None
            self.opened_by = str(entry.get("name", "")) or "staff"
            self._save()
            return GateResult("open", "maintenance.open", {"name": self.opened_by})
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.locked_until = self.now() + self.lockout_s
            self.card = None
            self._save()
            return self._locked()
        self._save()
        left = self.max_attempts - self.failures
        return GateResult("pin", "maintenance.wrong_pin", {"left": left})

    def cancel(self) -> None:
        """Back to the attract screen (also on idle timeout). Failures are kept."""
        self.card = None
        self.opened_by = ""


@dataclass(frozen=True)
class StatusLine:
    """One line of the status summary. `ok` False = staff should look at it."""

    name: str  # gateway | printer | scanner | sound | disk | config | ...
    ok: bool
    detail: str  # for staff, never patron data


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    msg: str  # message id, maintenance catalogue
    detail: str = ""


def gateway_problem(cfg: Any) -> str | None:
    """The configured gateway's probe (None: it answers, or it is the embedded one)."""
    url = cfg.gateway.url
    return probe_gateway(url, cfg.gateway.timeout_s, cfg.gateway.ca_file).problem if url else None


class MaintenanceActions:
    """What the open maintenance screen can do. Hardware hooks are injected by the app
    (the real printer/speaker or their doubles) so this stays testable. `health` gives the
    kiosk's health findings; without it they are what the configuration alone shows (the
    gateway reachable, the data directory's disk)."""

    def __init__(
        self,
        cfg: Any,
        *,
        health: Callable[[], Sequence[Finding]] | None = None,
        test_print: Callable[[], None] | None = None,
        test_sound: Callable[[], None] | None = None,
        stop_app: Callable[[int], None] | None = None,
        run: Callable[..., Any] = subprocess.run,
        data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.cfg = cfg
        self.data_dir = Path(data_dir) if data_dir else state_dir(cfg)
        if health is None:
            def health() -> list[Finding]:
                return check_health(Parts(gateway=lambda: gateway_problem(cfg),
                                          gateway_url=cfg.gateway.url, data_dir=self.data_dir))

        self.health = health
        self._test_print = test_print
        self._test_sound = test_sound
        self._stop_app = stop_app
        self._run = run

    def status(self) -> list[StatusLine]:
        lines = [StatusLine(f.name, f.ok, f.detail) for f in self.health()]
        warnings = list(getattr(self.cfg, "warnings", []))
        lines.append(
            StatusLine("config", not warnings, "; ".join(warnings) if warnings else str(self.cfg.source))
        )
        return lines

    def _hook(self, hook: Callable[[], None] | None, name: str) -> ActionResult:
        if hook is None:
            return ActionResult(False, f"maintenance.{name}_failed", "not available on this kiosk")
        try:
            hook()
        except Exception as e:
            return ActionResult(False, f"maintenance.{name}_failed", f"{type(e).__name__}: {e}")
        return ActionResult(True, f"maintenance.{name}_ok")

    def test_print(self) -> ActionResult:
        return self._hook(self._test_print, "print")

    def test_sound(self) -> ActionResult:
        return self._hook(self._test_sound, "sound")

    def restart_app(self) -> ActionResult:
        """Stop the app with exit code 75; systemd starts it again within seconds."""
        if self._stop_app is None:
            return ActionResult(False, "maintenance.restart_failed", "no way to stop the app")
        self._stop_app(RESTART_EXIT_CODE)
        return ActionResult(True, "maintenance.restarting")

    def shutdown(self) -> ActionResult:
        return self._system(POWEROFF_COMMAND, "shutdown")

    def reboot(self) -> ActionResult:
        return self._system(REBOOT_COMMAND, "reboot")

    def _system(self, command: Sequence[str], name: str) -> ActionResult:
        try:
            done = self._run(list(command), capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as e:
            return ActionResult(False, f"maintenance.{name}_failed", str(e))
        if done.returncode != 0:
            detail = (done.stderr or done.stdout or "").strip()[:200]
            return ActionResult(False, f"maintenance.{name}_failed", detail or f"exit {done.returncode}")
        return ActionResult(True, f"maintenance.{name}_started")


def pin_main(args: Any = None) -> int:
    """`kiosk maintenance-pin`: ask for a PIN twice, print the line for kiosk.toml."""
    if sys.stdin.isatty():
        pin = getpass.getpass("New maintenance PIN (4-12 digits): ")
        again = getpass.getpass("The same PIN again: ")
        if pin != again:
            print("The two PINs differ; nothing was printed.", file=sys.stderr)
            return 1
    else:
        pin = sys.stdin.readline().strip()
    try:
        encoded = hash_pin(pin)
    except ValueError as e:
        print(f"{e}; nothing was printed.", file=sys.stderr)
        return 1
    print(f'pin = "{encoded}"')
    return 0
