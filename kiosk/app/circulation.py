"""What the session talks to: the gateway's circulation, an optional layer the caller puts
between (kiosk script's switch), and the journal in front of both (every transaction
written first; queued while offline when the policy says so)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from kiosk.app.ports import Gateway
from kiosk.config import Config
from kiosk.core.domain import (
    Circulation,
    Loan,
    LoanResult,
    Reader,
    Refused,
    RenewAllResult,
    ReturnResult,
)
from kiosk.journal.journaled import JournaledCirculation

log = logging.getLogger(__name__)

Wrap = Callable[[Circulation], Circulation]


class NoGateway:
    """Stands in when the gateway could not even be opened: everything is unavailable."""

    @staticmethod
    def _refuse() -> NoReturn:
        raise Refused("gateway_unavailable", "", "gateway not opened")

    def identify(self, card: str, today: date) -> Reader:
        self._refuse()

    def is_item(self, code: str) -> bool:
        self._refuse()

    def is_reader(self, code: str) -> bool:
        self._refuse()

    def checkout(self, card: str, barcode: str, today: date) -> LoanResult:
        self._refuse()

    def renew(self, card: str, barcode: str, today: date) -> LoanResult:
        self._refuse()

    def renew_all(self, card: str, today: date) -> RenewAllResult:
        self._refuse()

    def return_item(self, barcode: str, today: date) -> ReturnResult:
        self._refuse()

    def loans(self, card: str, today: date) -> list[Loan]:
        self._refuse()


@dataclass
class Chain:
    gateway: Gateway | None  # None: not opened (invalid config, or it failed to open)
    link: Circulation  # the gateway as the journal sees it (the caller's wrap around it)
    circulation: Circulation  # what the session talks to (the journal when there is one)
    journaled: JournaledCirculation | None = None
    journal_path: str | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)


@dataclass(frozen=True)
class GatewayArgs:
    url: str | None = None  # overrides [gateway] url (kiosk script --gateway)
    today: date | None = None
    data_dir: str | None = None  # the embedded server's data
    persistent: bool = True


def open_chain(cfg: Config, args: GatewayArgs, wrap: Wrap, *, config_error: str,
               journal_path: str | None, emit: Callable[[dict[str, Any]], None]) -> Chain:
    from kiosk.irbis.gateway import open_gateway

    chain = Chain(None, wrap(NoGateway()), None, journal_path=journal_path)
    if config_error:
        # Never lend on guessed settings (the defaults would start the demo server).
        log.error("configuration invalid, out of order: %s", config_error)
    else:
        try:
            chain.gateway = open_gateway(cfg, args.url, today=args.today, data_dir=args.data_dir,
                                         persistent=args.persistent)
            chain.closers.append(chain.gateway.close)
            chain.link = wrap(chain.gateway.circulation)
        except Exception as e:  # noqa: BLE001 - an unreachable gateway is a screen, not a crash
            log.error("gateway could not be opened: %s", type(e).__name__)
            chain.gateway = None
    chain.circulation = chain.link
    if not config_error:
        _open_journal(cfg, chain, emit)
    return chain


def _open_journal(cfg: Config, chain: Chain, emit: Callable[[dict[str, Any]], None]) -> None:
    from kiosk.journal.cli import journal_path
    from kiosk.journal.store import Journal

    try:
        if chain.journal_path is None:
            chain.journal_path = journal_path(cfg)
        Path(chain.journal_path).parent.mkdir(parents=True, exist_ok=True)
        journal = Journal(chain.journal_path)
    except Exception:  # noqa: BLE001 - no journal must not stop lending
        log.exception("journal could not be opened; transactions are not journaled")
        return
    chain.closers.append(journal.close)
    chain.journaled = JournaledCirculation(chain.link, journal, cfg.loans, cfg.journal, emit=emit)
    chain.circulation = chain.journaled
