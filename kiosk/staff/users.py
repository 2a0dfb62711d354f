"""Staff accounts for the console: salted PBKDF2-SHA256 hashes, never plain passwords.

A users file has one account a line, `name:pbkdf2_sha256$<iterations>$<salt>$<hash>`
(salt and hash in base64); `#` starts a comment. Make a line with

    python -m kiosk.staff.users NAME >> /etc/kiosk/staff-users

(asks for the password twice).
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import sys
from collections.abc import Mapping
from pathlib import Path

SCHEME = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000
# Compared against when the user name is unknown, so a wrong name costs as long as a wrong
# password (no hint which names exist).
_DUMMY = f"{SCHEME}$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


class UsersError(ValueError):
    pass


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"{SCHEME}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def is_password_hash(text: str, min_iterations: int = 1000) -> bool:
    """Does `text` look like a hash_password() result (never a password or PIN itself)?"""
    parts = text.split("$")
    return len(parts) == 4 and parts[0] == SCHEME and parts[1].isdigit() and int(parts[1]) >= min_iterations


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, iterations, salt, digest = encoded.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), base64.b64decode(salt, validate=True), int(iterations)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def parse_users(text: str, source: str = "<users>") -> dict[str, str]:
    users: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, encoded = line.partition(":")
        if not sep or not name.strip() or not encoded.startswith(SCHEME + "$"):
            raise UsersError(
                f"{source}:{n}: expected `name:{SCHEME}$...`; make the line with "
                "`python -m kiosk.staff.users NAME`"
            )
        users[name.strip()] = encoded.strip()
    return users


def load_users(path: str | os.PathLike[str] = "", inline: Mapping[str, str] | None = None) -> dict[str, str]:
    """Accounts from the users file and the config's inline [staff.users] table."""
    users: dict[str, str] = {}
    if path:
        p = Path(path)
        try:
            users.update(parse_users(p.read_text(encoding="utf-8"), str(p)))
        except FileNotFoundError as e:
            raise UsersError(f"{p}: no such users file; create it with `python -m kiosk.staff.users NAME`") from e
    for name, encoded in (inline or {}).items():
        if not str(encoded).startswith(SCHEME + "$"):
            raise UsersError(f"[staff.users] {name}: expected a {SCHEME}$... hash, not a password")
        users[name] = str(encoded)
    return users


def check(users: Mapping[str, str], name: str, password: str) -> bool:
    encoded = users.get(name)
    ok = verify_password(password, encoded or _DUMMY)
    return ok and encoded is not None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or ":" in args[0] or not args[0].strip():
        print("usage: python -m kiosk.staff.users NAME   (prints the users-file line)", file=sys.stderr)
        return 2
    first = getpass.getpass("password: ")
    if len(first) < 8:
        print("the password needs at least 8 characters", file=sys.stderr)
        return 1
    if getpass.getpass("again: ") != first:
        print("the two passwords differ", file=sys.stderr)
        return 1
    print(f"{args[0].strip()}:{hash_password(first)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
