"""Fuzzing the scanner decoder with arbitrary evdev streams (hardware.scanner.decode_events).

Whatever the kernel delivers -- unknown codes, huge or negative numbers, SYN_DROPPED at any
point, other event types, timestamps that go backwards -- the decoder returns a list of
printable codes and never raises.
"""

from __future__ import annotations

import math
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hardware.decoder import (
    CHORD_KEYS,
    END_KEYS,
    KEY_CAPSLOCK,
    SHIFT_KEYS,
    US_KEYMAP,
    Decoder,
    Dropped,
)
from hardware.scanner import decode_events
from hardware.sim import CHAR_TO_KEY
from tests.fuzz.settings import FUZZ
from tests.hardware.events import EV_KEY, EV_SYN, SYN_DROPPED, typed

PRINTABLE_OUT = {ch for pair in US_KEYMAP.values() for ch in pair}
KNOWN_KEYS = sorted(set(US_KEYMAP) | SHIFT_KEYS | CHORD_KEYS | END_KEYS | {KEY_CAPSLOCK})
BIG = 2**63

# The numbers a scanner could plausibly send, mixed with anything at all.
event_type = st.one_of(st.sampled_from([EV_SYN, EV_KEY, 2, 3, 4, 17, 20, 31]),
                       st.integers(-BIG, BIG))
event_code = st.one_of(st.sampled_from(KNOWN_KEYS + [SYN_DROPPED, 0, 4, 0x2FF]),
                       st.integers(-BIG, BIG))
event_value = st.one_of(st.sampled_from([0, 1, 2]), st.integers(-BIG, BIG))
triples = st.tuples(event_type, event_code, event_value)
stamps = st.floats(allow_nan=True, allow_infinity=True)
quads = st.tuples(event_type, event_code, event_value, stamps)


def assert_clean(codes: object, max_length: int | None = None) -> None:
    assert isinstance(codes, list)
    for code in codes:
        assert isinstance(code, str) and code
        assert set(code) <= PRINTABLE_OUT, repr(code)
        assert not any(unicodedata.category(ch).startswith("C") for ch in code), repr(code)
        assert "\n" not in code and "\r" not in code
        if max_length is not None:
            assert len(code) <= max_length


@FUZZ
@given(st.lists(triples, max_size=300))
def test_any_stream_gives_printable_codes(events) -> None:
    codes = decode_events(events)
    assert_clean(codes)
    presses_of_enter = sum(1 for t, c, v in events if t == EV_KEY and c in END_KEYS and v == 1)
    assert len(codes) <= presses_of_enter


@FUZZ
@given(st.lists(quads, max_size=200), st.floats(min_value=0.001, max_value=5),
       st.integers(min_value=1, max_value=40), st.text(max_size=3), st.text(max_size=3))
def test_any_timed_stream_with_every_option(events, gap, max_length, prefix, suffix) -> None:
    codes = decode_events(events, inter_key_timeout=gap, max_length=max_length,
                          prefix=prefix, suffix=suffix)
    assert_clean(codes, max_length)


@FUZZ
@given(st.lists(triples, max_size=200))
def test_decoder_feed_reports_only_codes_or_drops(events) -> None:
    decoder = Decoder(max_length=64)
    for event in events:
        out = decoder.feed(event)
        assert out is None or isinstance(out, Dropped | str)
        if isinstance(out, Dropped):
            assert out.reason in ("syn_dropped", "too_long")
    assert decoder.pending == "" or set(decoder.pending) <= PRINTABLE_OUT


typable = st.text(alphabet="".join(sorted(CHAR_TO_KEY)), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s)
# events a keyboard wedge never uses for typing: other event types, keys not on the US map
noise = st.one_of(
    st.tuples(st.integers(2, 31), st.integers(0, 0x2FF), st.integers(-BIG, BIG)),
    st.tuples(st.just(EV_KEY), st.integers(0, 0x2FF).filter(lambda c: c not in KNOWN_KEYS),
              st.integers(-BIG, BIG)),
    st.tuples(st.just(EV_KEY), st.sampled_from(KNOWN_KEYS), st.just(2)),  # auto-repeat
    st.tuples(st.just(EV_SYN), st.integers(0, 2), st.integers(-BIG, BIG)),
)


@FUZZ
@given(st.lists(typable, min_size=1, max_size=3),
       st.lists(st.tuples(st.integers(min_value=0), noise), max_size=30))
def test_noise_between_events_changes_nothing(batch, inserts) -> None:
    noisy = [e for code in batch for e in typed(code + "\n")]
    for where, event in inserts:
        noisy.insert(where % (len(noisy) + 1), event)
    assert decode_events(noisy) == batch


@FUZZ
@given(st.lists(triples, max_size=120), typable)
def test_a_clean_scan_after_garbage_and_syn_dropped_reads_right(garbage, code) -> None:
    # garbage may leave Shift/Ctrl held or Caps Lock on; SYN_DROPPED makes the decoder
    # forget held modifiers, and a real scanner releases every key after a scan
    release_all = [(EV_KEY, k, 0) for k in sorted(SHIFT_KEYS | CHORD_KEYS)]
    events = list(garbage) + [(EV_SYN, SYN_DROPPED, 0)] + release_all + typed(code + "\n")
    codes = decode_events(events)
    assert_clean(codes)
    caps_on = sum(1 for t, c, v in garbage if t == EV_KEY and c == KEY_CAPSLOCK and v == 1) % 2
    expected = code.swapcase() if caps_on else code
    # Caps Lock only swaps letters; symbols stay as typed
    expected = "".join(e if ch.isalpha() else ch for ch, e in zip(code, expected, strict=True))
    assert codes[-1] == expected


def test_huge_and_odd_timestamps_do_not_raise() -> None:
    for ts in (math.nan, math.inf, -math.inf, 1e308, -1e308, 0.0):
        events = [(EV_KEY, 2, 1, ts), (EV_KEY, 2, 0, ts), (EV_KEY, 28, 1, ts)]
        assert_clean(decode_events(events, inter_key_timeout=0.1))
