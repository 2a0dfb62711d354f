"""Staff accounts: salted PBKDF2 hashes; the console refuses to start without any."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.staff import console
from kiosk.staff.users import (
    UsersError,
    check,
    hash_password,
    load_users,
    parse_users,
    verify_password,
)


def test_hash_is_salted_and_verifies():
    a, b = hash_password("kitap-2024!", 1000), hash_password("kitap-2024!", 1000)
    assert a != b and "kitap" not in a  # a fresh salt each time, no password inside
    assert verify_password("kitap-2024!", a) and not verify_password("kitap-2024", a)
    assert not verify_password("x", "garbage") and not verify_password("x", "md5$1$a$b")


def test_users_file_and_inline_accounts(tmp_path: Path):
    f = tmp_path / "users"
    f.write_text(f"# staff\naigerim:{hash_password('one-two-3', 1000)}\n\n", encoding="utf-8")
    users = load_users(f, {"dana": hash_password("four-5-six", 1000)})
    assert check(users, "aigerim", "one-two-3") and check(users, "dana", "four-5-six")
    assert not check(users, "aigerim", "four-5-six") and not check(users, "nobody", "one-two-3")
    with pytest.raises(UsersError, match="python -m kiosk.staff.users"):
        parse_users("aigerim:plaintext\n", "users")
    with pytest.raises(UsersError, match="not a password"):
        load_users("", {"dana": "secret"})
    with pytest.raises(UsersError, match="no such users file"):
        load_users(tmp_path / "missing")


def test_console_will_not_start_without_staff_accounts(tmp_path: Path, capsys):
    conf = tmp_path / "c.toml"
    conf.write_text('[staff]\nbroker_url = "mqtt://127.0.0.1:1"\n', encoding="utf-8")
    args = argparse.Namespace(config=str(conf), port=0, host="127.0.0.1", broker=None)
    assert console.main(args) == 1
    assert "no staff accounts" in capsys.readouterr().err
    conf.write_text('[staff]\nusers_file = "/nonexistent/users"\n', encoding="utf-8")
    assert console.main(args) == 1
    assert "no such users file" in capsys.readouterr().err
