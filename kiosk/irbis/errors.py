"""Typed errors of the IRBIS64 client.

`IrbisError` carries the server's negative return code; the codes the kiosk reacts to
have their own subclasses. `ProtocolError` means the answer could not be understood,
`GatewayUnavailable` that no answer arrived at all.
"""

from __future__ import annotations


class IrbisError(Exception):
    """The server answered with a negative return code."""

    code: int = 0
    description = "IRBIS error"

    def __init__(self, code: int | None = None, message: str = "") -> None:
        if code is not None:
            self.code = code
        self.message = message or self.description
        super().__init__(f"{self.code}: {self.message}")

    @staticmethod
    def for_code(code: int, message: str = "") -> IrbisError:
        """The most specific error class for a return code."""
        cls = _BY_CODE.get(code, IrbisError)
        return cls(code, message) if cls is IrbisError else cls(message=message)


class MfnOutOfRange(IrbisError):
    code = -140
    description = "MFN out of range"


class RecordLocked(IrbisError):
    code = -602
    description = "record locked"


class VersionConflict(IrbisError):
    code = -608
    description = "record version conflict"


class NotRegistered(IrbisError):
    code = -3333
    description = "client not registered"


class AlreadyRegistered(IrbisError):
    code = -3337
    description = "client already registered"


class WrongPassword(IrbisError):
    code = -4444
    description = "wrong user name or password"


class ServerOverloaded(IrbisError):
    """-6666: the server was too busy and executed nothing; worth another try shortly."""

    code = -6666
    description = "server overloaded"


_BY_CODE: dict[int, type[IrbisError]] = {
    c.code: c for c in (
        MfnOutOfRange, RecordLocked, VersionConflict, NotRegistered, AlreadyRegistered, WrongPassword,
        ServerOverloaded,
    )
}


class ProtocolError(Exception):
    """The answer (or a request, on the server side) is malformed, truncated or garbage."""


class GatewayUnavailable(Exception):
    """No answer: connection refused, timeout, reset, or an HTTP error from the gateway."""


class GatewayDropped(GatewayUnavailable):
    """The connection failed or was closed before an answer came (refused, reset, closed,
    a 5xx from the CGI gateway). The request may or may not have been executed: a read is
    safe to send again, a save is settled by reading the records back."""


class GatewayTimeout(GatewayUnavailable):
    """No answer within the request's timeout: the gateway is stalled. Not retried, so the
    patron's wait stays bounded by the timeout."""
