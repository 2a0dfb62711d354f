"""The [gateway] section's check: the url, the databases and where the password is kept
(a 0600 file that only the kiosk user reads). One row of kiosk.config.checks.CHECKS."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.config.problem import Problem, error, warning
from kiosk.config.schema import GatewaySection

PLACEHOLDER_PASSWORD = "CHANGE-ME"
EXAMPLE_URL = 'url = "http://192.168.1.10:8080/cgi-bin/irbis64r/WebToIrbisServer.exe"'
EXAMPLE_TCP = 'url = "tcp://192.168.1.10:6666"'
PASSWORD_PATH = "/etc/kiosk/irbis.password"


def _url_problems(url: str) -> list[Problem]:
    parts = urlsplit(url)
    key = f"[gateway] url = {url!r}"
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https", "tcp"):
        return [error(key, "must start with http://, https:// or tcp://", f"{EXAMPLE_URL} or {EXAMPLE_TCP}")]
    if not parts.hostname:
        return [error(key, "the server's address is missing", EXAMPLE_URL)]
    if port in (-1, 0):
        return [error(key, "the port must be a number from 1 to 65535", EXAMPLE_URL)]
    if parts.scheme == "tcp" and port is None:
        return [error(key, "tcp needs a port (the IRBIS server's is usually 6666)", EXAMPLE_TCP)]
    return []


def check_gateway(g: GatewaySection) -> list[Problem]:
    out: list[Problem] = []
    if g.url:
        out += _url_problems(g.url)
        if not g.username.strip():
            out.append(error("[gateway] username", "is empty", 'username = "kiosk1" (the IRBIS user)'))
        if g.ca_file and not g.url.startswith("https://"):
            out.append(warning("[gateway] ca_file", "is only used with an https:// url; it is ignored",
                               "remove the line, or use an https:// url"))
    if not 0 < g.timeout_s <= 60:
        out.append(error(f"[gateway] timeout_s = {g.timeout_s}", "must be more than 0 and at most 60 seconds",
                         "timeout_s = 3"))
    for key, default in (("readers_db", "RDR"), ("catalog_db", "IBIS")):
        if not getattr(g, key).strip():
            out.append(error(f"[gateway] {key}", "is empty", f'{key} = "{default}"'))
    if g.ca_file and not Path(g.ca_file).is_file():
        out.append(error(f"[gateway] ca_file = {g.ca_file!r}", "no such file",
                         "copy the library's CA certificate (PEM) there, or remove the line"))
    if g.password_file:
        out += password_file_problems(g.password_file)
        if g.password:
            out.append(warning("[gateway] password", "both password and password_file are set: "
                               "password_file is used", "remove the password line"))
    elif g.password and g.url:
        out.append(warning("[gateway] password", "is written in the configuration file",
                           f"put it in {PASSWORD_PATH} (chmod 600) and set password_file = \"{PASSWORD_PATH}\""))
    return out


def password_file_problems(path: str) -> list[Problem]:
    """A password file must be a regular file, readable by the kiosk and nobody else, and
    hold the password (not the installer's placeholder)."""
    key = f"[gateway] password_file = {path!r}"
    fix_perm = f"sudo chown kiosk:kiosk {path} && sudo chmod 600 {path}"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return [error(key, "no such file", f"sudo nano {path} (one line: the IRBIS password), then {fix_perm}")]
    except OSError as e:
        return [error(key, f"cannot be checked ({e.strerror})", fix_perm)]
    if not stat.S_ISREG(st.st_mode):
        return [error(key, "not a file", "point password_file at the password file")]
    out: list[Problem] = []
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o007:
        out.append(error(key, f"every user of this computer can read the password (mode {mode:04o})", fix_perm))
    elif mode & 0o070:
        out.append(warning(key, f"the file's group can read the password (mode {mode:04o})", fix_perm))
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except PermissionError:
        return [*out, error(key, "the kiosk may not read it (permission denied)", fix_perm)]
    except (OSError, UnicodeDecodeError) as e:
        return [*out, error(key, f"cannot be read ({e})", "write the password as plain text")]
    if not text:
        out.append(error(key, "the file is empty", "write the IRBIS password into it"))
    elif text == PLACEHOLDER_PASSWORD:
        out.append(warning(key, f"still holds the installer's placeholder {PLACEHOLDER_PASSWORD}",
                           f"sudo nano {path} and type the IRBIS password"))
    return out
