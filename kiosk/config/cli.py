"""`kiosk config-check [--config FILE]`: would the kiosk start with this configuration?"""

from __future__ import annotations

import sys
from typing import Any

from kiosk.config.load import load_config
from kiosk.config.reach import check_gateway_reachable
from kiosk.config.schema import ConfigError

DEFAULT_PATH = "/etc/kiosk/kiosk.toml"


def main(args: Any = None) -> int:
    """"ok" (and any warnings), or every problem with its fix on stderr; exit 0 when the
    kiosk would start, 1 when it would not. An unreachable gateway is only a note."""
    path = getattr(args, "config", None) or DEFAULT_PATH
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
