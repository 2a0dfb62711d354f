"""The RQST requests database as pure functions: a request's status, the copy it names, who
holds a copy, and the edit that marks a request fulfilled.

An RQST request, in IRBIS's layout (docs: "RQST layout" in kiosk/irbis/demo/README.md): 30 reader
id, 31 reader brief, 1 catalogue db, 40 request date, 41 fulfilment date, 43 reservation date,
44 refusal (^A reason, ^B date: written by staff, never by the kiosk), 102 place, 50
responsible, 201 book brief, 903 shelfmark, 910 the issued/reserved copy (^B inventory number,
^H barcode). Status (index I=, from 40/41/43/44): 3 refused (44), else 1 fulfilled (41), else
2 reserved (43), else 0 open. A live request (0 or 2) whose 910 names a copy holds that copy.
Only fulfilment (field 41) is ever written by the kiosk.
"""

from __future__ import annotations

from datetime import date

from kiosk.core.domain import format_ymd
from kiosk.irbis.record import Field, Record


def requester(req: Record) -> str:
    """The card number of the reader who made the request (field 30)."""
    return req.fm(30).strip()


def copy_matches(f: Field, copy: Field) -> bool:
    """Does field f (a 40 loan or an RQST 910) name this copy?"""
    h, b = copy.get("H"), copy.get("B")
    return bool((h and f.get("H") == h) or (b and f.get("B") == b) or (not h and b and f.get("H") == b))


REQUEST_OPEN, REQUEST_FULFILLED, REQUEST_RESERVED, REQUEST_REFUSED = "0", "1", "2", "3"


def request_status(req: Record) -> str:
    """The RQST status as IRBIS's I= index derives it from fields 40, 41, 43 and 44."""
    if any(f.text().strip() for f in req.all(44)):
        return REQUEST_REFUSED
    if req.fm(41).strip():
        return REQUEST_FULFILLED
    if req.fm(43).strip():
        return REQUEST_RESERVED
    return REQUEST_OPEN


def is_live_request(req: Record) -> bool:
    return not req.status & 1 and request_status(req) in (REQUEST_OPEN, REQUEST_RESERVED)


def request_copy_code(req: Record) -> str:
    """The code of the copy a request names (910^H, else 910^B; "" = the edition only)."""
    for f in req.all(910):
        if f.get("H") or f.get("B"):
            return f.get("H") or f.get("B")
    return ""


def requests_for(requests: list[Record], copy: Field) -> list[Record]:
    """Live RQST requests (open or reserved) naming this copy."""
    return [r for r in requests if is_live_request(r) and any(copy_matches(f, copy) for f in r.all(910))]


def reserved_by_other(requests: list[Record], copy: Field, card: str) -> bool:
    return any(requester(r) != card for r in requests_for(requests, copy))


def own_requests(requests: list[Record], copy: Field, card: str) -> list[Record]:
    return [r for r in requests_for(requests, copy) if requester(r) == card]


def fulfil_request(req: Record, today: date) -> bool:
    """Mark a live RQST request fulfilled: field 41 = today (status index I= becomes 1).
    Nothing else changes (43 stays as the reservation's history; 44 is never written).
    Returns False when the request was not live (nothing written)."""
    if not is_live_request(req):
        return False
    req.remove(41)
    req.append(Field(41, format_ymd(today)))
    return True
