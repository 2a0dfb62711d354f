"""The two things every IRBIS write shares: saving edited records atomically (retrying on a
lock or version conflict against fresh reads), and turning any failure to reach IRBIS into the
patron's one refusal, gateway_unavailable."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kiosk.core.domain import Refused
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import (
    GatewayUnavailable,
    IrbisError,
    ProtocolError,
    RecordLocked,
    ServerOverloaded,
    VersionConflict,
    WrongPassword,
)
from kiosk.irbis.record import Record

log = logging.getLogger("kiosk.irbis.circulation")


def save(
    client: IrbisClient,
    keys: list[tuple[str, int]],
    first: list[Record],
    mutate: Callable[[list[Record]], list[Record]],
) -> list[Record]:
    """Save `mutate`'s edits atomically (command 6). The first attempt edits the records
    just read (the server refuses it with -608 if any changed since); after a lock or
    version conflict, IrbisClient.update_records re-reads and retries, and `mutate`
    checks the rules again on the fresh records. Returns the records as saved."""
    try:
        to_save = mutate([rec.copy() for rec in first])
        return client.write_records(to_save) if to_save else []
    except (RecordLocked, VersionConflict):
        log.info("save conflict: re-reading and retrying")
    except (ServerOverloaded, GatewayUnavailable) as exc:
        # not sent again as it was: the records are read back (retried reads) and the
        # rules decide again; a save that did happen shows there and is not repeated
        log.info("save not confirmed (%s): reading back", type(exc).__name__)
    return client.update_records(keys, mutate)


@contextmanager
def gateway_errors(client: IrbisClient, give_up_s: float) -> Iterator[None]:
    """Any failure to talk to IRBIS becomes Refused("gateway_unavailable"). Retries stop
    once the action has taken [irbis] give_up_s."""
    client.deadline.at = time.monotonic() + give_up_s
    try:
        yield
    except WrongPassword as exc:
        log.error("IRBIS rejected the kiosk's login (-4444): check the gateway account")
        raise Refused("gateway_unavailable", detail="login rejected") from exc
    except (GatewayUnavailable, ProtocolError, IrbisError) as exc:
        log.warning("IRBIS gateway failure: %s", type(exc).__name__)
        raise Refused("gateway_unavailable", detail=str(exc)) from exc
    finally:
        client.deadline.at = None
