"""The circulation behind a switch: `gateway down|up` in scenarios cuts the link (every
call is then refused with gateway_unavailable, as when the cable is pulled), and the time
spent inside the gateway is added up so a scan's own latency can be measured without it."""

from __future__ import annotations

import time
from typing import Any

from kiosk.core.domain import Refused


class GatewaySwitch:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.up = True
        self.busy_s = 0.0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if not self.up:
                raise Refused("gateway_unavailable", "", "link cut")
            started = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.busy_s += time.perf_counter() - started

        return call
