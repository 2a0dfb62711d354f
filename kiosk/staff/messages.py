"""Every message that crosses MQTT, and every JSON body the console accepts: one schema each.

    alert   <prefix>/<kiosk>/alert   kiosk -> console (retained)
    status  <prefix>/<kiosk>/status  kiosk -> console (retained; last will)
    ack     <prefix>/<kiosk>/ack     console -> kiosk
    stats   <prefix>/<kiosk>/stats   kiosk -> console: one day's counts (retained)
    login   POST /api/login body      browser -> console
    command POST /api/alerts/<id>/<action> and /api/logout bodies (empty objects)

`check(kind, data)` returns the message with only the fields the schema knows, each of its
type, or raises `Invalid(field, why)`. `decode(kind, payload)` does the same for raw bytes.
A receiver hands what does not fit to `Rejections.reject`, which logs it once per
(topic, field, why) and counts it; the value itself is never logged (it may hold anything).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

ALERT_STATES = ("raised", "escalated", "acknowledged", "resolved")
ACTIONS = ("ack", "resolve")
MAX_PAYLOAD = 16 * 1024  # bytes; a real alert or status is well under 1 KiB
MAX_STATS_PAYLOAD = 256 * 1024  # one kiosk's day: its reader keys make most of it
MAX_EPOCH = 32503680000.0  # year 3000: a wall-clock time in epoch seconds
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}")
_CODE = re.compile(r"[a-z][a-z0-9_.]{0,63}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEX = re.compile(r"[0-9a-f]{8,64}")


class Invalid(ValueError):
    """A message that does not fit its schema: which field, and why (no value)."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


@dataclass(frozen=True)
class Field:
    kind: str  # text | id | code | epoch | number | count | bool | choice | map | day | counts
    required: bool = False
    max_len: int = 200
    choices: tuple[str, ...] = ()
    low: float = 0.0
    high: float = MAX_EPOCH


def _text(name: str, value: Any, f: Field) -> str:
    if not isinstance(value, str):
        raise Invalid(name, "expected text")
    if len(value) > f.max_len:
        raise Invalid(name, f"longer than {f.max_len} characters")
    if any(ord(c) < 32 and c not in "\t" for c in value):
        raise Invalid(name, "control characters")
    return value


def _number(name: str, value: Any, f: Field) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid(name, "expected a number")
    if not math.isfinite(value) or not f.low <= value <= f.high:
        raise Invalid(name, f"out of range {f.low:g}..{f.high:g}")
    return float(value)


def _matching(name: str, value: Any, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise Invalid(name, f"expected {what}")
    return value


def _value(name: str, value: Any, f: Field) -> Any:
    k = f.kind
    if k == "text":
        return _text(name, value, f)
    if k == "id":
        return _matching(name, value, _ID, "an id (letters, digits, . _ : -; up to 100)")
    if k == "code":
        return _matching(name, value, _CODE, "a code (a-z, 0-9, _; up to 64)")
    if k == "choice":
        if value not in f.choices:
            raise Invalid(name, f"expected one of {', '.join(f.choices)}")
        return value
    if k in ("epoch", "number"):
        return _number(name, value, f)
    if k == "count":
        if isinstance(value, bool) or not isinstance(value, int) or not f.low <= value <= f.high:
            raise Invalid(name, f"expected a whole number {f.low:g}..{f.high:g}")
        return value
    if k == "bool":
        if not isinstance(value, bool):
            raise Invalid(name, "expected true or false")
        return value
    if k == "day":
        return _matching(name, value, _DAY, "YYYY-MM-DD")
    if k in ("map", "counts"):
        if not isinstance(value, dict) or len(value) > 32:
            raise Invalid(name, "expected an object of at most 32 entries")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not _CODE.fullmatch(key):
                raise Invalid(name, "a key is not a code")
            if k == "map":
                out[key] = _text(f"{name}.{key}", item, Field("text", max_len=32))
            else:
                out[key] = _value(f"{name}.{key}", item, Field("count", high=10**9))
        return out
    if k == "tally":  # free-text keys (a reader category, an age band) -> counts
        if not isinstance(value, dict) or len(value) > 200:
            raise Invalid(name, "expected an object of at most 200 entries")
        return {_text(f"{name} key", key, Field("text", max_len=64)):
                _value(f"{name}.{key}", item, Field("count", high=10**9)) for key, item in value.items()}
    if k == "grid":  # weekday x hour
        if not isinstance(value, list) or len(value) != 7 or any(
                not isinstance(row, list) or len(row) != 24 for row in value):
            raise Invalid(name, "expected 7 rows of 24 counts")
        return [[_value(name, n, Field("count", high=10**9)) for n in row] for row in value]
    if k == "numbers":
        if not isinstance(value, list) or len(value) > 5000:
            raise Invalid(name, "expected a list of at most 5000 numbers")
        return [_number(name, v, Field("number", high=f.high)) for v in value]
    if k == "keys":
        if not isinstance(value, list) or len(value) > 10000 or any(
                not isinstance(v, str) or not _HEX.fullmatch(v) for v in value):
            raise Invalid(name, "expected a list of hexadecimal keys")
        return list(value)
    raise AssertionError(k)


_STAMP = Field("epoch")
_WHO = Field("text", max_len=64)

SCHEMAS: dict[str, dict[str, Field]] = {
    "alert": {
        "id": Field("id", required=True),
        "state": Field("choice", required=True, choices=ALERT_STATES),
        "raised_at": Field("epoch", required=True),
        "reason": Field("code", required=True),
        "kiosk": Field("text", max_len=64),
        "place": Field("text", max_len=200),
        "presses": Field("count", low=1, high=10**6),
        "escalated_at": _STAMP,
        "acked_at": _STAMP,
        "acked_by": _WHO,
        "resolved_at": _STAMP,
        "resolved_by": _WHO,
        "by": _WHO,
        "sent_at": _STAMP,
        "boot": Field("text", max_len=64),
        "repeat": Field("bool"),
        "why": Field("code"),
    },
    "status": {
        "state": Field("choice", required=True, choices=("online", "offline")),
        "kiosk": Field("text", max_len=64),
        "place": Field("text", max_len=200),
        "kind": Field("choice", choices=("kiosk", "callpoint")),
        "time": _STAMP,
        "heartbeat_s": Field("number", low=0.01, high=86400),
        "boot": Field("text", max_len=64),
        "why": Field("code"),
        "health": Field("map"),
    },
    "ack": {
        "action": Field("choice", required=True, choices=ACTIONS),
        "id": Field("id", required=True),
        "by": _WHO,
    },
    # one kiosk's figures for one day (kiosk.stats.figures.day_figures), on
    # <prefix>/<kiosk>/stats/<day>: counts and tallies only, readers as salted hashes
    "stats": {
        "day": Field("day", required=True),
        "kiosk": Field("text", max_len=64),
        "counts": Field("counts"),
        "refusals": Field("counts"),
        "loans_by_language": Field("tally"),
        "loans_by_category": Field("tally"),
        "loans_by_age": Field("tally"),
        "visits_by_category": Field("tally"),
        "visits_by_age": Field("tally"),
        "hours": Field("grid"),
        "responses": Field("numbers", high=7 * 86400.0),
        "readers": Field("keys"),
        "sent_at": _STAMP,
    },
    "login": {
        "user": Field("text", required=True, max_len=64),
        "password": Field("text", required=True, max_len=256),
    },
    "command": {},
}
TOPIC_KINDS = ("alert", "status", "ack", "stats")


def check(kind: str, data: Any) -> dict[str, Any]:
    """`data` as `kind` requires it (unknown fields dropped), or Invalid."""
    schema = SCHEMAS[kind]
    if not isinstance(data, dict):
        raise Invalid("message", "expected a JSON object")
    out: dict[str, Any] = {}
    for name, f in schema.items():
        if name not in data or data[name] is None:
            if f.required:
                raise Invalid(name, "missing")
            continue
        out[name] = _value(name, data[name], f)
    return out


def decode(kind: str, payload: bytes | str) -> dict[str, Any]:
    """Raw MQTT payload (or request body) -> checked message, or Invalid."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    limit = MAX_STATS_PAYLOAD if kind == "stats" else MAX_PAYLOAD
    if len(raw) > limit:
        raise Invalid("message", f"larger than {limit} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("message", "not UTF-8") from e
    if kind == "status" and text.strip().lower() in ("online", "offline"):
        return {"state": text.strip().lower()}  # a plain-text will from an older device
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise Invalid("message", "not JSON") from e
    return check(kind, data)


def topic_kiosk(kiosk_id: str) -> str:
    """The kiosk id in a topic: one level, printable, at most 64 characters."""
    if not kiosk_id or "/" in kiosk_id or len(kiosk_id) > 64 or not kiosk_id.isprintable():
        raise Invalid("topic", "expected <prefix>/<kiosk id>/<kind>")
    return kiosk_id


class Rejections:
    """Counts the messages that did not fit; logs each (topic, field, why) once."""

    MAX_REMEMBERED = 1000

    def __init__(self, logger: logging.Logger = log) -> None:
        self._lock = threading.Lock()
        self._seen: set[tuple[str, str, str]] = set()
        self.count = 0
        self.by_kind: dict[str, int] = {}
        self.last: dict[str, str] | None = None
        self._log = logger

    def reject(self, where: str, kind: str, error: Invalid) -> None:
        key = (where[:200], error.field, error.why)
        with self._lock:
            self.count += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            self.last = {"topic": key[0], "field": key[1], "why": key[2]}
            first = key not in self._seen
            if first and len(self._seen) < self.MAX_REMEMBERED:
                self._seen.add(key)
        if first:
            self._log.warning("ignored a message on %s (%s): %s: %s (logged once)", key[0], kind, key[1], key[2])

    def health(self) -> dict[str, Any]:
        with self._lock:
            return {"rejected": self.count, "by_kind": dict(self.by_kind), "last": self.last}


def merge_known(base: Mapping[str, Any], extra: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """`base` plus the listed keys of `extra` when they are short text or numbers."""
    out = dict(base)
    for key in keys:
        value = extra.get(key)
        if isinstance(value, str) and len(value) <= 64:
            out[key] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out[key] = value
    return out
