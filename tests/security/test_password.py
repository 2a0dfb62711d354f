"""The IRBIS password: from a 0600 file or IRBIS_PASSWORD, never on the command line, never
printed -- `kiosk circ` against the embedded server, right and wrong passwords."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.irbis.server import start_server
from tests.security.demo import demo_readers, leaks

PASSWORD = "Pw-4kq!Zr8"
WRONG = "Wrong-7Hx2"
TODAY = "20261125"
CARDS, NAMES = demo_readers()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory.mktemp("irbis"), demo=True, users={"kiosk1": PASSWORD}) as handle:
        yield handle


def write_config(where: Path, password: str | None, mode: int = 0o600) -> Path:
    lines = ["[gateway]", 'username = "kiosk1"']
    if password is not None:
        secret = where / "irbis.password"
        secret.write_text(password + "\n", encoding="utf-8")
        secret.chmod(mode)
        lines.append(f'password_file = "{secret}"')
    cfg = where / "kiosk.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def circ(server, cfg: Path, *args: str, env_password: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("IRBIS_PASSWORD", "IRBIS_USER")}
    if env_password is not None:
        env["IRBIS_PASSWORD"] = env_password
    argv = [sys.executable, "-m", "kiosk", "circ", *args, "--config", str(cfg),
            "--gateway", server.http_url, "--today", TODAY]
    assert not any(PASSWORD in a or WRONG in a for a in argv)  # never on the command line
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)


def test_password_from_a_0600_file_works_and_is_not_printed(server, tmp_path) -> None:
    done = circ(server, write_config(tmp_path, PASSWORD), "loans", "100102")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["ok"] is True and len(answer["loans"]) == 2
    assert PASSWORD not in done.stdout + done.stderr


def test_password_from_the_environment_wins(server, tmp_path) -> None:
    # the file holds a wrong password; IRBIS_PASSWORD the right one
    done = circ(server, write_config(tmp_path, WRONG), "loans", "100102", env_password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr and WRONG not in done.stdout + done.stderr


def test_a_wrong_password_fails_without_showing_either_password(server, tmp_path) -> None:
    done = circ(server, write_config(tmp_path, WRONG), "checkout", "100101", "000010001")
    assert done.returncode in (1, 3)
    if done.returncode == 3:
        assert json.loads(done.stdout)["reason"] == "gateway_unavailable"
    else:
        assert done.stdout == "" and done.stderr.strip()
    out = done.stdout + done.stderr
    assert WRONG not in out and PASSWORD not in out
    assert leaks(out, NAMES) == []
    # and nothing was lent
    right = tmp_path / "right"
    right.mkdir()
    check = circ(server, write_config(right, PASSWORD), "loans", "100101")
    assert json.loads(check.stdout)["loans"] == []


def test_a_password_file_others_can_read_is_refused(server, tmp_path) -> None:
    done = circ(server, write_config(tmp_path, PASSWORD, mode=0o644), "loans", "100102")
    assert done.returncode == 1 and done.stdout == ""
    assert "password_file" in done.stderr and "0644" in done.stderr and "chmod 600" in done.stderr
    assert PASSWORD not in done.stderr


def test_the_command_line_has_no_password_option() -> None:
    for action in ("loans", "checkout", "renew", "return"):
        done = subprocess.run([sys.executable, "-m", "kiosk", "circ", action, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "--gateway" in done.stdout
        assert "password" not in done.stdout.lower()


def test_hw_check_shows_neither_the_password_nor_credentials_in_the_url(tmp_path) -> None:
    cfg = write_config(tmp_path, PASSWORD)
    with cfg.open("a", encoding="utf-8") as f:  # an unreachable gateway with credentials in its URL
        f.write(f'url = "http://kiosk1:{WRONG}@127.0.0.1:9/cgi-bin/irbis64r/WebToIrbisServer.exe"\n')
    done = subprocess.run([sys.executable, "-m", "kiosk", "hw-check", "--config", str(cfg)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Gateway" in done.stdout  # it did check the gateway
    assert PASSWORD not in done.stdout + done.stderr and WRONG not in done.stdout + done.stderr
