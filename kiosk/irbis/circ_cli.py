"""`kiosk circ`: circulation from the command line (contracts.md).

One JSON object on stdout. Exit 0 when ok, 3 when refused ({"ok": false, "reason": ...}),
1 on any other error (a message on stderr, nothing on stdout). An unreachable gateway is
the refusal "gateway_unavailable".

    checkout -> {"ok", "barcode", "title", "due", "renewed"}   (renewed: it was already yours)
    renew    -> {"ok", "barcode", "title", "due"}
    renew CARD all -> {"ok": true, "renewed": [{"barcode","title","due"}], "refused": [{"barcode","reason"}]}
                      or, when nothing could be renewed, {"ok": false, "reason": <first>, "refused": [...]}
    loans    -> {"ok", "card", "loans": [{"barcode","title","due","overdue","renewals"}]}
    return   -> {"ok", "barcode", "title"}

Without --gateway or [gateway] url, the embedded server runs in-process on the demo data
kept in <state dir>/sim, so consecutive calls see each other's writes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from typing import Any

from kiosk.config import ConfigError, load_config
from kiosk.core.domain import LoanResult, Refused, parse_ymd
from kiosk.irbis.errors import WrongPassword
from kiosk.irbis.gateway import open_gateway

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 3


class UsageError(Exception):
    pass


def _today(text: str | None) -> date:
    if not text:
        return date.today()
    day = parse_ymd(text)
    if day is None:
        raise UsageError(f"--today {text!r}: expected a date YYYYMMDD, e.g. --today 20261125")
    return day


def _loan(result: LoanResult) -> dict[str, Any]:
    return {"barcode": result.barcode, "title": result.title, "due": result.due}


def run(args: argparse.Namespace, circ: Any, today: date) -> dict[str, Any]:
    """The action's JSON answer; raises Refused."""
    if args.action == "loans":
        loans = circ.loans(args.card, today)
        return {
            "ok": True,
            "card": args.card,
            "loans": [
                {"barcode": x.barcode, "title": x.title, "due": x.due, "overdue": x.overdue, "renewals": x.renewals}
                for x in loans
            ],
        }
    if args.action == "checkout":
        result = circ.checkout(args.card, args.barcode, today)
        return {"ok": True, **_loan(result), "renewed": result.renewed}
    if args.action == "renew":
        if args.barcode.lower() == "all":
            outcome = circ.renew_all(args.card, today)
            refused = [{"barcode": r.code, "reason": r.reason} for r in outcome.refused]
            if refused and not outcome.renewed:
                return {"ok": False, "reason": outcome.refused[0].reason, "refused": refused}
            return {"ok": True, "renewed": [_loan(r) for r in outcome.renewed], "refused": refused}
        return {"ok": True, **_loan(circ.renew(args.card, args.barcode, today))}
    if args.action == "return":
        result = circ.return_item(args.barcode, today)
        return {"ok": True, "barcode": result.barcode, "title": result.title}
    raise UsageError(f"unknown action {args.action!r}")


def main(args: argparse.Namespace) -> int:
    # stdout is the JSON answer, stderr only real errors: library warnings stay quiet
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    try:
        cfg = load_config(args.config)
        today = _today(args.today)
        gateway = open_gateway(cfg, args.gateway, today=today)
    except (ConfigError, UsageError, OSError, ValueError) as exc:
        print(f"kiosk circ: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        try:
            answer = run(args, gateway.circulation, today)
        except Refused as refused:
            if isinstance(refused.__cause__, WrongPassword):
                # Not an outage: staff must fix the account, so say so (never the password).
                print(
                    "kiosk circ: IRBIS rejected the login (-4444): check [gateway] username and "
                    "the password file or IRBIS_USER/IRBIS_PASSWORD",
                    file=sys.stderr,
                )
                return EXIT_ERROR
            answer = {"ok": False, "reason": refused.reason}
    except Exception as exc:  # noqa: BLE001 - the contract: any other error is exit 1 + stderr
        print(f"kiosk circ: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        gateway.close()
    print(json.dumps(answer, ensure_ascii=False))
    return EXIT_OK if answer["ok"] else EXIT_REFUSED
