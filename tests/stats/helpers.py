"""A library of records nobody else uses, and a kiosk session (the real Session, the real
IRBIS client against the embedded server) with the statistics layer around it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.irbis.circulation import IrbisCirculation
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.server import start_server
from kiosk.irbis.visits import VisitOnLogout
from kiosk.stats.wiring import attach_stats, wall_clock
from kiosk.tools.harness import Harness

TODAY = date(2026, 11, 25)  # a Wednesday
NAMES = ("Сейітқызы", "Әлия", "Бекұлы", "Нұрлан", "Смағұлов")

READERS = """#2147483647: {11111111-0000-4000-8000-000000000001}
#10: Сейітқызы
#11: Әлия
#21: 20190301
#30: 200001
#50: оқушы
#51: 20250110^CАБ
#52: 20260112^CАБ
*****
#2147483647: {11111111-0000-4000-8000-000000000002}
#10: Бекұлы
#11: Нұрлан
#21: 20130101
#30: 200002
#50: мектеп оқушысы
#51: 20250110^CАБ
#52: 20260112^CАБ
*****
#2147483647: {11111111-0000-4000-8000-000000000003}
#10: Смағұлов
#11: Ерлан
#21: 1975
#30: 200003
#50: ата-ана
#51: 20250110^CАБ
#52: 20260112^CАБ
*****
"""


def _book(n: int, lang: str, title: str) -> str:
    return (f"#2147483647: {{22222222-0000-4000-8000-00000000000{n}}}\n#101: {lang}\n"
            f"#700: ^AАвтор^BА.\n#200: ^A{title}\n#903: 84/{n}\n"
            f"#910: ^A0^B3000{n}^C20200102^DАБ^E1000.00^H30000{n}\n*****\n")


BOOKS = (_book(1, "kaz", "Бірінші кітап") + _book(2, "rus", "Вторая книга")
         + _book(3, "kaz", "Үшінші кітап") + _book(4, "eng", "Fourth book"))


class Library:
    def __init__(self, tmp: Path) -> None:
        (tmp / "r.txt").write_text(READERS, encoding="utf-8")
        (tmp / "b.txt").write_text(BOOKS, encoding="utf-8")
        self.server = start_server(tmp / "data", loads={"RDR": [tmp / "r.txt"], "IBIS": [tmp / "b.txt"]},
                                   users={"kiosk1": "kiosk1"})
        self.clients: list[IrbisClient] = []

    def circulation(self, cfg: Config) -> IrbisCirculation:
        client = IrbisClient.from_url(self.server.http_url, "kiosk1", "kiosk1")
        self.clients.append(client)
        return IrbisCirculation(client, cfg, now=lambda: datetime(2026, 11, 25, 10, 0, 0))

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.server.stop()


@dataclass
class StatsKiosk:
    harness: Harness
    store: Any

    def run(self, script: str) -> None:
        result = self.harness.run(script)
        assert result.ok, result.failures

    def close(self) -> None:
        self.store.close()


def stats_kiosk(library: Library, stats_file: Path, cfg: Config | None = None,
                today: date = TODAY) -> StatsKiosk:
    cfg = cfg or Config()
    cfg.session.receipt = "never"
    irbis = library.circulation(cfg)
    clock: dict[str, Any] = {}

    class _Clock:
        def now(self) -> float:
            return clock["c"].now()

        def today(self) -> date:
            return clock["c"].today()

    from kiosk.core.events import EventBus

    bus_box: list[Any] = []

    class _Bus:  # attach_stats subscribes before the harness has made its bus
        def subscribe(self, listener: Any) -> None:
            bus_box.append(listener)

    circ, store = attach_stats(irbis, _Bus(), stats_file, wall_clock(_Clock(), scripted=True),
                               cfg.stats.age_bands)
    h = Harness(circ, cfg, today=today)
    clock["c"] = h.clock
    assert isinstance(h.bus, EventBus)
    for listener in bus_box:
        h.bus.subscribe(listener)
    h.bus.subscribe(VisitOnLogout(irbis, lambda job, done: done(job()), h.clock.today))
    return StatsKiosk(h, store)
