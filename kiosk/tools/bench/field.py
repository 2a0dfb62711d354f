"""The kiosk against `kiosk sim` in field conditions (kiosk.irbis.server.conditions):
scripted sessions, then an audit of every record read back with a second client.

    sessions = run_sessions(circ, readers=20, books=400, sessions=200)
    found = audit(peek, readers=20, books=400, told=sessions.told)

A session identifies a reader, checks out two books and returns the first. What the
patron was told is kept per book ("lent" or "failed"), so the audit can say whether any
loan was lost (told lent, no loan), half-made (910^A and field 40 disagree), duplicated,
or made although the patron was told it failed.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.core.domain import Refused
from kiosk.irbis import rules
from kiosk.tools.synthetic import book_barcode, reader_card


@dataclass
class SessionRun:
    told: dict[str, str] = field(default_factory=dict)  # barcode -> "lent" | "failed" | "returned"
    stuck: int = 0  # an action that failed otherwise than with a refusal
    refused: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)


def run_sessions(circ: Any, readers: int, sessions: int, today: date, first_book: int = 0) -> SessionRun:
    """`sessions` scripted sessions through an IrbisCirculation; two books each."""
    run = SessionRun()
    for s in range(sessions):
        card = reader_card(s % readers)
        a, b = book_barcode(first_book + 2 * s), book_barcode(first_book + 2 * s + 1)
        start = time.perf_counter()
        try:
            circ.identify(card, today)
            for code in (a, b):
                _lend(circ, run, card, code, today)
            if run.told.get(a) == "lent":
                try:
                    circ.return_item(a, today)
                    run.told[a] = "returned"
                except Refused as exc:
                    run.refused[exc.reason] += 1  # told it failed: the loan stays theirs
        except Refused as exc:
            run.refused[exc.reason] += 1
        except Exception:  # noqa: BLE001 - counted: the bench reports it, a patron would be stuck
            run.stuck += 1
        run.seconds.append(time.perf_counter() - start)
    return run


def _lend(circ: Any, run: SessionRun, card: str, code: str, today: date) -> None:
    try:
        circ.checkout(card, code, today)
        run.told[code] = "lent"
    except Refused as exc:
        run.told[code] = "failed"
        run.refused[exc.reason] += 1


def audit(peek: Any, readers: int, books: int, told: dict[str, str]) -> dict[str, int]:
    """Read every reader and copy back; count what disagrees. All zero = nothing lost."""
    loans: Counter[str] = Counter()
    for i in range(readers):
        for rec in peek.search_records("RDR", f'"RI={reader_card(i)}"'):
            loans.update(rules.loan_code(f) for f in rules.open_loans(rec))
    half = 0
    for i in range(books):
        code = book_barcode(i)
        found = rules.find_copy(peek.search_records("IBIS", f'"IN={code}"'), code)
        issued = found is not None and rules.status(found.field) == rules.ISSUED
        if issued != (loans[code] > 0):
            half += 1
    return {
        "half_loans": half,
        "duplicate_loans": sum(1 for n in loans.values() if n > 1),
        "lost_loans": sum(1 for code, what in told.items() if what == "lent" and loans[code] == 0),
        "lent_though_told_failed": sum(1 for code, what in told.items() if what == "failed" and loans[code]),
        "not_returned_though_told": sum(1 for code, what in told.items() if what == "returned" and loans[code]),
    }
