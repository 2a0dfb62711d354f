"""Saves that arrive together are written in one transaction (group commit), yet each
command 6 stays all-or-nothing on its own: a refused save next to good ones changes none
of its records, and every good one is saved exactly once."""

from __future__ import annotations

import threading

from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import VersionConflict
from kiosk.irbis.record import Record
from kiosk.irbis.server import start_server


def _pair(i: int) -> list[Record]:
    rdr, book = Record(database="RDR"), Record(database="IBIS")
    rdr.add(30, f"{200000 + i}")
    book.add(910, f"^A0^H{300000 + i}")
    return [rdr, book]


def test_concurrent_group_saves_are_each_atomic(tmp_path):
    with start_server(tmp_path) as server:
        setup = IrbisClient.from_url(server.tcp_url, "kiosk1", "kiosk1")
        pairs = [setup.write_records(_pair(i)) for i in range(16)]
        outcomes: dict[int, str] = {}

        def save(i: int) -> None:
            with IrbisClient.from_url(server.http_url, "kiosk1", "kiosk1") as c:
                rdr, book = (r.copy() for r in pairs[i])
                rdr.add(40, f"^H{300000 + i}^F******")
                book.first(910).set("A", "1")
                if i % 4 == 0:
                    book.version += 7  # stale: the whole save must be refused
                try:
                    c.write_records([rdr, book])
                    outcomes[i] = "saved"
                except VersionConflict:
                    outcomes[i] = "conflict"

        threads = [threading.Thread(target=save, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in range(16):
            rdr = setup.read_record("RDR", pairs[i][0].mfn)
            book = setup.read_record("IBIS", pairs[i][1].mfn)
            expected = "conflict" if i % 4 == 0 else "saved"
            assert outcomes[i] == expected
            if expected == "saved":
                assert (len(rdr.all(40)), book.first(910).get("A"), rdr.version) == (1, "1", 2)
            else:  # neither record touched
                assert (len(rdr.all(40)), book.first(910).get("A"), rdr.version) == (0, "0", 1)
        setup.close()
