"""Reading a configuration: TOML -> typed sections (each key's type checked) -> checks.

    cfg = load_config("/etc/kiosk/kiosk.toml")   # None = the embedded defaults
    cfg = config_from_dict({"loans": {"max_items": 3}})

Both raise ConfigError naming the key, what is wrong and the fix.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from kiosk.config.checks import validate_config
from kiosk.config.schema import Config, ConfigError


def fill_section(section: Any, values: dict[str, Any], name: str) -> None:
    """Set the section's keys from `values` (a TOML table), checking that each key exists
    and each value has the default's type (an int is taken where a float is expected)."""
    known = {f.name: f for f in fields(section)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"[{name}] {key}: unknown key. Known keys: {', '.join(sorted(known))}. "
                "Fix: check the spelling or remove the line"
            )
        default = getattr(section, key)
        expected = type(default)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"[{name}] {key} = {value!r}: expected {expected.__name__}. "
                f"Fix: for example {name}.{key} = {default!r}"
            )
        setattr(section, key, value)


def config_from_dict(data: dict[str, Any], source: str = "<dict>") -> Config:
    """A checked Config from parsed TOML; tables the schema does not know go to `extra`."""
    cfg = Config(source=source)
    for name, values in data.items():
        section = getattr(cfg, name, None) if name not in ("extra", "source", "warnings") else None
        if section is not None and is_dataclass(section):
            if not isinstance(values, dict):
                raise ConfigError(f"[{name}] must be a table. Fix: [{name}] on its own line")
            fill_section(section, values, name)
        else:
            cfg.extra[name] = values
    validate_config(cfg)
    return cfg


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the TOML file (None = embedded defaults) and check it."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{p}: no such file. Fix: copy systemd/kiosk.example.toml there") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML ({e}). Fix: correct the line named") from e
    return config_from_dict(data, str(p))
