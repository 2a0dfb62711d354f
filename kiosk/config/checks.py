"""Every semantic check of a configuration, in one style (types are checked while reading).

Each section has one check function in the table CHECKS: it takes the section and returns
its problems, each a `Problem` naming the key (with the value as written), what is wrong
and the fix. `validate_config(cfg)` runs the table at every start: errors stop the kiosk
(ConfigError lists every one of them); warnings, problems a kiosk can live with (a
password typed into the config file), go to `cfg.warnings` for the log.

A valid configuration whose gateway cannot be reached is not a problem: the kiosk starts
and shows its out-of-order screen (kiosk.config.reach tells whether the gateway answers).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import kiosk.config.schema as sc
from kiosk.config.gateway_checks import check_gateway
from kiosk.config.problem import Problem, at_least, error
from kiosk.config.schema import Config, ConfigError
from kiosk.core.domain import REASONS
from kiosk.core.keys import KEYS
from kiosk.core.languages import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.staff.users import is_password_hash

PIN_TOOL = "kiosk maintenance-pin"
MAX_BCM_PIN = 27


def _language_fix(key: str) -> str:
    others = ", ".join(f'"{lang}"' for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
    return f'{key} = "{DEFAULT_LANGUAGE}" (or {others})'


def check_kiosk(k: sc.KioskSection) -> list[Problem]:
    out: list[Problem] = []
    if not k.id.strip() or any(c in k.id for c in " \t/+#"):
        out.append(error(f"[kiosk] id = {k.id!r}", "must be a short name without spaces, '/', '+' or '#'",
                         'id = "kiosk-1"'))
    for key, example in (("place", "КИОСК1"), ("operator", "kiosk1")):
        if not getattr(k, key).strip():
            out.append(error(f"[kiosk] {key}", "is empty, and IRBIS records it with every loan",
                             f'{key} = "{example}"'))
    if k.default_language not in LANGUAGES:
        out.append(error(f"[kiosk] default_language = {k.default_language!r}", "not a kiosk language",
                         _language_fix("default_language")))
    if k.data_dir and not os.path.isabs(k.data_dir):
        out.append(error(f"[kiosk] data_dir = {k.data_dir!r}", "must be a full path",
                         'data_dir = "/var/lib/kiosk", or remove the line'))
    return out


def check_loans(loans: sc.LoansSection) -> list[Problem]:
    out = [
        *at_least("loans", "period_days", loans.period_days, 1, "14"),
        *at_least("loans", "max_items", loans.max_items, 1, "5"),
        *at_least("loans", "renewal_days", loans.renewal_days, 1, "14"),
        *at_least("loans", "max_renewals", loans.max_renewals, 0, "2 (0 = no renewals)"),
    ]
    if loans.period_days > 366:
        out.append(error(f"[loans] period_days = {loans.period_days}", "more than a year", "period_days = 14"))
    return out


def check_session(s: sc.SessionSection) -> list[Problem]:
    out: list[Problem] = []
    if s.timeout_s <= 0:
        out.append(error(f"[session] timeout_s = {s.timeout_s}", "must be more than 0", "timeout_s = 60"))
    if s.warning_s < 20:
        out.append(error(f"[session] warning_s = {s.warning_s}",
                         "patrons need at least 20 seconds to answer the 'are you still there?' warning",
                         "warning_s = 20"))
    elif s.warning_s >= s.timeout_s:
        out.append(error(f"[session] warning_s = {s.warning_s}", f"must be less than timeout_s = {s.timeout_s}",
                         f"warning_s = 20 and timeout_s = {max(60, int(s.warning_s) + 30)}"))
    out += at_least("session", "max_extensions", s.max_extensions, 0, "10")
    if not 0 <= s.double_scan_s <= 30:
        out.append(error(f"[session] double_scan_s = {s.double_scan_s}", "use 0 to 30 seconds", "double_scan_s = 2"))
    if s.summary_timeout_s <= 0:
        out.append(error(f"[session] summary_timeout_s = {s.summary_timeout_s}", "must be more than 0",
                         "summary_timeout_s = 20"))
    if s.receipt not in ("ask", "always", "never"):
        out.append(error(f"[session] receipt = {s.receipt!r}", 'use "ask", "always" or "never"', 'receipt = "ask"'))
    if s.returns not in ("off", "own", "any"):
        out.append(error(f"[session] returns = {s.returns!r}", 'use "off", "own" or "any"', 'returns = "off"'))
    out += _three_languages("session", s, "return_place", "what to do with a returned book",
                            'return_place_en = "Please put it on the trolley."')
    out += _three_languages("session", s, "reserved_place", "what to do with a reserved book",
                            'reserved_place_en = "Please give it to the librarian."')
    return out


def _three_languages(section: str, obj: Any, prefix: str, what: str, example: str) -> list[Problem]:
    """Words a cabinet gives per language (`<prefix>_kk`, `_ru`, `_en`): text, and in all
    three languages or in none (then the catalogue's wording is used)."""
    texts = {f"{prefix}_{lang}": getattr(obj, f"{prefix}_{lang}") for lang in ("kk", "ru", "en")}
    if not all(isinstance(v, str) for v in texts.values()):
        return [error(f"[{section}] {prefix}_kk/ru/en", "must be text", example)]
    if any(v.strip() for v in texts.values()) and not all(v.strip() for v in texts.values()):
        missing = ", ".join(k for k, v in texts.items() if not v.strip())
        return [error(f"[{section}] {missing} is empty",
                      f"write {what} in all three languages, or in none "
                      "(then the general wording is said)", example)]
    return []


def _check_staff_entry(where: str, entry: Any, seen: set[str]) -> list[Problem]:
    if not isinstance(entry, dict):
        return [error(where, "must be a table", '[[maintenance.staff]] then card = "..." and pin = "..."')]
    out: list[Problem] = []
    unknown = set(entry) - {"card", "pin", "name"}
    if unknown:
        out.append(error(where, f"unknown key(s) {', '.join(sorted(unknown))}",
                         "use only card, pin and name"))
    card = entry.get("card")
    if not isinstance(card, str) or not card.strip():
        out.append(error(f"{where}.card", "missing", 'card = "<the staff card\'s code, as the scanner reads it>"'))
    elif card in seen:
        out.append(error(f"{where}.card", "the same card is listed twice", "remove one of them"))
    else:
        seen.add(card)
    pin = entry.get("pin")
    if not isinstance(pin, str) or not is_password_hash(pin):
        out.append(error(f"{where}.pin", "must be a hashed PIN (pbkdf2_sha256$...), never the PIN itself",
                         f"run `{PIN_TOOL}` on the kiosk and paste the line it prints"))
    return out


def check_maintenance(m: sc.MaintenanceSection) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for i, entry in enumerate(m.staff):
        out += _check_staff_entry(f"[maintenance] staff[{i}]", entry, seen)
    out += at_least("maintenance", "max_attempts", m.max_attempts, 1, "5")
    out += at_least("maintenance", "lockout_s", m.lockout_s, 10, "300", unit=" seconds")
    out += at_least("maintenance", "idle_timeout_s", m.idle_timeout_s, 10, "120", unit=" seconds")
    return out


def check_logging(lg: sc.LoggingSection) -> list[Problem]:
    out: list[Problem] = []
    if lg.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        out.append(error(f"[logging] level = {lg.level!r}", 'use "INFO", "WARNING", "ERROR" or "DEBUG"',
                         'level = "INFO"'))
    if [n for n in lg.card_lengths if not isinstance(n, int) or isinstance(n, bool) or not 4 <= n <= 32]:
        out.append(error(f"[logging] card_lengths = {lg.card_lengths!r}", "digit counts from 4 to 32",
                         "card_lengths = [10] (how many digits your library cards have), or [] for 6 to 16"))
    return out


def check_staff(st: sc.StaffSection) -> list[Problem]:
    out: list[Problem] = []
    url = st.broker_url.strip()
    if url and not url.startswith(("mqtt://", "mqtts://", "tcp://")):
        out.append(error(f"[staff] broker_url = {url!r}", "expected mqtt://host:port or mqtts://host:port",
                         'broker_url = "mqtt://192.0.2.10:1883"'))
    prefix = st.topic_prefix
    if not prefix or any(c in prefix for c in "+#") or prefix.endswith("/"):
        out.append(error(f"[staff] topic_prefix = {prefix!r}", "must be a plain MQTT topic without + # "
                         "or a trailing /", 'topic_prefix = "kiosk"'))
    out += at_least("staff", "escalate_after_s", st.escalate_after_s, 0, "60", strictly=True)
    out += at_least("staff", "heartbeat_s", st.heartbeat_s, 0, "30", strictly=True)
    for reason in st.needs_staff:
        if reason not in REASONS:
            out.append(error(f"[staff] needs_staff: {reason!r}", "not a reason code",
                             f"use some of {', '.join(REASONS)}"))
    if st.console_language not in LANGUAGES:
        out.append(error(f"[staff] console_language = {st.console_language!r}", "not a kiosk language",
                         _language_fix("console_language")))
    return out


def _is_usb_id(text: str) -> bool:
    vendor, sep, product = text.partition(":")
    hexdigits = set("0123456789abcdefABCDEF")
    return bool(sep) and len(vendor) == 4 and len(product) == 4 and set(vendor + product) <= hexdigits


def check_hardware(hw: sc.HardwareSection) -> list[Problem]:
    out: list[Problem] = []
    if hw.mode not in ("auto", "real", "sim"):
        out.append(error(f"[hardware] mode = {hw.mode!r}", "use auto, real or sim", 'mode = "auto"'))
    for name, pin in hw.key_pins.items():
        if name not in KEYS:
            out.append(error(f"[hardware] key_pins.{name}", "unknown key",
                             f"use one of {', '.join(KEYS)}"))
        if not isinstance(pin, int) or isinstance(pin, bool) or not -1 <= pin <= MAX_BCM_PIN:
            out.append(error(f"[hardware] key_pins.{name} = {pin!r}", f"expected a BCM pin 0..{MAX_BCM_PIN} "
                             "or -1 (not fitted)", "see the wiring table in hardware/README.md"))
    if not 0 <= hw.debounce_s <= 0.5:
        out.append(error(f"[hardware] debounce_s = {hw.debounce_s}", "must be between 0 and 0.5",
                         "debounce_s = 0.05"))
    out += at_least("hardware", "hold_time_s", hw.hold_time_s, 0, "2", strictly=True)
    if not all(isinstance(s, str) and s.strip() for s in hw.scanners):
        out.append(error("[hardware] scanners", "each entry must be a non-empty string", 'scanners = ["auto"]'))
    if hw.printer and not _is_usb_id(hw.printer):
        out.append(error(f"[hardware] printer = {hw.printer!r}", "expected VVVV:PPPP in hex",
                         'printer = "0416:5011" (lsusb shows it), or "" for no printer'))
    return out


def check_speech(sp: sc.SpeechSection) -> list[Problem]:
    out: list[Problem] = []
    if not sp.volume_steps or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 4 for v in sp.volume_steps
    ):
        out.append(error("[speech] volume_steps", "a list of gains above 0 (never silent)",
                         "volume_steps = [0.3, 0.6, 1.0]"))
    elif not 1 <= sp.default_volume_step <= len(sp.volume_steps):
        out.append(error(f"[speech] default_volume_step = {sp.default_volume_step}",
                         f"use 1..{len(sp.volume_steps)}", "default_volume_step = 1"))
    for key, choices in (("output", ("auto", "alsa", "null")), ("headphones", ("all", "private_only"))):
        value = getattr(sp, key)
        if value not in choices:
            out.append(error(f"[speech] {key} = {value!r}", f"use {', '.join(choices)}",
                             f'{key} = "{choices[0]}"'))
    if not 80 <= sp.rate_wpm <= 450:
        out.append(error(f"[speech] rate_wpm = {sp.rate_wpm}", "use 80..450", "rate_wpm = 150 (normal speed)"))
    if not 10 <= sp.buffer_ms <= 500:
        out.append(error(f"[speech] buffer_ms = {sp.buffer_ms}", "use 10..500", "buffer_ms = 30"))
    return out + _check_speech_rates(sp) + _check_guidance(sp)


def _check_speech_rates(sp: sc.SpeechSection) -> list[Problem]:
    out: list[Problem] = []
    for key in ("rate_kk", "rate_ru", "rate_en"):
        value = getattr(sp, key)
        if isinstance(value, bool) or not isinstance(value, int) or not (
                value == 0 or 80 <= value <= 450):
            out.append(error(f"[speech] {key} = {value!r}", "use 80..450 words per minute, "
                             "or 0 for rate_wpm", f"{key} = 0"))
    return out


def _check_guidance(sp: sc.SpeechSection) -> list[Problem]:
    out = _three_languages("speech", sp, "guidance", "the scanner guidance",
                           'guidance_ru = "Сканер под экраном, справа ..."')
    after = sp.guidance_after_s
    if isinstance(after, bool) or not isinstance(after, (int, float)) or not (
            after == 0 or 5 <= after <= 600):
        out.append(error(f"[speech] guidance_after_s = {after!r}", "use 5..600 seconds, or 0 for never",
                         "guidance_after_s = 20"))
    return out


def check_stats(st: sc.StatsSection) -> list[Problem]:
    out: list[Problem] = []
    for key in ("plan_readers", "plan_visits", "plan_loans", "plan_loans_kazakh", "publish_days"):
        if getattr(st, key) < 0:
            out.append(error(f"[stats] {key} = {getattr(st, key)}", "must not be negative",
                             f"{key} = 0 (no plan), or the year's figure"))
    bands = st.age_bands
    if any(b <= 0 for b in bands) or bands != sorted(set(bands)):
        out.append(error(f"[stats] age_bands = {bands}", "must be whole years above 0, rising",
                         "age_bands = [7, 11, 15]"))
    return out


def _no_problems(_section: Any) -> list[Problem]:
    return []


# One check per section type; a new section adds its row here.
CHECKS: dict[type, Callable[[Any], list[Problem]]] = {
    sc.KioskSection: check_kiosk,
    sc.GatewaySection: check_gateway,
    sc.LoansSection: check_loans,
    sc.SessionSection: check_session,
    sc.JournalSection: _no_problems,
    sc.UiSection: _no_problems,
    sc.StaffSection: check_staff,
    sc.HardwareSection: check_hardware,
    sc.SpeechSection: check_speech,
    sc.MaintenanceSection: check_maintenance,
    sc.LoggingSection: check_logging,
    sc.StatsSection: check_stats,
}


def section_problems(section: Any) -> list[Problem]:
    """The problems of one section (any section type of kiosk.config.schema)."""
    return CHECKS[type(section)](section)


@dataclass(frozen=True)
class _Found:
    errors: list[Problem]
    warnings: list[Problem]


def _run_checks(cfg: Config) -> _Found:
    found = _Found([], [])
    for f in fields(cfg):
        section = getattr(cfg, f.name)
        if type(section) in CHECKS:
            for problem in section_problems(section):
                (found.warnings if problem.warning else found.errors).append(problem)
    return found


def validate_config(cfg: Config) -> Config:
    """Raise ConfigError listing every error; put the warnings into cfg.warnings."""
    found = _run_checks(cfg)
    cfg.warnings[:] = [str(w) for w in found.warnings]
    if not found.errors:
        return cfg
    where = f"{cfg.source}: " if cfg.source else ""
    if len(found.errors) == 1:
        message = where + str(found.errors[0])
    else:
        listing = "\n".join(f"  - {e}" for e in found.errors)
        message = f"{where}{len(found.errors)} problems in the configuration:\n{listing}"
    raise ConfigError(message, found.errors)
