"""What the session needs to know of the configuration, as plain values (kiosk.config
builds it with `session_settings(cfg)`; the core never reads the configuration itself)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionSettings:
    timeout_s: float = 60.0  # inactivity logs the reader out
    warning_s: float = 20.0  # the warning comes this long before
    double_scan_s: float = 2.0  # the same code again within this is a double read
    summary_timeout_s: float = 20.0  # the summary goes back to attract after this
    receipt: str = "ask"  # ask | always | never
    default_language: str = "kk"
    library_name: str = ""  # the receipt's first line
    # spoken guidance to the scanner: (lang, text) for kk, ru, en; () = the catalogue's
    guidance: tuple[tuple[str, str], ...] = ()
    guidance_after_s: float = 20.0  # no scan this long after login: the guidance again; 0 off
    returns: str = "off"  # off | own (account: "Return a book") | any (also a book drop on attract)
    # where a returned book goes / a returned book someone reserved goes: (lang, text) for
    # kk, ru, en; () = the catalogue's words (return.where.box, return.where.reserved)
    return_place: tuple[tuple[str, str], ...] = ()
    reserved_place: tuple[tuple[str, str], ...] = ()
