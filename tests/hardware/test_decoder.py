"""The US-layout decoder on synthetic scanner event streams (no device needed)."""

from __future__ import annotations

import pytest
from evdev import InputEvent, ecodes

from hardware.decoder import US_KEYMAP, Decoder, Dropped
from hardware.scanner import decode_events
from tests.hardware.events import (
    DROPPED,
    ENTER,
    EV_KEY,
    KPENTER,
    RSHIFT,
    key,
    tap,
    timed,
    typed,
)

E = ecodes


def test_fast_burst_of_digits_gives_one_code() -> None:
    assert decode_events(typed("9785000000013\n")) == ["9785000000013"]


def test_explicit_evdev_codes_not_derived_from_our_table() -> None:
    events = []
    for code in (E.KEY_L, E.KEY_I, E.KEY_B, E.KEY_MINUS, E.KEY_4, E.KEY_2):
        events += [(E.EV_KEY, code, 1), (E.EV_KEY, code, 0)]
    events += [(E.EV_KEY, E.KEY_ENTER, 1), (E.EV_KEY, E.KEY_ENTER, 0)]
    assert decode_events(events) == ["lib-42"]


def test_table_matches_kernel_key_names() -> None:
    names = {"1": "KEY_1", "0": "KEY_0", "a": "KEY_A", "z": "KEY_Z", "-": "KEY_MINUS",
             "/": "KEY_SLASH", ";": "KEY_SEMICOLON", "'": "KEY_APOSTROPHE", "`": "KEY_GRAVE",
             "\\": "KEY_BACKSLASH", ".": "KEY_DOT", ",": "KEY_COMMA", "=": "KEY_EQUAL",
             "[": "KEY_LEFTBRACE", "]": "KEY_RIGHTBRACE", " ": "KEY_SPACE"}
    for ch, name in names.items():
        assert US_KEYMAP[getattr(E, name)][0] == ch, name
    for name, ch in (("KEY_KP7", "7"), ("KEY_KPDOT", "."), ("KEY_KPMINUS", "-"), ("KEY_KPSLASH", "/")):
        assert US_KEYMAP[getattr(E, name)] == (ch, ch)


def test_shift_gives_upper_case_and_symbols_left_and_right() -> None:
    assert decode_events(typed("AbC-12!@#$%^&*()_+{}|:\"<>?~\n")) == ["AbC-12!@#$%^&*()_+{}|:\"<>?~"]
    assert decode_events(typed("XY:Z\n", shift=RSHIFT)) == ["XY:Z"]


def test_keypad_enter_ends_a_code_and_keypad_digits_type() -> None:
    events = tap(E.KEY_KP1) + tap(E.KEY_KP2) + tap(E.KEY_KPDOT) + tap(KPENTER)
    assert decode_events(events) == ["12."]
    assert decode_events(typed("55\n", enter=KPENTER) + typed("66\n")) == ["55", "66"]


def test_key_repeat_adds_nothing() -> None:
    events = key(E.KEY_7, 1) + key(E.KEY_7, 2) + key(E.KEY_7, 2) + key(E.KEY_7, 0)
    events += key(ENTER, 1) + key(ENTER, 2) + key(ENTER, 0)
    assert decode_events(events) == ["7"]


def test_shift_repeat_and_release_order() -> None:
    # Shift held with repeats, released before the letter is released: only the press counts
    events = key(E.KEY_LEFTSHIFT, 1) + key(E.KEY_LEFTSHIFT, 2) + key(E.KEY_Q, 1)
    events += key(E.KEY_LEFTSHIFT, 0) + key(E.KEY_Q, 0) + tap(E.KEY_Q) + tap(ENTER)
    assert decode_events(events) == ["Qq"]


def test_syn_dropped_discards_the_code_in_progress() -> None:
    events = typed("12") + DROPPED + typed("345\n")
    assert decode_events(events) == ["345"]
    events = typed("AB") + DROPPED + tap(ENTER) + typed("CD\n")
    assert decode_events(events) == ["CD"]


def test_syn_dropped_forgets_a_shift_whose_release_was_lost() -> None:
    events = key(E.KEY_LEFTSHIFT, 1) + typed("a") + DROPPED + typed("b\n")
    assert decode_events(events) == ["b"]


def test_empty_enters_and_other_keys_give_nothing() -> None:
    events = tap(ENTER) + tap(E.KEY_F1) + tap(E.KEY_TAB) + tap(E.KEY_BACKSPACE) + tap(ENTER)
    assert decode_events(events) == []


def test_ctrl_chords_are_not_characters() -> None:
    events = key(E.KEY_LEFTCTRL, 1) + tap(E.KEY_J) + key(E.KEY_LEFTCTRL, 0) + typed("5\n")
    assert decode_events(events) == ["5"]


def test_caps_lock_toggles_letter_case() -> None:
    events = tap(E.KEY_CAPSLOCK) + typed("ab1\n") + tap(E.KEY_CAPSLOCK) + typed("ab\n")
    assert decode_events(events) == ["AB1", "ab"]


def test_accepts_evdev_input_event_objects() -> None:
    events = [InputEvent(1700000000, i * 1000, t, c, v) for i, (t, c, v) in enumerate(typed("Ok9\n"))]
    assert decode_events(events) == ["Ok9"]


def test_many_codes_in_order_and_long_code_whole_by_default() -> None:
    long_code = "0123456789" * 12
    assert decode_events(typed("A1\n" + long_code + "\nB2\n")) == ["A1", long_code, "B2"]


def test_code_over_max_length_is_dropped_and_next_code_is_intact() -> None:
    d = Decoder(max_length=8)
    outs = [d.feed(e) for e in typed("123456789\n12345678\n")]
    results = [o for o in outs if o is not None]
    assert results == [Dropped("too_long"), "12345678"]
    assert decode_events(typed("123456789\n1234\n"), max_length=8) == ["1234"]


def test_prefix_and_suffix_are_stripped_when_present() -> None:
    assert decode_events(typed("]C1RDR77#\nRDR12\n"), prefix="]C1", suffix="#") == ["RDR77", "RDR12"]


def test_slow_typing_fragments_are_dropped_fast_scan_kept() -> None:
    person = timed(typed("1234\n"), start=100.0, step=0.25)
    scanner = timed(typed("5678\n"), start=200.0, step=0.004)
    assert decode_events(person + scanner, inter_key_timeout=0.1) == ["5678"]
    # a pause before Enter also throws the fragment away
    paused = timed(typed("99"), 300.0, 0.004) + timed(tap(ENTER), 301.0, 0.0)
    assert decode_events(paused, inter_key_timeout=0.1) == []


def test_scan_after_a_typed_fragment_starts_clean() -> None:
    fragment = timed(typed("ab"), start=10.0, step=0.5)
    scan = timed(typed("CARD-1\n"), start=12.0, step=0.005)
    assert decode_events(fragment + scan, inter_key_timeout=0.1) == ["CARD-1"]


def test_timed_syn_dropped_skips_the_rest_of_that_scan() -> None:
    d = Decoder(inter_key_timeout=0.1)
    stream = timed(typed("12"), 50.0, 0.005)
    stream += [(0, 3, 0, 50.02)]
    stream += timed(typed("34\n"), 50.02, 0.005)  # tail of the same, broken scan
    stream += timed(typed("777\n"), 52.0, 0.005)  # the patron scans again
    outs = [o for o in (d.feed(e) for e in stream) if o is not None]
    assert outs == [Dropped("syn_dropped"), "777"]


def test_decoder_pending_and_reset() -> None:
    d = Decoder()
    for e in typed("ab"):
        d.feed(e)
    assert d.pending == "ab"
    d.reset()
    assert d.pending == ""
    assert d.feed((EV_KEY, ENTER, 1)) is None


@pytest.mark.parametrize("bad", [0, -3])
def test_decoder_rejects_bad_max_length(bad: int) -> None:
    with pytest.raises(ValueError):
        Decoder(max_length=bad)


def test_modules_load_without_evdev_gpiozero_or_escpos() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "for m in ('evdev', 'gpiozero', 'escpos', 'usb', 'RPi', 'lgpio'): sys.modules[m] = None\n"
        "import hardware.scanner, hardware.sim, hardware.board, hardware.printer, hardware.assemble\n"
        "import kiosk.tools.hwcheck\n"
        "from hardware.scanner import decode_events\n"
        "print(decode_events([(1, 2, 1), (1, 2, 0), (1, 96, 1)]))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['1']"


def test_categorized_key_events_are_accepted_too() -> None:
    from evdev import categorize

    raw = [InputEvent(1, i, t, c, v) for i, (t, c, v) in enumerate(typed("Zz9\n"))]
    assert decode_events(categorize(e) for e in raw) == ["Zz9"]
