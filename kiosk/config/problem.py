"""One problem of a configuration: the key with its value, what is wrong, the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """`key` names the section and key as written in the file ("[loans] max_items = 0"),
    `wrong` says what is wrong, `fix` what to write or do instead. A warning is a problem
    the kiosk can live with (it is logged); any other problem stops the kiosk."""

    key: str
    wrong: str
    fix: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.key}: {self.wrong}. Fix: {self.fix}"


def error(key: str, wrong: str, fix: str) -> Problem:
    return Problem(key, wrong, fix)


def warning(key: str, wrong: str, fix: str) -> Problem:
    return Problem(key, wrong, fix, warning=True)


def at_least(section: str, key: str, value: float, minimum: float, fix: str, *,
             unit: str = "", strictly: bool = False) -> list[Problem]:
    """[] when `value` is at least `minimum` (more than it when `strictly`), else the problem
    with the fix `key = fix`."""
    if value > minimum or (value == minimum and not strictly):
        return []
    what = f"more than {minimum:g}{unit}" if strictly else f"at least {minimum:g}{unit}"
    return [error(f"[{section}] {key} = {value}", f"must be {what}", f"{key} = {fix}")]
