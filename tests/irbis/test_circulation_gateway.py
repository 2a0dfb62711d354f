"""open_gateway: the embedded demo server when no gateway is configured, a real URL otherwise."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import config_from_dict
from kiosk.core.domain import Refused
from kiosk.irbis.gateway import open_gateway, state_dir

TODAY = date(2026, 11, 25)


def test_embedded_server_keeps_its_data_between_runs(tmp_path: Path) -> None:
    cfg = config_from_dict({"kiosk": {"data_dir": str(tmp_path)}})
    with open_gateway(cfg, today=TODAY) as gw:
        assert gw.server is not None and gw.url.endswith("WebToIrbisServer.exe")
        assert gw.url.startswith("http://127.0.0.1:")
        assert gw.circulation.checkout("100101", "000010001", TODAY).due == "20261209"
    assert (tmp_path / "sim" / "demo-loaded").exists()
    # a later run, on a later day: the same data, not re-loaded, not re-dated
    with open_gateway(cfg, today=date(2027, 2, 1)) as gw:
        loans = gw.circulation.loans("100101", date(2027, 2, 1))
        assert [(x.barcode, x.due, x.overdue) for x in loans] == [("000010001", "20261209", True)]
        assert gw.circulation.identify("100102", TODAY).loans[0].due == "20261202"


def test_throwaway_embedded_server(tmp_path: Path) -> None:
    cfg = config_from_dict({"kiosk": {"data_dir": str(tmp_path)}})
    with open_gateway(cfg, today=TODAY, persistent=False) as gw:
        assert gw.circulation.identify("100101", TODAY).first_name == "Айгерім"
        scratch = gw.scratch
        assert scratch is not None and (scratch / "demo-loaded").exists()
    assert not (tmp_path / "sim").exists()
    assert not scratch.exists()


def test_configured_gateway_with_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = config_from_dict({"kiosk": {"data_dir": str(tmp_path)}})
    with open_gateway(cfg, today=TODAY, persistent=False) as embedded:
        url = embedded.url
        monkeypatch.setenv("IRBIS_USER", "kiosk1")
        monkeypatch.setenv("IRBIS_PASSWORD", "kiosk1")
        real = config_from_dict({"gateway": {"url": url, "username": "someone-else"}})
        with open_gateway(real) as gw:
            assert gw.server is None and gw.url == url
            assert gw.circulation.is_reader("100101")
        monkeypatch.setenv("IRBIS_PASSWORD", "wrong-Secret-42")
        caplog.set_level(logging.DEBUG)
        with open_gateway(real) as gw:
            with pytest.raises(Refused) as info:
                gw.circulation.identify("100101", TODAY)
        assert info.value.reason == "gateway_unavailable"
        assert "wrong-Secret-42" not in caplog.text and "100101" not in caplog.text


def test_state_dir_follows_config_then_systemd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "systemd"))
    assert state_dir(config_from_dict({})) == tmp_path / "systemd"
    assert state_dir(config_from_dict({"kiosk": {"data_dir": str(tmp_path / "x")}})) == tmp_path / "x"
    monkeypatch.delenv("STATE_DIRECTORY")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert state_dir(config_from_dict({})) == tmp_path / ".local" / "state" / "kiosk"


def test_deleting_the_database_brings_the_demo_back(tmp_path: Path) -> None:
    cfg = config_from_dict({"kiosk": {"data_dir": str(tmp_path)}})
    with open_gateway(cfg, today=TODAY) as gw:
        gw.circulation.checkout("100101", "000010001", TODAY)
    for f in (tmp_path / "sim").glob("irbis.sqlite3*"):
        f.unlink()
    with open_gateway(cfg, today=TODAY) as gw:
        assert gw.circulation.loans("100101", TODAY) == []
        assert gw.circulation.is_reader("100135")
