from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.staff.console import ConsoleApp, ConsoleServer
from kiosk.staff.hub import ConsoleHub
from tests.staff.broker import MOSQUITTO, Broker
from tests.staff.helpers import console_users


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    if not shutil.which(MOSQUITTO) and not Path(MOSQUITTO).exists():
        pytest.fail("mosquitto is not installed: `make deps` (apt-get install mosquitto)")
    b = Broker(tmp_path / "broker")
    b.start()
    yield b
    b.stop()


@pytest.fixture
def console(broker: Broker) -> Iterator[ConsoleServer]:
    hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
    server = ConsoleServer(("127.0.0.1", 0), ConsoleApp(hub, console_users(), "kk"))
    hub.start()
    server.start()
    assert hub.connected.wait(5)
    yield server
    server.stop()
