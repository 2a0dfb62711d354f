from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kiosk.config import Config
from kiosk.tools.harness import Harness
from tests.core.fakes import FakeLibrary, demo_library

TODAY = date(2026, 11, 24)


@pytest.fixture
def lib() -> FakeLibrary:
    return demo_library()


@pytest.fixture
def make() -> Callable[..., Harness]:
    """make(lib=None, **config sections) -> a started Harness on 2026-11-24."""

    def factory(library: FakeLibrary | None = None, language_screen: bool = False,
                **sections: dict) -> Harness:
        config = Config()
        for section, values in sections.items():
            for key, value in values.items():
                setattr(getattr(config, section), key, value)
        h = Harness(library or demo_library(), config, today=TODAY)
        h.session.offer_language_screen = language_screen
        return h

    return factory


def says(h: Harness) -> list[str]:
    return [e["msg"] for e in h.log.named("say")]


def names(h: Harness, event: str) -> list[dict]:
    return h.log.named(event)
