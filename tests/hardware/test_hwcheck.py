"""`kiosk hw-check` on this machine (no devices) and with configs naming missing devices."""

from __future__ import annotations

import http.server
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.config import config_from_dict
from kiosk.tools.hwcheck import Report, check_scanners, run_checks
from tests.hardware.fake_evdev import TOUCH_CAPS, FakeBus

ROOT = Path(__file__).parents[2]


def hw_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "hw-check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_no_devices_default_config_says_so_and_exits_0() -> None:
    if Path("/dev/input").exists():
        pytest.skip("this machine has input devices")
    r = hw_check()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "no input devices on this machine" in r.stdout
    assert "RESULT: OK" in r.stdout and "none is configured" in r.stdout
    assert "embedded" in r.stdout


def test_configured_scanner_missing_exits_1(tmp_path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[hardware]\nscanners = ["card=0c2e:0b61"]\n', encoding="utf-8")
    r = hw_check("--config", str(cfg))
    assert r.returncode == 1, r.stdout
    assert "MISSING: scanner card=0c2e:0b61 is configured but not connected" in r.stdout
    assert "Traceback" not in r.stderr


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """The real `kiosk` command line, in this process (faster than a subprocess)."""
    from kiosk.cli import main

    code = main(["hw-check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_invalid_config_is_a_message_not_a_traceback(tmp_path, capsys) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[hardware]\ndebounce_s = 'fast'\n", encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(cfg))
    assert code == 1 and "debounce_s" in err
    cfg.write_text("[hardware]\ndebounce_s = 0.9\n", encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(cfg))
    assert code == 1 and "debounce_s = 0.9" in err
    code, out, err = cli(capsys, "--config", str(tmp_path / "nope.toml"))
    assert code == 1 and "no such file" in err


def run(data: dict) -> tuple[int, str]:
    lines: list[str] = []
    code = run_checks(config_from_dict(data, "test"), lines.append)
    return code, "\n".join(lines)


def test_pins_printer_and_bad_values_are_reported() -> None:
    code, out = run({"hardware": {"key_pins": {"help": 16}, "call_button_pin": 17,
                                  "printer": "0416:5011"}})
    assert code == 1
    assert "key help: GPIO16 (pin 36)" in out and "call button: GPIO17 (pin 11)" in out
    assert "no Raspberry Pi GPIO" in out
    assert "0416:5011 configured but" in out


def test_mock_pins_by_request_are_not_missing() -> None:
    code, out = run({"hardware": {"key_pins": {"up": 5}, "pin_factory": "mock"}})
    assert code == 0, out
    assert "mock pins by request" in out


@pytest.fixture(scope="module")
def embedded_server():
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        m = re.match(r"ready tcp=(\d+) http=(\d+)", line)
        assert m, line
        yield int(m.group(1)), int(m.group(2))
    finally:
        proc.terminate()
        proc.wait(10)


def test_gateway_http_tunnel_of_the_embedded_server_is_reachable(embedded_server) -> None:
    tcp, http = embedded_server
    code, out = run({"gateway": {"url": f"http://127.0.0.1:{http}/cgi-bin/irbis64r/WebToIrbisServer.exe"}})
    assert code == 0, out
    assert f"http://127.0.0.1:{http} reachable (HTTP" in out
    code, out = run({"gateway": {"url": f"tcp://127.0.0.1:{tcp}"}})
    assert code == 0 and "accepts connections" in out


def test_gateway_wrong_path_and_closed_port_are_reported() -> None:
    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_error(404)

        def log_message(self, *args) -> None:
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    try:
        code, out = run({"gateway": {"url": f"http://127.0.0.1:{port}/wrong/WebToIrbisServer.exe"}})
        assert code == 1 and "HTTP 404" in out
    finally:
        srv.shutdown()
        srv.server_close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    for url in (f"tcp://127.0.0.1:{closed}", f"http://127.0.0.1:{closed}/x"):
        code, out = run({"gateway": {"url": url}})
        assert code == 1 and "unreachable" in out, out


def test_config_problems_elsewhere_still_list_the_devices(tmp_path, capsys) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[gateway]\npassword_file = "/nonexistent/irbis.password"\n'
                   '[hardware]\nscanners = ["book=05e0:1200"]\n', encoding="utf-8")
    code, out, err = cli(capsys, "--config", str(cfg))
    assert code == 1
    assert "CONFIG PROBLEM: [gateway] password_file" in out
    assert "MISSING: scanner book=05e0:1200 is configured but not connected" in out


def test_found_scanners_listed_with_by_id_and_touch_left_alone(tmp_path, monkeypatch) -> None:
    bus = FakeBus(tmp_path)
    monkeypatch.setitem(sys.modules, "evdev", bus)
    dev = bus.plug("Honeywell Scanner", 0x0C2E, 0x0B61)
    bus.plug("ILITEK Multi-Touch", 0x222A, 0x0001, caps=TOUCH_CAPS)
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    (by_id / "usb-Honeywell_Scanner-event-kbd").symlink_to(dev.path)
    lines: list[str] = []
    rep = Report(lines.append)
    check_scanners(config_from_dict({"hardware": {"scanners": ["card=0c2e:0b61"]}}).hardware, rep,
                   input_dir=str(tmp_path))
    out = "\n".join(lines)
    assert rep.missing == []
    assert "scanner, role card: 'Honeywell Scanner' 0c2e:0b61" in out
    assert "usb-Honeywell_Scanner-event-kbd" in out
    assert "touch device (never grabbed): 'ILITEK Multi-Touch'" in out
