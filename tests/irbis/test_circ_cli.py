"""`kiosk circ` as staff and scripts run it: the real console script in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.irbis.client import IrbisClient
from kiosk.irbis.gateway import write_demo
from kiosk.irbis.server import start_server

KIOSK = Path(sys.executable).parent / "kiosk"
TODAY = "20261125"


def circ(*args: str, config: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, dict | None, str]:
    cmd = [str(KIOSK), "circ", *args]
    if config is not None:
        cmd += ["--config", str(config)]
    run_env = {**os.environ, "IRBIS_USER": "kiosk1", "IRBIS_PASSWORD": "kiosk1", **(env or {})}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=run_env)
    lines = proc.stdout.splitlines()
    assert len(lines) <= 1, proc.stdout
    return proc.returncode, json.loads(lines[0]) if lines else None, proc.stderr


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "state"}"\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("sim")
    server = start_server(tmp, loads=write_demo(tmp / "demo", date(2026, 11, 25)), users={"kiosk1": "kiosk1"})
    yield server.http_url
    server.stop()


def test_embedded_demo_persists_between_calls(config: Path) -> None:
    code, out, _ = circ("checkout", "100101", "000010001", "--today", TODAY, config=config)
    assert (code, out) == (0, {"ok": True, "barcode": "000010001", "title": "Құнанбаев А. Қара сөздер",
                               "due": "20261209", "renewed": False})
    code, out, _ = circ("loans", "100101", "--today", "20261210", config=config)
    assert code == 0
    assert out == {"ok": True, "card": "100101", "loans": [
        {"barcode": "000010001", "title": "Құнанбаев А. Қара сөздер", "due": "20261209", "overdue": True, "renewals": 0}
    ]}
    code, out, _ = circ("renew", "100101", "000010001", "--today", "20261210", config=config)
    assert (code, out["ok"], out["due"]) == (0, True, "20261224")
    code, out, _ = circ("return", "000010001", "--today", "20261211", config=config)
    assert (code, out) == (0, {"ok": True, "barcode": "000010001", "title": "Құнанбаев А. Қара сөздер"})
    assert (config.parent / "state" / "sim" / "demo-loaded").exists()


def test_fresh_embedded_demo_is_dated_for_the_day(config: Path) -> None:
    """Created on 2027-03-10, reader 100103's book is overdue by 15 days then, as on the anchor."""
    code, out, _ = circ("loans", "100103", "--today", "20270310", config=config)
    assert code == 0
    assert [(x["barcode"], x["due"], x["overdue"]) for x in out["loans"]] == [
        ("000010012", "20270223", True),
        ("000010070", "20270310", False),
    ]


@pytest.mark.parametrize(
    "args,reason",
    [  # every reason code is covered through IrbisCirculation; here: one of each action
        (["checkout", "100101", "000010110"], "on_loan_to_other"),
        (["loans", "100999"], "unknown_card"),
        (["renew", "100108", "000010110"], "reserved"),
        (["renew", "100132", "all"], "renew_limit"),
    ],
)
def test_refusals_exit_3_with_the_reason(gateway: str, args: list[str], reason: str) -> None:
    code, out, err = circ(*args, "--gateway", gateway, "--today", TODAY)
    assert code == 3 and err == ""
    assert (out["ok"], out["reason"]) == (False, reason)
    if args[-1] == "all":
        assert out["refused"] == [{"barcode": "000010209", "reason": "renew_limit"}]
    else:
        assert set(out) == {"ok", "reason"}


def test_renew_all_through_the_gateway(gateway: str) -> None:
    code, out, _ = circ("renew", "100112", "all", "--gateway", gateway, "--today", TODAY)
    assert code == 0 and out["ok"] is True and out["refused"] == []
    assert sorted((r["barcode"], r["due"]) for r in out["renewed"]) == [("000010125", "20261209"), ("000010130", "20261209")]
    # what the CLI wrote is what another client reads
    client = IrbisClient.from_url(gateway, "kiosk1", "kiosk1")
    with client:
        rec = client.read_record("RDR", client.search("RDR", '"RI=100112"')[0])
    assert [(f.get("E"), f.get("L"), f.get("4")) for f in rec.all(40)] == [
        ("20261209", "20261125", "2"),
        ("20261209", "20261125", "1"),
    ]


def test_unreachable_gateway_is_refused_not_crashed() -> None:
    code, out, err = circ("loans", "100101", "--gateway", "tcp://127.0.0.1:9")
    assert (code, out, err) == (3, {"ok": False, "reason": "gateway_unavailable"}, "")


def test_wrong_password_never_shows_the_password(gateway: str) -> None:
    secret = "s3cret-Pa55"
    code, out, err = circ("loans", "100101", "--gateway", gateway, env={"IRBIS_PASSWORD": secret})
    # a rejected login is a configuration error for staff (exit 1), not an outage
    assert code == 1 and out is None
    assert "-4444" in err and secret not in err


@pytest.mark.parametrize(
    "args,message",
    [
        (["loans", "100101", "--today", "2026-11-25"], "--today"),
        (["loans", "100101", "--today", "20261131"], "--today"),
        (["loans", "100101", "--config", "/nonexistent/kiosk.toml"], "no such file"),
    ],
)
def test_other_errors_exit_1_with_a_message(args: list[str], message: str) -> None:
    code, out, err = circ(*args)
    assert (code, out) == (1, None)
    assert message in err and "Traceback" not in err


def test_no_password_configured_uses_the_sim_default(gateway: str) -> None:
    code, out, err = circ("loans", "100102", "--gateway", gateway, "--today", TODAY,
                          env={"IRBIS_USER": "", "IRBIS_PASSWORD": ""})
    assert (code, err) == (0, "")
    assert [x["barcode"] for x in out["loans"]] == ["000010005", "000010101"]
