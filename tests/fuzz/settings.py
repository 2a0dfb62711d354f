"""Shared hypothesis settings for the fuzz suite: reproducible (derandomized, no example
database) and bounded, so `make test` runs the same inputs on every machine.

KIOSK_FUZZ_EXAMPLES=2000 (environment) runs every property longer, e.g. for a nightly
job; the network properties get a third of it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "200"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# properties that each start a network round trip: fewer examples keep the suite fast
FUZZ_NET = settings(FUZZ, max_examples=max(20, EXAMPLES * 3 // 10))
