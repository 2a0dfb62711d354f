"""Configuration checked at start: every error names the key, what is wrong and the fix;
the commented example is valid and complete; an unreachable gateway is not an error."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, check_gateway_reachable, config_from_dict, load_config
from kiosk.maintenance import hash_pin

EXAMPLE = Path(__file__).resolve().parents[2] / "systemd" / "kiosk.example.toml"
# sections whose every key the example must show (the others are checked for validity)
DOCUMENTED = ("kiosk", "gateway", "loans", "session", "maintenance", "logging")


def secret_file(tmp_path: Path, text: str = "s3cret\n", mode: int = 0o600) -> str:
    path = tmp_path / "irbis.password"
    path.write_text(text)
    os.chmod(path, mode)
    return str(path)


def example_with(tmp_path: Path, password_file: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace("/etc/kiosk/irbis.password", password_file)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(data: dict) -> str:
    with pytest.raises(ConfigError) as e:
        config_from_dict(data)
    return str(e.value)


def test_example_is_valid_and_has_no_warnings(tmp_path: Path):
    cfg = load_config(example_with(tmp_path, secret_file(tmp_path)))
    assert cfg.warnings == []
    assert cfg.kiosk.default_language == "kk" and cfg.gateway.url.startswith("http://")
    assert cfg.extra == {}  # no section the program does not know


def test_example_documents_every_key_of_its_sections():
    text = EXAMPLE.read_text(encoding="utf-8")
    cfg = Config()
    missing = []
    for name in DOCUMENTED:
        section_text = text.split(f"[{name}]", 1)[1].split("\n[", 1)[0]
        for f in fields(getattr(cfg, name)):
            if not re.search(rf"^#?\s*{f.name}\s*=", section_text, re.MULTILINE) and not (
                f.name == "staff" and "[[maintenance.staff]]" in section_text
            ):
                missing.append(f"[{name}] {f.name}")
    assert missing == []


def test_example_shows_every_section_the_program_knows():
    text = EXAMPLE.read_text(encoding="utf-8")
    known = [f.name for f in fields(Config()) if is_dataclass(getattr(Config(), f.name))]
    assert [n for n in known if f"[{n}]" not in text] == []


def test_example_parses_with_the_staff_block_uncommented(tmp_path: Path):
    """The commented [[maintenance.staff]] block works once its # signs are removed."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text.split("# [[maintenance.staff]]", 1)[1].split("\n\n", 1)[0]
    hashed = hash_pin("2580", iterations=1000)
    uncommented = "[[maintenance.staff]]" + re.sub(r"\n# ?", "\n", block).replace(
        "pbkdf2_sha256$200000$...$...", hashed
    )
    text = text.replace("# [[maintenance.staff]]" + block, uncommented)
    path = example_with(tmp_path, secret_file(tmp_path))
    path.write_text(text.replace("/etc/kiosk/irbis.password", str(tmp_path / "irbis.password")))
    cfg = load_config(path)
    assert cfg.maintenance.staff == [{"card": "STAFF0001", "pin": hashed, "name": "Гүлнар"}]
    assert cfg.logging.level == "INFO"  # [logging] after the block is still its own table
    assert tomllib.loads(text)["maintenance"]["max_attempts"] == 5


@pytest.mark.parametrize(
    "data, key, fix",
    [
        ({"gateway": {"url": "ftp://10.0.0.5/irbis"}}, "[gateway] url", "http://"),
        ({"gateway": {"url": "tcp://10.0.0.5"}}, "[gateway] url", "6666"),
        ({"gateway": {"url": "http://:8080/x"}}, "[gateway] url", "Fix: url ="),
        ({"gateway": {"url": "http://10.0.0.5:99999/x"}}, "[gateway] url", "1 to 65535"),
        ({"gateway": {"timeout_s": 0}}, "[gateway] timeout_s", "timeout_s = 3"),
        ({"loans": {"max_items": 0}}, "[loans] max_items", "max_items = 5"),
        ({"loans": {"period_days": -3}}, "[loans] period_days", "period_days = 14"),
        ({"loans": {"max_renewals": -1}}, "[loans] max_renewals", "max_renewals = 2"),
        ({"kiosk": {"default_language": "de"}}, "[kiosk] default_language", '"kk"'),
        ({"kiosk": {"id": "kiosk 1"}}, "[kiosk] id", 'id = "kiosk-1"'),
        ({"session": {"warning_s": 10}}, "[session] warning_s", "warning_s = 20"),
        ({"session": {"timeout_s": 30, "warning_s": 30}}, "[session] warning_s", "less than timeout_s"),
        ({"session": {"receipt": "sometimes"}}, "[session] receipt", 'receipt = "ask"'),
        ({"maintenance": {"staff": [{"card": "S1", "pin": "1234"}]}}, "staff[0].pin", "kiosk maintenance-pin"),
        ({"maintenance": {"lockout_s": 1}}, "[maintenance] lockout_s", "lockout_s = 300"),
        ({"logging": {"level": "LOUD"}}, "[logging] level", 'level = "INFO"'),
        ({"logging": {"card_lengths": [2]}}, "[logging] card_lengths", "card_lengths = [10]"),
    ],
)
def test_error_names_key_problem_and_fix(data: dict, key: str, fix: str):
    message = error_of(data)
    assert key in message and fix in message
    assert "Fix" in message or "use" in message


def test_every_problem_is_listed_at_once():
    message = error_of({"loans": {"max_items": 0}, "kiosk": {"default_language": "fr"}})
    assert "2 problems" in message and "max_items" in message and "default_language" in message


def test_password_file_readable_by_everyone_is_an_error_with_the_fix(tmp_path: Path):
    path = secret_file(tmp_path, mode=0o644)
    message = error_of({"gateway": {"password_file": path}})
    assert "[gateway] password_file" in message and "0644" in message
    assert f"chmod 600 {path}" in message and "s3cret" not in message


def test_password_file_readable_by_its_group_is_a_warning(tmp_path: Path):
    cfg = config_from_dict({"gateway": {"password_file": secret_file(tmp_path, mode=0o640)}})
    assert any("chmod 600" in w for w in cfg.warnings)


def test_missing_password_file_says_how_to_make_it(tmp_path: Path):
    message = error_of({"gateway": {"password_file": str(tmp_path / "nope")}})
    assert "no such file" in message and "chmod 600" in message


def test_placeholder_password_is_a_warning_not_an_error(tmp_path: Path):
    cfg = config_from_dict({"gateway": {"password_file": secret_file(tmp_path, "CHANGE-ME\n")}})
    assert any("placeholder" in w for w in cfg.warnings)


def test_password_in_the_config_file_is_a_warning():
    cfg = config_from_dict({"gateway": {"url": "tcp://10.0.0.5:6666", "password": "x"}})
    assert any("password_file" in w for w in cfg.warnings)


def test_file_errors_name_the_file(tmp_path: Path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[loans]\nmax_items = 0\n')
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(path) in str(e.value) and "[loans] max_items" in str(e.value)


def test_unreachable_gateway_is_valid_and_reported_by_the_reachability_check():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nobody listens
    cfg = config_from_dict({"gateway": {"url": f"tcp://127.0.0.1:{port}"}})  # no error
    reason = check_gateway_reachable(cfg, timeout_s=1)
    assert reason is not None and f"127.0.0.1:{port}" in reason


def test_reachable_gateway_and_embedded_server_report_none():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        url = f"http://127.0.0.1:{port}/cgi-bin/irbis64r/WebToIrbisServer.exe"
        assert check_gateway_reachable(config_from_dict({"gateway": {"url": url}})) is None
    assert check_gateway_reachable(Config()) is None


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=60
    )


def test_config_check_command_lists_problems_and_fixes(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[loans]\nmax_items = 0\n[session]\nwarning_s = 5\n")
    done = _kiosk("config-check", "--config", str(bad))
    assert done.returncode == 1
    assert "[loans] max_items" in done.stderr and "Fix: warning_s = 20" in done.stderr
    assert "Traceback" not in done.stderr


def test_config_check_command_accepts_the_example_and_notes_an_unreachable_gateway(tmp_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = example_with(tmp_path, secret_file(tmp_path))
    path.write_text(path.read_text(encoding="utf-8").replace(
        "http://192.168.1.10:8080", f"http://127.0.0.1:{port}"), encoding="utf-8")
    done = _kiosk("config-check", "--config", str(path))
    assert done.returncode == 0, done.stderr
    assert f"{path}: ok" in done.stdout and f"127.0.0.1:{port}" in done.stdout
