"""Who is signed in to the staff console: session tokens with their CSRF token and expiry,
and the sign-in throttle (failures counted per address and per account)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

SESSION_S = 12 * 3600
FAILS_ALLOWED = 5  # sign-in failures per address within FAIL_WINDOW_S before a pause
ACCOUNT_FAILS_ALLOWED = 10  # ... and per account, from any address (a spread-out guesser)
FAIL_WINDOW_S = 300.0


@dataclass
class StaffSession:
    user: str
    csrf: str
    expires: float


class Sessions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_token: dict[str, StaffSession] = {}
        self._fails: dict[str, list[float]] = {}

    def open(self, user: str) -> tuple[str, StaffSession]:
        token = secrets.token_urlsafe(32)
        session = StaffSession(user, secrets.token_urlsafe(24), time.monotonic() + SESSION_S)
        with self._lock:
            self._by_token[token] = session
        return token, session

    def get(self, token: str | None) -> StaffSession | None:
        if not token:
            return None
        with self._lock:
            s = self._by_token.get(token)
            if s is not None and s.expires < time.monotonic():
                del self._by_token[token]
                return None
            return s

    def close(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)

    def throttled(self, address: str) -> bool:
        return self._recent("addr:" + address) >= FAILS_ALLOWED

    def throttled_account(self, user: str) -> bool:
        return self._recent("user:" + user) >= ACCOUNT_FAILS_ALLOWED

    def _recent(self, key: str) -> int:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._fails.get(key, []) if now - t < FAIL_WINDOW_S]
            if recent:
                self._fails[key] = recent
            else:
                self._fails.pop(key, None)
            return len(recent)

    def failed(self, address: str, user: str = "") -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._fails) > 10000:  # a flood of made-up names: forget the oldest
                for key in list(self._fails)[:5000]:
                    del self._fails[key]
            self._fails.setdefault("addr:" + address, []).append(now)
            if user:
                self._fails.setdefault("user:" + user[:64], []).append(now)
