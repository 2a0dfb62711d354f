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
    slow_notice_s: float = 1.0  # the gateway has not answered after this: "one moment"
