"""Logging for an unattended kiosk: plain lines on stderr that journald understands, and
nothing private in them.

Under systemd, stderr goes to the journal. Each line starts with a syslog priority
prefix ("<3>" = error), which journald turns into the entry's priority, so
`journalctl -u kiosk -p warning` works. In a terminal the lines carry a time instead.

Privacy (issue 7): every line passes through `Redactor` before it is written:
- digit runs as long as a library card (config: [logging] card_lengths) become
  "card#<6 hex>", a keyed hash that lets staff follow one session through the log
  without revealing the number (the key is random per process);
- values registered as secret (the IRBIS password, MQTT password) become "***";
- values registered as private for the current session (the reader's name, card)
  become "<private>"; `forget_private()` at logout;
- arguments wrapped in `Private(...)` are never formatted;
- `password=...`, `"password": "..."`, `broker_password=...` style pairs lose their value.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import sys
import threading
from collections.abc import Iterable
from typing import Any, TextIO

DEFAULT_CARD_LENGTHS: tuple[int, ...] = (6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
# key=value pairs whose key names a secret (broker_password=..., "token": "..."); a
# *_file key holds a path, not the secret, and stays readable
_SECRET_KEYS = r"\w*?(?:password|passwd|pwd|passcode|secret|token)(?!_file)\w*?"
_PAIR = re.compile(
    rf"(?i)(\b{_SECRET_KEYS}[\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&}}]+)"
)
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


class Private:
    """Wrap a log argument that must never reach the log: log.info("hello %s", Private(name))."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return "<private>"

    __repr__ = __str__


class Redactor:
    """Removes card numbers, secrets and the current reader's data from a text."""

    def __init__(self, card_lengths: Iterable[int] = DEFAULT_CARD_LENGTHS) -> None:
        self.set_card_lengths(card_lengths)
        self._key = secrets.token_bytes(16)
        self._secrets: set[str] = set()
        self._private: set[str] = set()
        self._lock = threading.Lock()

    def set_card_lengths(self, card_lengths: Iterable[int]) -> None:
        lengths = sorted({int(n) for n in card_lengths if int(n) > 0}, reverse=True)
        alternatives = "|".join(rf"\d{{{n}}}" for n in lengths) or r"(?!x)x"
        # a digit run of exactly a card length: not part of a longer run of digits
        self._cards = re.compile(rf"(?<!\d)(?:{alternatives})(?!\d)")

    def add_secret(self, value: str | None) -> None:
        if value and len(value) >= 3:
            with self._lock:
                self._secrets.add(value)

    def add_private(self, value: str | None) -> None:
        """A value of the current session (reader name, card): hidden until forgotten."""
        if value and len(value.strip()) >= 2:
            with self._lock:
                self._private.add(value.strip())
                # names are also logged word by word ("Aigerim" of "Aigerim Bekova")
                for word in value.split():
                    if len(word) >= 3 and not word.isdigit():
                        self._private.add(word)

    def forget_private(self) -> None:
        with self._lock:
            self._private.clear()

    def card_token(self, digits: str) -> str:
        digest = hmac.new(self._key, digits.encode(), hashlib.sha256).hexdigest()[:6]
        return f"card#{digest}"

    def redact(self, text: str) -> str:
        with self._lock:
            secret_values = sorted(self._secrets, key=len, reverse=True)
            private_values = sorted(self._private, key=len, reverse=True)
        for value in secret_values:
            text = text.replace(value, "***")
        for value in private_values:  # whole words only: "Ali" leaves "validation" alone
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", "<private>", text, flags=re.IGNORECASE)
        text = _PAIR.sub(lambda m: m.group(1) + "***", text)
        return self._cards.sub(self._card_or_date, text)

    def _card_or_date(self, match: re.Match[str]) -> str:
        digits = match.group(0)
        if len(digits) == 8 and _DATE.fullmatch(digits):
            return digits  # YYYYMMDD due dates stay readable
        return self.card_token(digits)


# one redactor per process, shared by every handler set up here
REDACTOR = Redactor()


class RedactingFilter(logging.Filter):
    """Renders the message (args included) and the traceback, then redacts them.
    Attach it to any handler (Kivy's too) so nothing reaches a sink unredacted."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or REDACTOR

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        record.exc_info = None  # formatted (and redacted) above
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


class JournalFormatter(logging.Formatter):
    """`<priority>logger: message` (journald reads the prefix; it adds the time itself)."""

    def format(self, record: logging.LogRecord) -> str:
        prio = _PRIORITY.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)
        text = super().format(record)
        # every continuation line (tracebacks) keeps the priority
        return "\n".join(f"<{prio}>{line}" for line in text.splitlines() or [""])


def under_journald(stream: TextIO | None = None) -> bool:
    """True if `stream` (stderr) is connected to the journal (systemd sets JOURNAL_STREAM)."""
    stream = stream or sys.stderr
    value = os.environ.get("JOURNAL_STREAM", "")
    if ":" not in value:
        return False
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    dev, _, ino = value.partition(":")
    return f"{st.st_dev}:{st.st_ino}" == f"{dev}:{ino}"


def setup_logging(
    level: str | int = "INFO",
    stream: TextIO | None = None,
    card_lengths: Iterable[int] | None = None,
    secrets_to_hide: Iterable[str | None] = (),
    journal: bool | None = None,
) -> logging.Handler:
    """Configure the root logger once: one stderr handler with redaction.

    Returns the handler (tests read it). `secrets_to_hide`: the IRBIS password and other
    credentials from the config, hidden wherever they appear.
    """
    stream = stream or sys.stderr
    if card_lengths is not None:
        REDACTOR.set_card_lengths(card_lengths)
    for value in secrets_to_hide:
        REDACTOR.add_secret(value)
    if journal is None:
        journal = under_journald(stream)
    handler = logging.StreamHandler(stream)
    handler.set_name("kiosk-stderr")
    if journal:
        handler.setFormatter(JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    handler.addFilter(RedactingFilter(REDACTOR))
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == "kiosk-stderr":
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
    # handlers others installed (Kivy's, on the root or the "kivy" logger) get the filter
    for other in [*root.handlers, *logging.getLogger("kivy").handlers]:
        if other is not handler and not any(isinstance(f, RedactingFilter) for f in other.filters):
            other.addFilter(RedactingFilter(REDACTOR))
    return handler


def redactor() -> Redactor:
    """The process-wide redactor: the session registers the reader's name/card on login
    (`add_private`) and calls `forget_private()` on logout."""
    return REDACTOR


def private_args(*values: Any) -> tuple[Private, ...]:
    return tuple(Private(v) for v in values)
