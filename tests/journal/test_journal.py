"""The journal as a patron and a librarian see it: loans recorded before they are sent,
nothing lost or doubled when the gateway goes away, an explicit offline policy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kiosk.core.domain import Refused
from kiosk.journal.cli import report
from kiosk.journal.store import Journal

from .conftest import TODAY, make_circulation
from .data import book_barcode, reader_card

CARD, OTHER = reader_card(0), reader_card(1)


def test_checkout_is_journaled_and_card_forgotten(gateway, tmp_path):
    circ, _ = make_circulation(gateway, tmp_path)
    result = circ.checkout(CARD, book_barcode(0), TODAY)
    assert result.due == "20261209"
    [entry] = circ.journal.entries()
    assert (entry.kind, entry.state, entry.barcode, entry.due) == ("checkout", "done", book_barcode(0), "20261209")
    assert entry.card is None and CARD not in entry.card_hash
    assert [loan.barcode for loan in circ.loans(CARD, TODAY)] == [book_barcode(0)]
    # nothing in the journal file holds the card number in clear
    assert CARD.encode() not in (tmp_path / "j.sqlite3").read_bytes()


def test_refusal_is_journaled_with_its_reason(gateway, tmp_path):
    circ, _ = make_circulation(gateway, tmp_path)
    circ.checkout(CARD, book_barcode(1), TODAY)
    with pytest.raises(Refused) as e:
        circ.checkout(OTHER, book_barcode(1), TODAY)
    assert e.value.reason == "on_loan_to_other"
    assert [(x.state, x.reason) for x in circ.journal.entries()] == [("done", ""), ("refused", "on_loan_to_other")]


def test_refuse_policy_offline_then_reconcile(gateway, tmp_path):
    circ, _ = make_circulation(gateway, tmp_path)
    circ.identify(CARD, TODAY)
    gateway.down()
    with pytest.raises(Refused) as e:
        circ.checkout(CARD, book_barcode(2), TODAY)
    assert e.value.reason == "gateway_unavailable"
    assert [x.state for x in circ.journal.unfinished()] == ["pending"]
    gateway.restart()
    assert circ.sync(TODAY) == {"abandoned": 1}
    assert circ.loans(CARD, TODAY) == []  # never written behind the patron's back
    assert circ.journal.unfinished() == []


def test_queue_policy_lends_offline_and_syncs(gateway, tmp_path):
    events: list[dict] = []
    circ, _ = make_circulation(gateway, tmp_path, policy="queue", events=events)
    circ.identify(CARD, TODAY)  # seen online: may borrow offline later
    gateway.down()
    reader = circ.identify(CARD, TODAY)
    assert reader.card == CARD and reader.first_name == ""  # no personal data cached
    result = circ.checkout(CARD, book_barcode(3), TODAY)
    assert result.due == "20261209"
    assert {"event": "queued", "barcode": book_barcode(3)} in events
    gateway.restart()
    assert circ.sync(TODAY) == {"done": 1}
    assert {"event": "synced", "barcode": book_barcode(3), "ok": True} in events
    assert [loan.barcode for loan in circ.loans(CARD, TODAY)] == [book_barcode(3)]
    # a second sync changes nothing and writes no second field-40 repeat
    assert circ.sync(TODAY) == {}
    assert len(circ.loans(CARD, TODAY)) == 1


def test_queue_policy_refuses_unknown_patrons_and_caps_items(gateway, tmp_path):
    circ, _ = make_circulation(gateway, tmp_path, policy="queue")
    circ.identify(CARD, TODAY)
    gateway.down()
    with pytest.raises(Refused) as e:
        circ.identify(OTHER, TODAY)  # never seen: no offline loans for strangers
    assert e.value.reason == "gateway_unavailable"
    circ.checkout(CARD, book_barcode(4), TODAY)
    circ.checkout(CARD, book_barcode(5), TODAY)
    with pytest.raises(Refused) as e:
        circ.checkout(CARD, book_barcode(6), TODAY)
    assert e.value.reason == "offline_limit"


def test_conflict_when_copy_was_lent_meanwhile(gateway, tmp_path):
    events: list[dict] = []
    circ, _ = make_circulation(gateway, tmp_path, policy="queue", events=events)
    desk, desk_client = make_circulation(gateway, tmp_path, journal_file="desk.sqlite3")
    circ.identify(CARD, TODAY)
    gateway.down()
    circ.checkout(CARD, book_barcode(7), TODAY)
    gateway.restart()
    desk.checkout(OTHER, book_barcode(7), TODAY)  # the desk lent the same copy meanwhile
    assert circ.sync(TODAY) == {"conflict": 1}
    assert {"event": "synced", "barcode": book_barcode(7), "ok": False, "reason": "on_loan_to_other"} in events
    attention = report(circ.journal)["attention"]
    assert [(a["state"], a["barcode"], a["reason"]) for a in attention] == [
        ("conflict", book_barcode(7), "on_loan_to_other")
    ]
    assert all(CARD not in str(a) for a in attention)


@pytest.fixture
def small_disk(tmp_path):
    """A real, tiny file system (tmpfs) to fill up; needs root, as on CI."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_full_disk_refuses_new_transactions_without_crashing(gateway, tmp_path, small_disk):
    circ, _ = make_circulation(gateway, small_disk, max_items=100)
    circ.checkout(CARD, book_barcode(8), TODAY)
    filler = fill(small_disk)
    refused = []
    for i in range(9, 20):
        try:
            circ.checkout(CARD, book_barcode(i), TODAY)
        except Refused as e:
            refused.append(e.reason)
    assert refused and set(refused) == {"out_of_service"}
    # whatever was confirmed is both in IRBIS and in the journal; nothing was lent unrecorded
    done = {x.barcode for x in circ.journal.entries() if x.state == "done"}
    assert done == {loan.barcode for loan in circ.loans(CARD, TODAY)}
    # space freed: the kiosk lends again without a restart
    filler.unlink()
    assert circ.checkout(CARD, book_barcode(25), TODAY).due == "20261209"


def test_journal_survives_reopen(tmp_path):
    j = Journal(tmp_path / "x.sqlite3")
    tx = j.begin("checkout", "123456", "900000001", "20261125", "20261209")
    j.close()
    again = Journal(tmp_path / "x.sqlite3")
    [entry] = again.unfinished()
    assert (entry.id, entry.card, entry.state) == (tx, "123456", "pending")


# ---------------------------------------------------------------- returns (issue 16)


def test_return_is_journaled_like_a_loan(gateway, tmp_path):
    circ, peek = make_circulation(gateway, tmp_path)
    circ.checkout(CARD, book_barcode(5), TODAY)
    result = circ.return_item(book_barcode(5), TODAY)
    assert (result.barcode, result.reserved) == (book_barcode(5), None)
    assert circ.loans(CARD, TODAY) == []
    with pytest.raises(Refused) as e:
        circ.return_item(book_barcode(5), TODAY)
    assert e.value.reason == "not_on_loan"
    entries = [(x.kind, x.state, x.reason, x.barcode) for x in circ.journal.entries()]
    assert entries[1:] == [("return", "done", "", book_barcode(5)), ("return", "refused", "not_on_loan", book_barcode(5))]
    # the copy is free again in IRBIS: 910^A 0 and no open loan under H=
    (mfn,) = peek.search("IBIS", f'"IN={book_barcode(5)}"')
    copy = [f for f in peek.read_record("IBIS", mfn).all(910) if f.get("H") == book_barcode(5)][0]
    assert copy.get("A") == "0" and peek.search("RDR", f'"H={book_barcode(5)}"') == []


def test_interrupted_return_is_left_for_staff(gateway, tmp_path):
    circ, _ = make_circulation(gateway, tmp_path)
    circ.checkout(CARD, book_barcode(6), TODAY)
    gateway.down()
    with pytest.raises(Refused) as e:
        circ.return_item(book_barcode(6), TODAY)
    assert e.value.reason == "gateway_unavailable"
    assert [(x.kind, x.state) for x in circ.journal.unfinished()] == [("return", "pending")]
    gateway.restart()
    assert circ.sync(TODAY) == {"abandoned": 1}
    assert [x.reason for x in circ.journal.entries() if x.kind == "return"] == ["check_copy"]


def test_return_of_a_requested_copy_is_journaled_as_reserved(tmp_path):
    from kiosk.irbis.gateway import write_demo

    from .conftest import Gateway

    gw = Gateway(tmp_path / "irbis", write_demo(tmp_path / "demo", TODAY))
    try:
        circ, _ = make_circulation(gw, tmp_path)
        result = circ.return_item("000010110", TODAY)  # on loan to 100108, requested by 100101
        assert result.reserved is not None and result.reserved.card == "100101"
        [entry] = circ.journal.entries()
        assert (entry.kind, entry.state, entry.reason) == ("return", "done", "reserved")
        assert b"100101" not in (tmp_path / "j.sqlite3").read_bytes()
    finally:
        gw.down()
