"""The desktop and test doubles behave like the real adapters."""

from __future__ import annotations

from hardware.scanner import decode_events
from hardware.sim import KIVY_KEYMAP, KeyboardScanner, ScriptedScanner, sim_keys, text_to_events


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


def test_keyboard_scanner_takes_kivy_key_events() -> None:
    got: list = []
    ks = KeyboardScanner(lambda c, r: got.append(c)).start()
    used = [ks.kivy_key_down(ord(ch.lower()), ch, ["shift"] if ch.isupper() else []) for ch in "Ab7"]
    assert all(used)
    assert ks.kivy_key_down(13, None) is True
    assert got == ["Ab7"]
    # arrows and Ctrl chords are not the scanner's; a person typing slowly still works here
    assert ks.kivy_key_down(273, None) is False
    assert ks.kivy_key_down(99, "c", ["ctrl"]) is False
    ks.type_text("42")
    assert ks.kivy_key_down(271, None)  # keypad Enter
    assert got == ["Ab7", "42"]


def test_keyboard_scanner_ignores_keys_when_stopped() -> None:
    got: list = []
    ks = KeyboardScanner(lambda c, r: got.append(c))
    assert ks.kivy_key_down(ord("a"), "a") is False


def test_desktop_keys_press_mock_pins() -> None:
    events: list = []
    mk = sim_keys(debounce_s=0.0, on_key=events.append, on_call=lambda: events.append("CALL"),
                  on_headphones=lambda b: events.append(("hp", b)))
    try:
        by_name = {v: k for k, v in KIVY_KEYMAP.items()}
        for name in ("up", "down", "select", "back", "help", "language", "call", "headphones"):
            assert mk.kivy_key_down(by_name[name])
        assert events == ["up", "down", "select", "back", "help", "language", "CALL", ("hp", True)]
        assert mk.kivy_key_down(ord("q")) is False
    finally:
        mk.keys.close()
