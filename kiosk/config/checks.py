"""Semantic checks of a loaded configuration (types are checked while reading it).

`validate(cfg)` runs at every start (kiosk.config.config_from_dict calls it). Problems
that would make the kiosk misbehave are errors: ConfigError lists every one of them, each
naming the key, what is wrong and how to fix it. Problems a kiosk can live with (a
password typed into the config file) are collected in `cfg.warnings` for the log.

A valid configuration whose gateway cannot be reached is NOT an error: the kiosk starts
and shows its out-of-order screen. `check_gateway_reachable(cfg)` tells the app (and
`kiosk hw-check`, the maintenance screen) whether the gateway answers.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LANGUAGES = ("kk", "ru", "en")
PLACEHOLDER_PASSWORD = "CHANGE-ME"
PIN_TOOL = "kiosk maintenance-pin"


def _problems_of_sections(cfg: Any) -> list[str]:
    out: list[str] = []
    for name in vars(cfg):
        section = getattr(cfg, name)
        check = getattr(section, "problems", None)
        if callable(check):
            out.extend(check())
    return out


def validate(cfg: Any) -> None:
    """Raise ConfigError listing every error; put warnings into cfg.warnings."""
    from kiosk.config import ConfigError

    errors: list[str] = []
    warnings: list[str] = []
    _check_kiosk(cfg, errors)
    _check_gateway(cfg, errors, warnings)
    _check_loans(cfg, errors)
    _check_session(cfg, errors)
    _check_maintenance(cfg, errors)
    _check_logging(cfg, errors)
    errors.extend(_problems_of_sections(cfg))
    if hasattr(cfg, "warnings"):
        cfg.warnings[:] = warnings
    if errors:
        where = f"{cfg.source}: " if getattr(cfg, "source", "") else ""
        if len(errors) == 1:
            err = ConfigError(where + errors[0])
        else:
            listing = "\n".join(f"  - {e}" for e in errors)
            err = ConfigError(f"{where}{len(errors)} problems in the configuration:\n{listing}")
        err.problems = errors  # type: ignore[attr-defined]
        raise err


def _check_kiosk(cfg: Any, errors: list[str]) -> None:
    k = cfg.kiosk
    if not k.id.strip() or any(c in k.id for c in " \t/+#"):
        errors.append(
            f"[kiosk] id = {k.id!r}: must be a short name without spaces, '/', '+' or '#'. "
            'Fix: id = "kiosk-1"'
        )
    for key in ("place", "operator"):
        if not getattr(k, key).strip():
            errors.append(
                f"[kiosk] {key} is empty: IRBIS records it with every loan. "
                f"Fix: {key} = \"{'КИОСК1' if key == 'place' else 'kiosk1'}\""
            )
    if k.default_language not in LANGUAGES:
        errors.append(
            f"[kiosk] default_language = {k.default_language!r}: not a kiosk language. "
            'Fix: default_language = "kk" (or "ru", "en")'
        )
    if k.data_dir and not os.path.isabs(k.data_dir):
        errors.append(
            f"[kiosk] data_dir = {k.data_dir!r}: must be a full path. "
            'Fix: data_dir = "/var/lib/kiosk", or remove the line'
        )


def _check_gateway(cfg: Any, errors: list[str], warnings: list[str]) -> None:
    g = cfg.gateway
    if g.url:
        parts = urlsplit(g.url)
        example = 'url = "http://192.168.1.10:8080/cgi-bin/irbis64r/WebToIrbisServer.exe"'
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("http", "https", "tcp"):
            errors.append(
                f"[gateway] url = {g.url!r}: must start with http://, https:// or tcp://. "
                f'Fix: {example} or url = "tcp://192.168.1.10:6666"'
            )
        elif not parts.hostname:
            errors.append(f"[gateway] url = {g.url!r}: the server's address is missing. Fix: {example}")
        elif port == -1 or port == 0:
            errors.append(
                f"[gateway] url = {g.url!r}: the port must be a number from 1 to 65535. Fix: {example}"
            )
        elif parts.scheme == "tcp" and port is None:
            errors.append(
                f"[gateway] url = {g.url!r}: tcp needs a port (the IRBIS server's is usually "
                ' 6666). Fix: url = "tcp://192.168.1.10:6666"'
            )
        if not g.username.strip():
            errors.append('[gateway] username is empty. Fix: username = "kiosk1" (the IRBIS user)')
        if g.ca_file and not g.url.startswith("https://"):
            warnings.append("[gateway] ca_file is only used with an https:// url; it is ignored")
    if not 0 < g.timeout_s <= 60:
        errors.append(
            f"[gateway] timeout_s = {g.timeout_s}: must be more than 0 and at most 60 seconds. "
            "Fix: timeout_s = 3"
        )
    for key in ("readers_db", "catalog_db"):
        if not getattr(g, key).strip():
            default = "RDR" if key == "readers_db" else "IBIS"
            errors.append(f'[gateway] {key} is empty. Fix: {key} = "{default}"')
    if g.ca_file and not Path(g.ca_file).is_file():
        errors.append(
            f"[gateway] ca_file = {g.ca_file!r}: no such file. Fix: copy the library's CA "
            "certificate (PEM) there, or remove the line"
        )
    if g.password_file:
        _check_password_file(g.password_file, errors, warnings)
        if g.password:
            warnings.append(
                "[gateway] both password and password_file are set: password_file is used. "
                "Fix: remove the password line"
            )
    elif g.password and g.url:
        warnings.append(
            "[gateway] password is written in the configuration file. Fix: put it in "
            '/etc/kiosk/irbis.password (chmod 600) and set password_file = "/etc/kiosk/irbis.password"'
        )


def _check_password_file(path: str, errors: list[str], warnings: list[str]) -> None:
    key = f"[gateway] password_file = {path!r}"
    fix_perm = f"Fix: sudo chown kiosk:kiosk {path} && sudo chmod 600 {path}"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        errors.append(
            f"{key}: no such file. Fix: sudo nano {path} (one line: the IRBIS password), "
            f"then sudo chown kiosk:kiosk {path} && sudo chmod 600 {path}"
        )
        return
    except OSError as e:
        errors.append(f"{key}: cannot be checked ({e.strerror}). {fix_perm}")
        return
    if not stat.S_ISREG(st.st_mode):
        errors.append(f"{key}: not a file. Fix: point password_file at the password file")
        return
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o007:
        errors.append(f"{key}: every user of this computer can read the password (mode {mode:04o}). {fix_perm}")
    elif mode & 0o070:
        warnings.append(f"{key}: the file's group can read the password (mode {mode:04o}). {fix_perm}")
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except PermissionError:
        errors.append(f"{key}: the kiosk may not read it (permission denied). {fix_perm}")
        return
    except (OSError, UnicodeDecodeError) as e:
        errors.append(f"{key}: cannot be read ({e}). Fix: write the password as plain text")
        return
    if not text:
        errors.append(f"{key}: the file is empty. Fix: write the IRBIS password into it")
    elif text == PLACEHOLDER_PASSWORD:
        warnings.append(
            f"{key}: still holds the installer's placeholder {PLACEHOLDER_PASSWORD}. "
            f"Fix: sudo nano {path} and type the IRBIS password"
        )


def _positive(errors: list[str], section: str, key: str, value: float, fix: str, minimum: float = 1) -> None:
    if value < minimum:
        what = "at least 1" if minimum == 1 else f"at least {minimum}"
        errors.append(f"[{section}] {key} = {value}: must be {what}. Fix: {key} = {fix}")


def _check_loans(cfg: Any, errors: list[str]) -> None:
    loans = cfg.loans
    _positive(errors, "loans", "period_days", loans.period_days, "14")
    _positive(errors, "loans", "max_items", loans.max_items, "5")
    _positive(errors, "loans", "renewal_days", loans.renewal_days, "14")
    _positive(errors, "loans", "max_renewals", loans.max_renewals, "2 (0 = no renewals)", minimum=0)
    if loans.period_days > 366:
        errors.append(f"[loans] period_days = {loans.period_days}: more than a year. Fix: period_days = 14")


def _check_session(cfg: Any, errors: list[str]) -> None:
    s = cfg.session
    if s.timeout_s <= 0:
        errors.append(f"[session] timeout_s = {s.timeout_s}: must be more than 0. Fix: timeout_s = 60")
    if s.warning_s < 20:
        errors.append(
            f"[session] warning_s = {s.warning_s}: patrons need at least 20 seconds to answer "
            "the 'are you still there?' warning. Fix: warning_s = 20"
        )
    elif s.warning_s >= s.timeout_s:
        errors.append(
            f"[session] warning_s = {s.warning_s} must be less than timeout_s = {s.timeout_s}. "
            f"Fix: warning_s = 20 and timeout_s = {max(60, int(s.warning_s) + 30)}"
        )
    if s.max_extensions < 0:
        errors.append(f"[session] max_extensions = {s.max_extensions}: must be 0 or more. Fix: max_extensions = 10")
    if not 0 <= s.double_scan_s <= 30:
        errors.append(f"[session] double_scan_s = {s.double_scan_s}: use 0 to 30 seconds. Fix: double_scan_s = 2")
    if s.summary_timeout_s <= 0:
        errors.append(
            f"[session] summary_timeout_s = {s.summary_timeout_s}: must be more than 0. Fix: summary_timeout_s = 20"
        )
    if s.receipt not in ("ask", "always", "never"):
        errors.append(f'[session] receipt = {s.receipt!r}: use "ask", "always" or "never". Fix: receipt = "ask"')


def _check_maintenance(cfg: Any, errors: list[str]) -> None:
    m = getattr(cfg, "maintenance", None)
    if m is None:
        return
    from kiosk.maintenance import is_pin_hash

    seen: set[str] = set()
    for i, entry in enumerate(m.staff):
        where = f"[maintenance] staff[{i}]"
        if not isinstance(entry, dict):
            errors.append(f'{where}: must be a table. Fix: [[maintenance.staff]] then card = "..." and pin = "..."')
            continue
        unknown = set(entry) - {"card", "pin", "name"}
        if unknown:
            errors.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}. Keys are card, pin, name")
        card = entry.get("card")
        if not isinstance(card, str) or not card.strip():
            errors.append(f'{where}.card: missing. Fix: card = "<the staff card\'s code, as the scanner reads it>"')
        elif card in seen:
            errors.append(f"{where}.card: the same card is listed twice. Fix: remove one of them")
        else:
            seen.add(card)
        pin = entry.get("pin")
        if not isinstance(pin, str) or not is_pin_hash(pin):
            errors.append(
                f"{where}.pin: must be a hashed PIN (pbkdf2_sha256$...), never the PIN itself. "
                f"Fix: run `{PIN_TOOL}` on the kiosk and paste the line it prints"
            )
    if m.max_attempts < 1:
        errors.append(f"[maintenance] max_attempts = {m.max_attempts}: must be at least 1. Fix: max_attempts = 5")
    if m.lockout_s < 10:
        errors.append(f"[maintenance] lockout_s = {m.lockout_s}: must be at least 10 seconds. Fix: lockout_s = 300")
    if m.idle_timeout_s < 10:
        errors.append(
            f"[maintenance] idle_timeout_s = {m.idle_timeout_s}: must be at least 10 seconds. Fix: idle_timeout_s = 120"
        )


def _check_logging(cfg: Any, errors: list[str]) -> None:
    lg = getattr(cfg, "logging", None)
    if lg is None:
        return
    if lg.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        errors.append(f'[logging] level = {lg.level!r}: use "INFO", "WARNING", "ERROR" or "DEBUG". Fix: level = "INFO"')
    bad = [n for n in lg.card_lengths if not isinstance(n, int) or isinstance(n, bool) or not 4 <= n <= 32]
    if bad:
        errors.append(
            f"[logging] card_lengths = {lg.card_lengths!r}: digit counts from 4 to 32. "
            "Fix: card_lengths = [10] (how many digits your library cards have), or [] for 6 to 16"
        )


def check_gateway_reachable(cfg: Any, timeout_s: float | None = None) -> str | None:
    """None if the gateway accepts a connection (or none is configured: the embedded
    server); otherwise one line for staff and the log, e.g.
    "cannot reach 10.0.0.5:6666 (connection refused)". Opens and closes one TCP
    connection; it does not log in. Never raises."""
    url = cfg.gateway.url
    if not url:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    host = parts.hostname
    if not host or not port:
        return f"gateway url {url!r} has no usable address"
    timeout = cfg.gateway.timeout_s if timeout_s is None else timeout_s
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"cannot reach {host}:{port} (no answer within {timeout:g} s)"
    except OSError as e:
        reason = e.strerror or type(e).__name__
        return f"cannot reach {host}:{port} ({reason.lower()})"


def main(args: Any = None) -> int:
    """`kiosk config-check [--config FILE]`: "ok" (and any warnings), or every problem with
    its fix; exit 0 when the kiosk would start, 1 when it would not."""
    import sys

    from kiosk.config import ConfigError, load_config

    path = getattr(args, "config", None) or "/etc/kiosk/kiosk.toml"
    try:
        cfg = load_config(path)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 1
    for warning in cfg.warnings:
        print(f"warning: {warning}")
    print(f"{path}: ok")
    reason = check_gateway_reachable(cfg)
    if reason:
        print(f"note: {reason} (the kiosk starts anyway and shows its out-of-order screen)")
    return 0
