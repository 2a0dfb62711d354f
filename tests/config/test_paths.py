"""The one state-directory rule, used by every part that keeps state."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Config, config_from_dict, journal_path, state_dir


def test_data_dir_then_state_directory_then_home(tmp_path: Path):
    configured = config_from_dict({"kiosk": {"data_dir": str(tmp_path / "k")}})
    env = {"STATE_DIRECTORY": "/var/lib/kiosk:/var/lib/other"}
    assert state_dir(configured, env) == tmp_path / "k"
    assert state_dir(Config(), env) == Path("/var/lib/kiosk")
    assert state_dir(Config(), {}) == Path.home() / ".local" / "state" / "kiosk"


def test_the_journal_lives_in_the_state_dir_unless_configured(tmp_path: Path):
    cfg = config_from_dict({"kiosk": {"data_dir": str(tmp_path)}})
    assert journal_path(cfg) == tmp_path / "journal.sqlite3"
    cfg.journal.path = str(tmp_path / "j.db")
    assert journal_path(cfg) == tmp_path / "j.db"


def test_gateway_journal_and_maintenance_follow_the_same_rule(tmp_path: Path, monkeypatch):
    from kiosk.irbis import gateway
    from kiosk.journal import cli as journal_cli
    from kiosk.maintenance import MaintenanceActions

    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "systemd"))
    cfg = config_from_dict({"kiosk": {"data_dir": str(tmp_path / "mine")}})
    assert gateway.state_dir(cfg) == state_dir(cfg) == tmp_path / "mine"
    assert journal_cli.journal_path(cfg) == tmp_path / "mine" / "journal.sqlite3"
    assert MaintenanceActions(cfg).data_dir == tmp_path / "mine"
    assert MaintenanceActions(Config()).data_dir == tmp_path / "systemd"
