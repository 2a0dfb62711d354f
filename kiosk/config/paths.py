"""Where the kiosk keeps its state: the one state-directory rule, and the files in it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kiosk.config.schema import Config

JOURNAL_FILE = "journal.sqlite3"


def state_dir(cfg: Config, env: Mapping[str, str] | None = None) -> Path:
    """[kiosk] data_dir if set, else systemd's $STATE_DIRECTORY (its first entry), else
    ~/.local/state/kiosk. The directory is not created here."""
    env = os.environ if env is None else env
    if cfg.kiosk.data_dir:
        return Path(cfg.kiosk.data_dir).expanduser()
    if env.get("STATE_DIRECTORY"):
        return Path(env["STATE_DIRECTORY"].split(":")[0])
    return Path.home() / ".local" / "state" / "kiosk"


def journal_path(cfg: Config) -> Path:
    """[journal] path if set, else journal.sqlite3 in the state directory."""
    if cfg.journal.path:
        return Path(cfg.journal.path).expanduser()
    return state_dir(cfg) / JOURNAL_FILE
