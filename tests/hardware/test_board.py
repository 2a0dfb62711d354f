"""The board: keys, call button, lamps and the headphone switch on gpiozero's mock pins."""

from __future__ import annotations

import threading
import time

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.board import Board, BoardError
from hardware.sim import sim_board
from kiosk.config import SUGGESTED_WIRING
from kiosk.core.keys import KEYS


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def wait_for(cond, timeout: float = 2.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


@pytest.fixture
def rig():
    clock = FakeClock()
    got: list = []
    mk = sim_board(
        SUGGESTED_WIRING, clock=clock, debounce_s=0.2, hold_time_s=0.15, blink_s=0.03,
        on_key=lambda n: got.append(("key", n)),
        on_hold=lambda n: got.append(("hold", n)),
        on_call=lambda: got.append(("call",)),
        on_headphones=lambda inserted: got.append(("headphones", inserted)),
    )
    yield mk, clock, got
    mk.board.close()


def test_every_key_press_reports_its_name(rig) -> None:
    mk, clock, got = rig
    for name in KEYS:
        clock.t += 1
        mk.tap(name)
    assert got == [("key", n) for n in KEYS]


def test_bounce_inside_debounce_is_ignored_and_next_press_counts(rig) -> None:
    mk, clock, got = rig
    mk.press("select")
    for _ in range(3):  # contacts chatter for a few milliseconds
        clock.t += 0.003
        mk.release("select")
        clock.t += 0.003
        mk.press("select")
    clock.t += 0.1
    mk.release("select")
    clock.t += 0.05  # a second strike 0.05 s after release: inside 0.2 s
    mk.tap("select")
    assert got == [("key", "select")]
    clock.t += 0.3
    mk.tap("select")
    assert got == [("key", "select"), ("key", "select")]


def test_debounce_zero_accepts_every_press() -> None:
    got: list = []
    mk = sim_board({"up": 5}, debounce_s=0.0, on_key=got.append)
    try:
        for _ in range(3):
            mk.tap("up")
        assert got == ["up", "up", "up"]
    finally:
        mk.board.close()


def test_hold_fires_once_without_auto_repeat(rig) -> None:
    mk, clock, got = rig
    mk.press("help")
    assert wait_for(lambda: ("hold", "help") in got)
    time.sleep(0.4)  # well past two more hold times: still only one hold, one key
    mk.release("help")
    assert got == [("key", "help"), ("hold", "help")]


def test_short_press_is_not_a_hold(rig) -> None:
    mk, clock, got = rig
    mk.tap("help")
    time.sleep(0.3)
    assert got == [("key", "help")]


def test_press_released_and_pressed_again_holds_from_the_second_press() -> None:
    clock, got = FakeClock(), []
    mk = sim_board(SUGGESTED_WIRING, clock=clock, debounce_s=0.2, hold_time_s=0.6,
                   on_key=lambda n: got.append(("key", n)), on_hold=lambda n: got.append(("hold", n)))
    try:
        mk.tap("help")
        time.sleep(0.4)  # the first press's hold time has not run out
        clock.t += 1
        mk.press("help")
        time.sleep(0.35)  # past 0.6 s from the first press, well inside it from the second
        assert got == [("key", "help"), ("key", "help")]
        assert wait_for(lambda: ("hold", "help") in got)
        mk.release("help")
    finally:
        mk.board.close()


def test_an_idle_board_keeps_no_thread_awake() -> None:
    """A kiosk waits on its attract screen most of the day; gpiozero's Button keeps a hold
    thread per key that wakes ten times a second, the board's keys must not."""
    before = set(threading.enumerate())
    mk = sim_board(SUGGESTED_WIRING, debounce_s=0.2, hold_time_s=0.15,
                   on_key=lambda n: None, on_hold=lambda n: None)
    try:
        mk.tap("help")
        time.sleep(0.3)  # past the hold time: its timer is gone
        started = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        assert started == []
    finally:
        mk.board.close()


def test_call_button_and_lamp_states(rig) -> None:
    mk, clock, got = rig
    mk.tap("call")
    assert got == [("call",)]
    board = mk.board
    assert not mk.lamp_on()
    board.call_lamp("blinking")
    seen = set()
    end = time.monotonic() + 3.0
    while time.monotonic() < end and len(seen) < 2:
        seen.add(mk.lamp_on())
        time.sleep(0.005)
    assert seen == {True, False}, "a blinking lamp goes on and off"
    assert board.lamp_state("call") == "blinking"
    board.call_lamp("steady")
    time.sleep(0.1)
    assert mk.lamp_on() and board.lamp_state("call") == "steady"
    board.call_lamp("off")
    assert not mk.lamp_on()
    with pytest.raises(BoardError):
        board.call_lamp("purple")


def test_desk_lamp(rig) -> None:
    mk, clock, got = rig
    mk.board.desk_lamp("steady")
    assert mk.lamp_on("desk_lamp")
    mk.board.desk_lamp("off")
    assert not mk.lamp_on("desk_lamp")


def test_headphone_switch_reports_plug_in_and_out(rig) -> None:
    mk, clock, got = rig
    assert mk.board.headphones_in is False
    mk.headphones(True)
    assert mk.board.headphones_in is True
    mk.headphones(False)
    assert got == [("headphones", True), ("headphones", False)]


def test_headphone_switch_inverted_polarity() -> None:
    got: list = []
    f = MockFactory()
    board = Board(headphone_pin=22, headphone_closed_means_inserted=False, headphone_settle_s=0, pin_factory=f,
                  on_headphones=got.append)
    try:
        assert board.headphones_in is True  # contact open (pulled up) = plug in
        f.pin(22).drive_low()
        assert got == [False]
    finally:
        board.close()


def test_headphone_contact_chatter_reports_once_settled() -> None:
    got: list = []
    f = MockFactory()
    board = Board(headphone_pin=22, headphone_settle_s=0.05, pin_factory=f, on_headphones=got.append)
    try:
        pin = f.pin(22)
        for _ in range(3):  # the plug going in: the contact chatters
            pin.drive_low()
            pin.drive_high()
        pin.drive_low()
        assert wait_for(lambda: got)
        time.sleep(0.15)
        assert got == [True]
        for _ in range(2):  # chatter that ends where it began reports nothing
            pin.drive_high()
            pin.drive_low()
        time.sleep(0.15)
        assert got == [True]
    finally:
        board.close()


def test_subset_of_keys_fitted() -> None:
    f = MockFactory()
    board = Board({"select": 13, "help": 16, "down": -1}, pin_factory=f)
    try:
        assert board.fitted_keys == ["select", "help"]
        board.call_lamp("blinking")  # no lamp fitted: a no-op, not an error
    finally:
        board.close()


@pytest.mark.parametrize("debounce", [0.51, -0.1, 2.0])
def test_debounce_over_half_a_second_rejected(debounce: float) -> None:
    with pytest.raises(BoardError, match="debounce"):
        Board({"up": 5}, debounce_s=debounce, pin_factory=MockFactory())


def test_half_second_debounce_allowed() -> None:
    Board({"up": 5}, debounce_s=0.5, pin_factory=MockFactory()).close()


def test_bad_pin_configs_are_clear_errors() -> None:
    with pytest.raises(BoardError, match="GPIO5 is used twice"):
        Board({"up": 5}, call_lamp_pin=5, pin_factory=MockFactory())
    with pytest.raises(BoardError, match="GPIO99"):
        Board({"up": 99}, pin_factory=MockFactory())


def test_callback_error_does_not_break_the_key(rig) -> None:
    calls: list = []

    def boom(name: str) -> None:
        calls.append(name)
        raise RuntimeError("ui bug")

    mk = sim_board({"up": 5}, debounce_s=0.0, on_key=boom)
    try:
        mk.tap("up")
        mk.tap("up")
        assert calls == ["up", "up"]
    finally:
        mk.board.close()


def test_callbacks_come_from_other_threads_on_hold(rig) -> None:
    mk, clock, got = rig
    threads: list = []
    mk.board.on_hold = lambda n: threads.append(threading.current_thread())
    mk.press("back")
    assert wait_for(lambda: threads)
    mk.release("back")
    assert threads[0] is not threading.main_thread()


def test_suggested_pins_are_distinct() -> None:
    assert len(set(SUGGESTED_WIRING.values())) == len(SUGGESTED_WIRING)


def test_the_board_reports_the_names_it_is_given() -> None:
    board = Board({"jump": 5, "up": 6}, pin_factory=MockFactory())
    try:
        assert board.fitted_keys == ["jump", "up"]  # the names are the caller's (the key table)
    finally:
        board.close()
