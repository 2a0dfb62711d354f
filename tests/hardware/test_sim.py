"""The desktop and test doubles behave like the real adapters."""

from __future__ import annotations

from hardware.scanner import decode_events
from hardware.sim import KeyboardScanner, ScriptedScanner, sim_board, text_to_events
from kiosk.config import SUGGESTED_WIRING
from kiosk.core.keys import DESKTOP_KEYMAP


def test_text_to_events_round_trips_through_the_decoder() -> None:
    text = "Abc-123_XYZ!?\n"
    assert decode_events(text_to_events(text)) == ["Abc-123_XYZ!?"]


def test_scripted_scanner_delivers_codes_with_roles() -> None:
    got: list = []
    dropped: list = []
    s = ScriptedScanner(lambda c, r: got.append((c, r)), dropped.append, role="card").start()
    s.push("RDR-1")
    s.push("9785", role="book")
    s.push_dropped()
    assert got == [("RDR-1", "card"), ("9785", "book")]
    assert dropped == ["card"]


def test_keyboard_scanner_takes_typed_characters_and_enter() -> None:
    got: list = []
    ks = KeyboardScanner(lambda c, r: got.append(c)).start()
    assert all(ks.type_char(ch) for ch in "Ab7")
    assert ks.press_enter() is True
    assert got == ["Ab7"]
    # what is not a scanner character is not used; a person typing slowly still works here
    assert ks.type_char("") is False and ks.type_char("ab") is False
    ks.type_text("42")
    assert ks.press_enter(keypad=True)
    assert got == ["Ab7", "42"]


def test_keyboard_scanner_ignores_keys_when_stopped() -> None:
    got: list = []
    ks = KeyboardScanner(lambda c, r: got.append(c))
    assert ks.type_char("a") is False and ks.press_enter() is False
    assert got == []


def test_desktop_keys_press_mock_pins() -> None:
    """As the app does it: desktop key code -> the key table's name -> the mock board."""
    events: list = []
    mk = sim_board(SUGGESTED_WIRING, debounce_s=0.0, on_key=events.append,
                   on_call=lambda: events.append("CALL"), on_headphones=lambda b: events.append(("hp", b)))
    try:
        by_name = {v: k for k, v in DESKTOP_KEYMAP.items()}
        for name in ("up", "down", "select", "back", "help", "language", "call", "headphones"):
            assert mk.press_binding(DESKTOP_KEYMAP[by_name[name]])
        assert events == ["up", "down", "select", "back", "help", "language", "CALL", ("hp", True)]
        assert mk.press_binding(DESKTOP_KEYMAP.get(ord("q"), "")) is False
        assert mk.press_binding("call_lamp") is False  # a lamp is not pressed
    finally:
        mk.board.close()


def test_an_unwired_mock_board_has_nothing_to_press() -> None:
    mk = sim_board({})
    try:
        assert mk.board.fitted_keys == [] and mk.press_binding("up") is False
        assert mk.press_binding("headphones") is False and mk.press_binding("call") is False
    finally:
        mk.board.close()
