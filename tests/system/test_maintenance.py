"""The maintenance screen's logic: staff card + PIN, lockout after 5 wrong PINs on the
session clock, and the actions (status, test print/sound, restart, shut down)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from kiosk.config import check_gateway_reachable, config_from_dict
from kiosk.core.clock import VirtualClock
from kiosk.locale import LANGUAGES, has, tr
from kiosk.maintenance import (
    RESTART_EXIT_CODE,
    MaintenanceActions,
    MaintenanceGate,
    hash_pin,
    is_pin_hash,
)
from kiosk.system.health import Parts, check_health

STAFF_CARD = "STAFF0001"
PIN = "2580"


@pytest.fixture(scope="module")
def cfg():
    hashed = hash_pin(PIN, iterations=1000)  # fast for tests; the tool uses 200 000
    return config_from_dict(
        {"maintenance": {"staff": [{"card": STAFF_CARD, "pin": hashed, "name": "Гүлнар"}]}}
    )


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


def test_staff_card_then_right_pin_opens(cfg, clock):
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    assert gate.start("0012345678").state == "not_staff"
    assert gate.start(STAFF_CARD).state == "pin"
    result = gate.enter_pin(PIN)
    assert result.state == "open" and result.params == {"name": "Гүлнар"}


def test_five_wrong_pins_lock_for_the_configured_time(cfg, clock):
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    gate.start(STAFF_CARD)
    lefts = [gate.enter_pin("0000").params.get("left") for _ in range(4)]
    assert lefts == [4, 3, 2, 1]
    fifth = gate.enter_pin("0000")
    assert fifth.state == "locked" and fifth.params == {"minutes": 5}

    # locked: even the right PIN after rescanning the card does not open it
    assert gate.start(STAFF_CARD).state == "locked"
    assert gate.enter_pin(PIN).state == "locked"
    clock.advance(299)
    assert gate.start(STAFF_CARD).state == "locked"
    assert gate.locked_for_s() == pytest.approx(1)

    clock.advance(2)  # 301 s after the fifth failure
    assert gate.start(STAFF_CARD).state == "pin"
    assert gate.enter_pin(PIN).state == "open"


def test_lock_message_counts_minutes_left(cfg, clock):
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    gate.start(STAFF_CARD)
    for _ in range(5):
        gate.enter_pin("1111")
    clock.advance(200)
    assert gate.start(STAFF_CARD).params == {"minutes": 2}  # 100 s left -> "2 min"


def test_right_pin_resets_the_count(cfg, clock):
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    gate.start(STAFF_CARD)
    for _ in range(4):
        gate.enter_pin("9999")
    assert gate.enter_pin(PIN).state == "open"
    gate.start(STAFF_CARD)
    assert gate.enter_pin("9999").params == {"left": 4}


def test_cancel_does_not_reset_failures(cfg, clock):
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    for _ in range(5):
        gate.start(STAFF_CARD)
        gate.enter_pin("1234")
        gate.cancel()
    assert gate.start(STAFF_CARD).state == "locked"


def test_pin_without_a_staff_card_is_refused(cfg, clock):
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    assert gate.enter_pin(PIN).state == "not_staff"


def test_custom_attempts_and_lockout(clock):
    hashed = hash_pin(PIN, iterations=1000)
    cfg = config_from_dict(
        {"maintenance": {"staff": [{"card": "S", "pin": hashed}], "max_attempts": 2, "lockout_s": 60}}
    )
    gate = MaintenanceGate(cfg.maintenance, clock.now)
    gate.start("S")
    gate.enter_pin("0")
    assert gate.enter_pin("0").state == "locked"
    clock.advance(61)
    gate.start("S")
    assert gate.enter_pin(PIN).state == "open"


def test_hash_pin_rejects_non_pins_and_is_salted():
    with pytest.raises(ValueError):
        hash_pin("12")
    with pytest.raises(ValueError):
        hash_pin("abcd")
    a, b = hash_pin("1234", iterations=1000), hash_pin("1234", iterations=1000)
    assert a != b and is_pin_hash(a) and "1234" not in a


def test_pin_tool_prints_a_line_the_config_accepts(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "maintenance-pin"],
        input="4321\n", capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert re.fullmatch(r'pin = "pbkdf2_sha256\$200000\$[^"]+"', line) and "4321" not in line
    toml = tmp_path / "k.toml"
    toml.write_text(f'[[maintenance.staff]]\ncard = "S9"\n{line}\n')
    from kiosk.config import load_config

    staff = load_config(toml).maintenance
    gate = MaintenanceGate(staff, VirtualClock().now)
    gate.start("S9")
    assert gate.enter_pin("4321").state == "open"


def test_pin_tool_refuses_a_bad_pin():
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "maintenance-pin"],
        input="12\n", capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1 and done.stdout == "" and "4 to 12 digits" in done.stderr


# --- actions --------------------------------------------------------------------------


def test_status_summary_reports_gateway_devices_disk_and_config(tmp_path: Path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        cfg = config_from_dict({"gateway": {"url": f"tcp://127.0.0.1:{port}", "password": "x"}})
        tools = MaintenanceActions(cfg, health=lambda: check_health(Parts(
            gateway=lambda: check_gateway_reachable(cfg), printer=lambda: "no printer 0416:5011 on USB",
            data_dir=tmp_path, min_free_mb=0, journal=lambda: None, staff=lambda: None)))
        lines = {line.name: line for line in tools.status()}
    assert lines["gateway"].ok
    assert not lines["printer"].ok and "0416:5011" in lines["printer"].detail
    assert lines["scanner"].ok and lines["disk"].ok and "MB free" in lines["disk"].detail
    assert not lines["config"].ok and "password_file" in lines["config"].detail  # the warning
    assert all(has(f"maintenance.item.{name}", lang) for name in lines for lang in LANGUAGES)


def test_status_shows_unreachable_gateway_and_broken_checks(tmp_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = config_from_dict({"gateway": {"url": f"tcp://127.0.0.1:{port}", "timeout_s": 1}})

    def broken() -> str | None:
        raise OSError("usb busy")

    health = Parts(gateway=lambda: check_gateway_reachable(cfg), printer=broken, data_dir=tmp_path)
    lines = {x.name: x for x in MaintenanceActions(cfg, health=lambda: check_health(health)).status()}
    assert not lines["gateway"].ok and f"127.0.0.1:{port}" in lines["gateway"].detail
    assert not lines["printer"].ok and "usb busy" in lines["printer"].detail


def test_test_print_and_sound_report_failures_with_details(cfg):
    def jammed() -> None:
        raise RuntimeError("paper out")

    printed: list[str] = []
    tools = MaintenanceActions(cfg, test_print=jammed, test_sound=lambda: printed.append("beep"))
    failed = tools.test_print()
    assert not failed.ok and failed.msg == "maintenance.print_failed" and "paper out" in failed.detail
    assert tools.test_sound().ok and printed == ["beep"]
    assert not MaintenanceActions(cfg).test_print().ok  # no printer on this kiosk


def test_restart_stops_the_app_with_the_code_systemd_restarts(cfg):
    codes: list[int] = []
    result = MaintenanceActions(cfg, stop_app=codes.append).restart_app()
    assert result.ok and codes == [RESTART_EXIT_CODE] == [75]
    unit = (Path(__file__).resolve().parents[2] / "systemd" / "kiosk.service").read_text()
    assert f"RestartForceExitStatus={RESTART_EXIT_CODE}" in unit


def test_shutdown_runs_systemctl_poweroff_and_reports_refusal(cfg):
    calls: list[list[str]] = []

    def systemctl(argv, **_):
        calls.append(argv)
        return SimpleNamespace(returncode=1, stdout="", stderr="Access denied")

    result = MaintenanceActions(cfg, run=systemctl).shutdown()
    assert calls == [["systemctl", "poweroff"]]
    assert not result.ok and result.msg == "maintenance.shutdown_failed" and "Access denied" in result.detail

    ok = MaintenanceActions(cfg, run=lambda argv, **_: SimpleNamespace(returncode=0, stdout="", stderr=""))
    assert ok.shutdown().msg == "maintenance.shutdown_started"
    assert ok.reboot().msg == "maintenance.reboot_started"


def test_shutdown_without_systemctl_is_a_message_not_a_crash(cfg):
    def missing(argv, **_):
        raise FileNotFoundError(2, "No such file or directory", argv[0])

    result = MaintenanceActions(cfg, run=missing).shutdown()
    assert not result.ok and "No such file" in result.detail


def test_every_message_exists_in_every_language():
    source = (Path(__file__).resolve().parents[2] / "kiosk" / "maintenance" / "gate.py").read_text()
    ids = set(re.findall(r'"(maintenance\.[a-z_.]+)"', source))
    ids |= {f"maintenance.{a}_{b}" for a in ("print", "sound") for b in ("ok", "failed")}
    ids |= {f"maintenance.{a}_{b}" for a in ("shutdown", "reboot") for b in ("started", "failed")}
    for msg in sorted(ids):
        for lang in LANGUAGES:
            assert has(msg, lang), (msg, lang)
    assert "{left}" not in tr("maintenance.wrong_pin", "kk", left=2)


def test_lock_and_failures_survive_a_restart(cfg, tmp_path: Path):
    state = tmp_path / "maintenance.json"
    wall = [1_000_000.0]
    first = MaintenanceGate(cfg.maintenance, VirtualClock().now, state, lambda: wall[0])
    first.start(STAFF_CARD)
    for _ in range(3):
        first.enter_pin("0000")
    # the plug is pulled; a new process with a fresh session clock
    second = MaintenanceGate(cfg.maintenance, VirtualClock().now, state, lambda: wall[0])
    second.start(STAFF_CARD)
    assert second.enter_pin("0000").params == {"left": 1}
    assert second.enter_pin("0000").state == "locked"
    wall[0] += 100
    clock = VirtualClock()
    third = MaintenanceGate(cfg.maintenance, clock.now, state, lambda: wall[0])
    assert third.start(STAFF_CARD).state == "locked"
    assert third.locked_for_s() == pytest.approx(200)
    clock.advance(201)
    assert third.start(STAFF_CARD).state == "pin" and third.enter_pin(PIN).state == "open"
    fourth = MaintenanceGate(cfg.maintenance, VirtualClock().now, state, lambda: wall[0])
    fourth.start(STAFF_CARD)
    assert fourth.enter_pin("0000").params == {"left": 4}  # the success reset the count


def test_damaged_state_file_starts_unlocked(cfg, tmp_path: Path):
    state = tmp_path / "maintenance.json"
    state.write_text("{not json")
    gate = MaintenanceGate(cfg.maintenance, VirtualClock().now, state)
    gate.start(STAFF_CARD)
    assert gate.enter_pin(PIN).state == "open"
