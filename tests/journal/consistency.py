"""Reads a whole IRBIS server with cbsvibpyirbis (an independent client nobody on this
team wrote) and checks that copies and loans agree:
- every copy with 910^A = 1 has exactly one unreturned field-40 loan, ^A = 0 has none;
- no reader holds two unreturned repeats of one barcode.
Returns (loans, problems): loans = {barcode: card}, problems = human-readable lines."""

from __future__ import annotations

from cbsvibpyirbis import Connection


def _subs(field) -> dict[str, str]:
    return {str(s.code).upper(): str(s.value or "") for s in field.subfields}


def read_all(conn: Connection, db: str) -> list:
    conn.database = db
    records = []
    for mfn in range(1, conn.get_max_mfn(db)):
        rec = conn.read_record(mfn)
        if rec is not None:
            records.append(rec)
    return records


def check(host: str, port: int, user: str = "kiosk1", password: str = "kiosk1"):
    conn = Connection()
    conn.connect(host, port, user, password, "RDR")
    try:
        readers = read_all(conn, "RDR")
        copies = read_all(conn, "IBIS")
    finally:
        conn.disconnect()
    loans: dict[str, str] = {}
    problems: list[str] = []
    for rec in readers:
        card = rec.fm(30) or "?"
        open_here: set[str] = set()
        for f in rec.all(40):
            s = _subs(f)
            if not s.get("A") or not (s.get("F", "").startswith("*") or not s.get("F")):
                continue
            barcode = s.get("H", "")
            if barcode in open_here:
                problems.append(f"reader {card}: two open loans of {barcode}")
            open_here.add(barcode)
            if barcode in loans:
                problems.append(f"{barcode} lent to two readers")
            loans[barcode] = card
    for rec in copies:
        for f in rec.all(910):
            s = _subs(f)
            barcode, status = s.get("H", ""), s.get("A", "")
            if status == "1" and barcode not in loans:
                problems.append(f"{barcode}: marked issued, no reader has it")
            if status == "0" and barcode in loans:
                problems.append(f"{barcode}: marked available, lent to {loans[barcode]}")
    return loans, problems
