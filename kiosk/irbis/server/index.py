"""Dictionary terms of a record: what `"PREFIX=VALUE"` searches find.

The prefixes are the ones the kiosk needs (irbis.md); terms are upper-cased as IRBIS
dictionaries are. Databases not listed here get no terms (reads still work).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kiosk.irbis.record import Record

MAX_TERM = 255
_WORD = re.compile(r"\w+", re.UNICODE)


def not_returned(return_date: str) -> bool:
    """A loan is still on hand while 40^F is empty or starts with '*'."""
    return not return_date or return_date.startswith("*")


def _add(terms: set[str], prefix: str, value: str) -> None:
    value = value.strip()
    if value:
        terms.add((prefix + value).upper()[:MAX_TERM])


def rdr_terms(rec: Record) -> set[str]:
    t: set[str] = set()
    for f in rec.all(30):
        _add(t, "RI=", f.value)
    for f in rec.all(10):
        _add(t, "A=", f.value)
    for f in rec.all(50):
        _add(t, "KAT=", f.value)
    for f in rec.all(40):
        if f.get("H") and not_returned(f.get("F")):
            _add(t, "H=", f.get("H"))
    return t


def ibis_terms(rec: Record) -> set[str]:
    t: set[str] = set()
    for f in rec.all(910):
        if f.get("A").strip() == "4":  # lost copies are not found by inventory number
            continue
        _add(t, "IN=", f.get("H"))
        _add(t, "IN=", f.get("B"))
    for f in rec.all(10):
        _add(t, "HI=", f.get("A"))
    for tag in (700, 701):
        for f in rec.all(tag):
            _add(t, "A=", f.get("A"))
    for f in rec.all(200):
        for word in _WORD.findall(f.get("A")):
            _add(t, "T=", word)
    return t


def rqst_status(rec: Record) -> str:
    """I= as IRBIS forms it from fields 40, 41, 43, 44: 3 refused (44), else 1 fulfilled
    (41), else 2 reserved (43), else 0 open."""
    if any(f.text().strip() for f in rec.all(44)):
        return "3"
    if any(f.text().strip() for f in rec.all(41)):
        return "1"
    if any(f.text().strip() for f in rec.all(43)):
        return "2"
    return "0"


def rqst_terms(rec: Record) -> set[str]:
    """RQST: I= status, RS= reader id (30), H= the copy (910 inventory number and barcode),
    IS= edition (903), DZ= request date (40)."""
    t: set[str] = {"I=" + rqst_status(rec)}
    for f in rec.all(30):
        _add(t, "RS=", f.value)
    for f in rec.all(910):
        _add(t, "H=", f.get("H"))
        _add(t, "H=", f.get("B"))
    for f in rec.all(903):
        _add(t, "IS=", f.value)
    for f in rec.all(40):
        _add(t, "DZ=", f.value)
    return t


INDEXERS: dict[str, Callable[[Record], set[str]]] = {
    "RDR": rdr_terms,
    "IBIS": ibis_terms,
    "RQST": rqst_terms,
}


def terms_of(db: str, rec: Record) -> set[str]:
    if rec.status & 1:  # logically deleted: out of the dictionary
        return set()
    indexer = INDEXERS.get(db.upper())
    return indexer(rec) if indexer else set()
