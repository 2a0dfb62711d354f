from __future__ import annotations

from datetime import date

import pytest

from kiosk.config import Config
from kiosk.irbis.circulation import IrbisCirculation
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.server import start_server
from kiosk.journal.journaled import JournaledCirculation
from kiosk.journal.store import Journal

from .data import write_databases

TODAY = date(2026, 11, 25)


class Gateway:
    """The embedded server that tests can stop and start again on the same ports."""

    def __init__(self, data_dir, loads) -> None:
        self.data_dir = data_dir
        self.handle = start_server(data_dir, loads=loads)
        self.tcp_port, self.http_port = self.handle.tcp_port, self.handle.http_port
        self.url = self.handle.http_url
        self.up = True

    def down(self) -> None:
        if self.up:
            self.handle.stop()
            self.up = False

    def restart(self) -> None:
        self.down()
        self.handle = start_server(self.data_dir, tcp_port=self.tcp_port, http_port=self.http_port)
        self.up = True


@pytest.fixture
def gateway(tmp_path):
    gw = Gateway(tmp_path / "irbis", write_databases(tmp_path / "load", readers=4, copies=30))
    yield gw
    gw.down()


def make_circulation(
    gateway, tmp_path, policy="refuse", events=None, journal_file="j.sqlite3", max_items=5
):
    cfg = Config()
    cfg.loans.max_items = max_items
    cfg.journal.offline_policy = policy
    cfg.journal.offline_max_items = 2
    client = IrbisClient.from_url(gateway.url, "kiosk1", "kiosk1", timeout=1.0)
    inner = IrbisCirculation(client, cfg)
    journal = Journal(tmp_path / journal_file)
    sink = events.append if events is not None else None
    return JournaledCirculation(inner, journal, cfg.loans, cfg.journal, emit=sink), client
