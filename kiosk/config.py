"""Kiosk configuration: one TOML file, every key with a default (the embedded defaults).

Sections and keys of contracts.md at least; other areas add their own sections here.
`load_config(path)` validates and raises ConfigError naming the key, what is wrong and
how to fix it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    pass


@dataclass
class KioskSection:
    id: str = "kiosk-1"
    place: str = "КИОСК1"  # written to 40^V
    operator: str = "kiosk1"  # written to 40^I
    library_name: str = "Абай атындағы облыстық балалар кітапханасы"
    default_language: str = "kk"
    data_dir: str = ""  # journal, caches; "" = ~/.local/state/kiosk (or $STATE_DIRECTORY)


@dataclass
class GatewaySection:
    url: str = ""  # "" = start the embedded server with demo data
    username: str = "kiosk1"
    password: str = ""
    password_file: str = ""
    readers_db: str = "RDR"
    catalog_db: str = "IBIS"
    requests_db: str = "RQST"
    timeout_s: float = 3.0
    ca_file: str = ""  # custom CA bundle for https gateways

    def resolved_password(self) -> str:
        """IRBIS password from the environment, the 0600 file, or the config (development)."""
        if os.environ.get("IRBIS_PASSWORD"):
            return os.environ["IRBIS_PASSWORD"]
        if self.password_file:
            return Path(self.password_file).read_text(encoding="utf-8").strip()
        return self.password

    def resolved_username(self) -> str:
        return os.environ.get("IRBIS_USER") or self.username


@dataclass
class LoansSection:
    period_days: int = 14
    max_items: int = 5
    max_renewals: int = 2
    renewal_days: int = 14
    block_on_overdue: bool = True
    require_reregistration: bool = True


@dataclass
class SessionSection:
    timeout_s: float = 60.0
    warning_s: float = 20.0
    max_extensions: int = 10
    double_scan_s: float = 2.0
    summary_timeout_s: float = 20.0
    receipt: str = "ask"  # ask | always | never


@dataclass
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    gateway: GatewaySection = field(default_factory=GatewaySection)
    loans: LoansSection = field(default_factory=LoansSection)
    session: SessionSection = field(default_factory=SessionSection)
    extra: dict[str, Any] = field(default_factory=dict)  # sections not (yet) typed
    source: str = "<defaults>"


def _fill(section: Any, values: dict[str, Any], name: str) -> None:
    known = {f.name: f for f in fields(section)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"[{name}] {key}: unknown key. Known keys: {', '.join(sorted(known))}. "
                "Check the spelling or remove the line."
            )
        default = getattr(section, key)
        expected = type(default)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"[{name}] {key} = {value!r}: expected {expected.__name__} "
                f"(for example {name}.{key} = {default!r})"
            )
        setattr(section, key, value)


def config_from_dict(data: dict[str, Any], source: str = "<dict>") -> Config:
    cfg = Config(source=source)
    for name, values in data.items():
        section = getattr(cfg, name, None) if name not in ("extra", "source") else None
        if section is not None and is_dataclass(section):
            if not isinstance(values, dict):
                raise ConfigError(f"[{name}] must be a table, e.g. [{name}] on its own line")
            _fill(section, values, name)
        else:
            cfg.extra[name] = values
    return cfg


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the TOML file (None = embedded defaults) and validate it."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{p}: no such file. Copy systemd/kiosk.example.toml there.") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML ({e}). Fix the line named.") from e
    return config_from_dict(data, str(p))
