"""Shared hypothesis settings for the fuzz suite: reproducible (derandomized, no example
database) and bounded, so `make test` runs the same inputs on every machine."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# properties that each start a network round trip: fewer examples keep the suite fast
FUZZ_NET = settings(FUZZ, max_examples=60)
