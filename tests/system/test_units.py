"""The three systemd units: `systemd-analyze verify` finds nothing to complain about, and
they say what the kiosk needs (notify + watchdog, restart limits, user, hardening that
keeps the devices reachable)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.cli import build_parser
from kiosk.maintenance import RESTART_EXIT_CODE
from kiosk.system.watchdog import watchdog_interval_s

REPO = Path(__file__).resolve().parents[2]
UNITS = ("kiosk.service", "kiosk-callpoint.service", "kiosk-staff-console.service")
BINARY = "/opt/kiosk/.venv/bin/kiosk"


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    return parse_unit((REPO / "systemd" / name).read_text())


def verify(folder: Path, names: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", *names],
        cwd=folder, capture_output=True, text=True, timeout=60,
    )


@pytest.fixture
def unit_dir(tmp_path: Path) -> Path:
    """The units with ExecStart pointed at a stub (verify insists the binary exists;
    the venv exists only on an installed kiosk)."""
    stub = tmp_path / "bin" / "kiosk"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    for name in UNITS:
        text = (REPO / "systemd" / name).read_text()
        assert BINARY in text
        (tmp_path / name).write_text(text.replace(BINARY, str(stub)))
    return tmp_path


needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="Debian package systemd not installed"
)


def problems(done: subprocess.CompletedProcess[str], names: list[str]) -> list[str]:
    text = done.stdout + done.stderr
    return [line for line in text.splitlines() if any(n in line for n in names)]


@needs_analyze
def test_systemd_analyze_verify_is_clean(unit_dir: Path):
    names = list(UNITS)
    done = verify(unit_dir, names)
    assert done.returncode == 0, done.stderr
    assert problems(done, names) == []


@needs_analyze
def test_verify_check_catches_a_broken_unit(unit_dir: Path):
    """The check above can fail: a misspelt key and a bad value are reported."""
    text = (unit_dir / "kiosk.service").read_text()
    text = text.replace("WatchdogSec=30", "WatchdogSecs=30").replace(
        "Restart=on-failure", "Restart=sometimes"
    )
    (unit_dir / "broken.service").write_text(text)
    found = problems(verify(unit_dir, ["broken.service"]), ["broken.service"])
    assert any("WatchdogSecs" in line for line in found)
    assert any("sometimes" in line for line in found)


def test_kiosk_unit_is_notify_with_watchdog_and_restart_limits():
    u = unit("kiosk.service")
    s = u["Service"]
    assert s["Type"] == ["notify"] and s["NotifyAccess"] == ["main"]
    assert s["WatchdogSec"] == ["30"]
    # the app pings every third of WatchdogSec: 10 s
    assert watchdog_interval_s({"WATCHDOG_USEC": str(30 * 1_000_000)}) == pytest.approx(10.0)
    assert s["Restart"] == ["on-failure"]
    assert s["RestartForceExitStatus"] == [str(RESTART_EXIT_CODE)]
    assert int(u["Unit"]["StartLimitBurst"][0]) >= 3
    assert int(u["Unit"]["StartLimitIntervalSec"][0]) >= 60
    assert "getty@tty1.service" in u["Unit"]["Conflicts"]  # no login prompt behind the app
    assert u["Install"]["WantedBy"] == ["multi-user.target"]


def test_kiosk_unit_environment_for_kivy_on_kmsdrm():
    env = dict(e.split("=", 1) for e in unit("kiosk.service")["Service"]["Environment"])
    assert env["SDL_VIDEODRIVER"] == "kmsdrm"
    assert env["KIVY_NO_ARGS"] == "1"
    assert env["KIVY_HOME"].startswith("/var/lib/kiosk/")  # the StateDirectory


@pytest.mark.parametrize("name", UNITS)
def test_units_run_as_kiosk_with_hardening(name: str):
    s = unit(name)["Service"]
    assert s["User"] == ["kiosk"] and s["Group"] == ["kiosk"]
    for key, value in {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "StateDirectory": "kiosk",
        "ConfigurationDirectory": "kiosk",
        "StandardError": "journal",
    }.items():
        assert s[key] == [value], key
    assert "SupplementaryGroups" not in s  # the groups come from the user (install.sh)


@pytest.mark.parametrize("name", ["kiosk.service", "kiosk-callpoint.service"])
def test_device_units_keep_devices_reachable(name: str):
    s = unit(name)["Service"]
    # PrivateDevices hides /dev/input, /dev/gpiochip*, /dev/dri; MDWE breaks Mesa
    assert "PrivateDevices" not in s and "MemoryDenyWriteExecute" not in s
    assert "DeviceAllow" not in s and "ProtectClock" not in s  # both close the device list


@pytest.mark.parametrize("name", UNITS)
def test_execstart_is_a_kiosk_command_line_the_cli_accepts(name: str):
    argv = shlex.split(unit(name)["Service"]["ExecStart"][0])
    assert argv[0] == BINARY
    args = build_parser().parse_args(argv[1:])
    assert args.config == "/etc/kiosk/kiosk.toml"
    assert args.command == {"kiosk.service": "run"}.get(name, name.removeprefix("kiosk-").removesuffix(".service"))


@needs_analyze
def test_nightly_restart_timer_verifies_and_restarts_only_the_kiosk(tmp_path: Path):
    names = ["kiosk-nightly-restart.service", "kiosk-nightly-restart.timer"]
    for name in names:
        (tmp_path / name).write_text((REPO / "systemd" / name).read_text())
    done = verify(tmp_path, names)
    assert done.returncode == 0, done.stderr
    assert problems(done, names) == []
    service = (REPO / "systemd" / names[0]).read_text()
    assert "ExecStart=/bin/systemctl try-restart kiosk.service" in service  # never starts it
    assert "OnCalendar=*-*-* 03:30:00" in (REPO / "systemd" / names[1]).read_text()
