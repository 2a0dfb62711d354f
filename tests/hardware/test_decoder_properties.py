"""Property tests: whatever a US-layout scanner can type comes back exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.scanner import decode_events
from hardware.sim import CHAR_TO_KEY
from tests.hardware.events import DROPPED, EV_KEY, KPENTER, RSHIFT, typed

TYPABLE = "".join(sorted(CHAR_TO_KEY))
codes = st.text(alphabet=TYPABLE, min_size=1, max_size=40).filter(lambda s: s.strip() == s and s)


@settings(max_examples=60, deadline=None)
@given(st.lists(codes, min_size=1, max_size=5), st.booleans(), st.booleans())
def test_every_typable_code_round_trips(batch, right_shift, keypad_enter) -> None:
    events = []
    for code in batch:
        events += typed(code + "\n", shift=RSHIFT if right_shift else 42,
                        enter=KPENTER if keypad_enter else 28)
    assert decode_events(events) == batch


@settings(max_examples=50, deadline=None)
@given(codes, st.data())
def test_key_repeats_anywhere_change_nothing(code, data) -> None:
    events = typed(code + "\n")
    out = []
    for e in events:
        out.append(e)
        if e[0] == EV_KEY and e[2] == 1 and data.draw(st.booleans()):
            out.append((EV_KEY, e[1], 2))
    assert decode_events(out) == [code]


@settings(max_examples=50, deadline=None)
@given(codes, codes, st.integers(min_value=0, max_value=200))
def test_syn_dropped_anywhere_in_a_code_loses_only_that_code(first, second, cut) -> None:
    head = typed(first)
    cut = min(cut, len(head))
    events = head[:cut] + DROPPED + typed("\n" + second + "\n")
    assert decode_events(events) == [second]
