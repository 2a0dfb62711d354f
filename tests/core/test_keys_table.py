"""The one key table: no desktop key or suggested pin bound twice."""

from kiosk.core.keys import (
    BINDINGS,
    DESKTOP_BACKSPACE,
    DESKTOP_KEYMAP,
    DESKTOP_STAFF_ACK,
    KEYS,
)


def test_no_desktop_key_is_bound_twice() -> None:
    desktop = [b.desktop for b in BINDINGS] + [DESKTOP_BACKSPACE, DESKTOP_STAFF_ACK]
    assert len(desktop) == len(set(desktop))
    assert len(DESKTOP_KEYMAP) == len(BINDINGS)


def test_no_pin_is_suggested_twice_and_names_are_unique() -> None:
    assert len({b.pin for b in BINDINGS}) == len(BINDINGS)
    assert len({b.name for b in BINDINGS}) == len(BINDINGS)


def test_the_session_keys_are_the_nine_tactile_keys_of_the_contract() -> None:
    # contracts.md: key up, down, select, back, help, repeat, volume_up, volume_down, language
    assert set(KEYS) == {"up", "down", "select", "back", "help", "repeat", "volume_up",
                         "volume_down", "language"}
