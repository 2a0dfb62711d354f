"""The GPIO board: buttons, switches and lamps on the Pi's header, through gpiozero.

    board = Board({"up": 5, "down": 6, "select": 13}, call_button_pin=17, call_lamp_pin=27,
                  on_key=..., on_hold=..., on_call=..., on_headphones=...)
    board.call_lamp("blinking")   # "off" | "blinking" | "steady"

Every pin is a BCM number; any subset may be fitted (a key without a pin simply is not
there). Buttons connect the pin to ground and use the Pi's internal pull-up. The keys'
names come from the caller (the kiosk's key table, kiosk.core.keys, through the config's
[hardware] key_pins): the board reports the names it was given.

Callbacks run on gpiozero's pin-event threads (with the mock factory, the thread that
drives the mock pin) and on the board's hold timers. The kiosk must post them to its UI thread, e.g. with
Kivy's Clock.schedule_once; they must not block.

Debounce is done here in software and is the same on every pin factory: after an accepted
press, another press of the same input within `debounce_s` (measured from the last press
or release edge) is ignored. This covers contact bounce and the accessibility "double-strike"
delay, adjustable from 0 to 0.5 s. Holding a key never repeats it: `on_key` fires once on
press and `on_hold` once after `hold_time_s`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from hardware.pinfactory import choose_factory_name, make_factory

log = logging.getLogger(__name__)

LAMP_STATES = ("off", "blinking", "steady")
MAX_DEBOUNCE_S = 0.5


class BoardError(ValueError):
    """A pin that cannot be used (taken twice, busy, not on the header) or a bad setting."""


class _Input:
    """One debounced button: press -> on_press(), held past hold_time_s -> on_hold() once.

    The pin is a gpiozero DigitalInputDevice, not a Button: a Button keeps a hold thread
    that wakes every 0.1 s for as long as it exists, which for a dozen keys was most of
    the kiosk's idle CPU. Here a hold is a one-shot timer started by the press."""

    def __init__(
        self,
        button: Any,
        debounce_s: float,
        clock: Callable[[], float],
        on_press: Callable[[], None],
        on_hold: Callable[[], None] | None,
        hold_time_s: float = 2.0,
    ) -> None:
        self.button = button
        self.debounce_s = debounce_s
        self.hold_time_s = hold_time_s
        self.clock = clock
        self._on_press = on_press
        self._on_hold = on_hold
        self._last_edge: float | None = None
        self._lock = threading.Lock()
        self._hold_timer: threading.Timer | None = None
        self._hold_seq = 0  # which press a firing timer belongs to
        button.when_activated = self._pressed
        button.when_deactivated = self._released

    def _pressed(self) -> None:
        now = self.clock()
        with self._lock:
            last, self._last_edge = self._last_edge, now
            self._start_hold()  # even for a bounced edge: the key is down from now on
            if last is not None and now - last < self.debounce_s:
                return
        _safe(self._on_press)

    def _released(self) -> None:
        with self._lock:
            self._last_edge = self.clock()
            self._cancel_hold()

    def _start_hold(self) -> None:
        if self._on_hold is None:
            return
        self._cancel_hold()
        self._hold_seq += 1
        timer = threading.Timer(self.hold_time_s, self._held, args=(self._hold_seq,))
        timer.daemon = True
        self._hold_timer = timer
        timer.start()

    def _cancel_hold(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None

    def _held(self, seq: int) -> None:
        with self._lock:
            if seq != self._hold_seq or self._hold_timer is None or not self.button.is_active:
                return  # released, pressed again or closed meanwhile
            self._hold_timer = None
        if self._on_hold is not None:
            _safe(self._on_hold)

    def close(self) -> None:
        with self._lock:
            self._cancel_hold()


def _safe(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:
        log.exception("key callback failed")


class Board:
    """The call button and its lamp, the tactile keys, the headphone-jack switch and the
    staff desk lamp (or buzzer). Same class for real pins and gpiozero's MockFactory.

    key_pins: key name -> BCM pin (-1 or None: not fitted); the names are the caller's.

    pin_factory: a gpiozero Factory instance, or a name ("auto", "mock", "rpigpio", "lgpio")
        chosen as in hardware.pinfactory.
    headphone_closed_means_inserted: the jack's switch contact closes (pin pulled to ground)
        when a plug is in; False for jacks whose contact opens on insertion.
    """

    def __init__(
        self,
        key_pins: Mapping[str, int] | None = None,
        *,
        call_button_pin: int | None = None,
        call_lamp_pin: int | None = None,
        headphone_pin: int | None = None,
        headphone_closed_means_inserted: bool = True,
        headphone_settle_s: float = 0.05,
        desk_lamp_pin: int | None = None,
        debounce_s: float = 0.05,
        hold_time_s: float = 2.0,
        blink_s: float = 0.5,
        pin_factory: Any = "auto",
        clock: Callable[[], float] = time.monotonic,
        on_key: Callable[[str], None] | None = None,
        on_hold: Callable[[str], None] | None = None,
        on_call: Callable[[], None] | None = None,
        on_headphones: Callable[[bool], None] | None = None,
    ) -> None:
        if not 0 <= debounce_s <= MAX_DEBOUNCE_S:
            raise BoardError(f"debounce_s = {debounce_s}: must be between 0 and {MAX_DEBOUNCE_S} s")
        if hold_time_s <= 0:
            raise BoardError(f"hold_time_s = {hold_time_s}: must be more than 0 s")
        key_pins = {k: v for k, v in (key_pins or {}).items() if v is not None and v >= 0}
        self._check_unique(key_pins, call_button_pin, call_lamp_pin, headphone_pin, desk_lamp_pin)

        if isinstance(pin_factory, str):
            self.factory_name = choose_factory_name(pin_factory)
            self.factory = make_factory(self.factory_name)
        else:
            self.factory = pin_factory
            self.factory_name = type(pin_factory).__name__
        self.on_key = on_key
        self.on_hold = on_hold
        self.on_call = on_call
        self.on_headphones = on_headphones
        self.blink_s = blink_s
        self._devices: list[Any] = []
        self.inputs: dict[str, _Input] = {}
        self._key_names = tuple(key_pins)
        self._lamp_states: dict[str, str] = {}
        self._hold_time_s = hold_time_s
        self._wire_buttons(key_pins, call_button_pin, debounce_s, clock)
        self._lamps = {}
        if _fitted(call_lamp_pin):
            self._lamps["call"] = self._lamp(call_lamp_pin, "call lamp")
        if _fitted(desk_lamp_pin):
            self._lamps["desk"] = self._lamp(desk_lamp_pin, "desk lamp")
        self._wire_jack(headphone_pin, headphone_closed_means_inserted, headphone_settle_s)

    def _wire_buttons(self, key_pins: Mapping[str, int], call_button_pin: int | None,
                      debounce_s: float, clock: Callable[[], float]) -> None:
        """The tactile keys (press and hold) and the staff-call button (press only)."""
        for name, pin in key_pins.items():
            self.inputs[name] = _Input(
                self._button(pin, f"key {name}"), debounce_s, clock,
                on_press=lambda n=name: self._fire(self.on_key, n),
                on_hold=lambda n=name: self._fire(self.on_hold, n), hold_time_s=self._hold_time_s,
            )
        if _fitted(call_button_pin):
            self.inputs["call"] = _Input(
                self._button(call_button_pin, "call button"), debounce_s, clock,
                on_press=lambda: self.on_call() if self.on_call else None,
                on_hold=None,
            )

    def _wire_jack(self, pin: int | None, closed_means_inserted: bool, settle_s: float) -> None:
        """The headphone jack's switch, reported once it has settled."""
        self._jack = None
        self._jack_inserted_when_active = closed_means_inserted
        self._jack_settle_s = settle_s
        self._jack_timer: threading.Timer | None = None
        self._jack_lock = threading.Lock()
        self._jack_reported: bool | None = None
        if _fitted(pin):
            self._jack = self._button(pin, "headphone switch")
            self._jack_reported = self.headphones_in
            self._jack.when_activated = self._jack_changed
            self._jack.when_deactivated = self._jack_changed

    def _button(self, pin: int, what: str) -> Any:
        from gpiozero import DigitalInputDevice

        return self._device(lambda: DigitalInputDevice(pin, pull_up=True, bounce_time=None,
                                                       pin_factory=self.factory), pin, what)

    def _lamp(self, pin: int, what: str) -> Any:
        from gpiozero import LED

        return self._device(lambda: LED(pin, pin_factory=self.factory), pin, what)

    def _device(self, make: Callable[[], Any], pin: int, what: str) -> Any:
        """One gpiozero device; on failure every device made so far is closed again."""
        try:
            dev = make()
        except Exception as e:
            self.close()
            raise BoardError(f"{what} on GPIO{pin}: {e}") from e
        self._devices.append(dev)
        return dev

    @staticmethod
    def _check_unique(key_pins: Mapping[str, int], *others: int | None) -> None:
        used: dict[int, str] = {}
        named = list(key_pins.items()) + [
            (what, pin) for what, pin in zip(
                ("call button", "call lamp", "headphone switch", "desk lamp"), others, strict=True
            ) if _fitted(pin)
        ]
        for what, pin in named:
            if pin in used:
                raise BoardError(f"GPIO{pin} is used twice ({used[pin]} and {what}); give each its own pin")
            used[pin] = what

    def _fire(self, cb: Callable[[str], None] | None, name: str) -> None:
        if cb is not None:
            cb(name)

    def _jack_changed(self) -> None:
        # A plug going in makes the contact chatter: report once the state has settled.
        if self._jack_settle_s <= 0:
            self._report_jack()
            return
        with self._jack_lock:
            if self._jack_timer is not None:
                self._jack_timer.cancel()
            self._jack_timer = threading.Timer(self._jack_settle_s, self._report_jack)
            self._jack_timer.daemon = True
            self._jack_timer.start()

    def _report_jack(self) -> None:
        inserted = self.headphones_in
        with self._jack_lock:
            if inserted == self._jack_reported:
                return
            self._jack_reported = inserted
        if self.on_headphones is not None:
            _safe(lambda: self.on_headphones(inserted))  # type: ignore[misc]

    @property
    def fitted_keys(self) -> list[str]:
        """The keys with a pin, in the order they were given."""
        return list(self._key_names)

    @property
    def headphones_in(self) -> bool:
        """Is a headphone plug in the jack now? False when no switch is fitted."""
        if self._jack is None:
            return False
        return bool(self._jack.is_active) == self._jack_inserted_when_active

    def call_lamp(self, state: str) -> None:
        """"off", "blinking" (call waiting) or "steady" (staff acknowledged)."""
        self._set_lamp("call", state)

    def desk_lamp(self, state: str, on_time: float | None = None, off_time: float | None = None) -> None:
        """The staff desk lamp or buzzer: "off", "blinking" (at on/off_time, else blink_s) or "steady"."""
        self._set_lamp("desk", state, on_time, off_time)

    def lamp_state(self, which: str) -> str:
        return self._lamp_states.get(which, "off")

    def _set_lamp(self, which: str, state: str, on_time: float | None = None, off_time: float | None = None) -> None:
        if state not in LAMP_STATES:
            raise BoardError(f"lamp state {state!r}; use one of {', '.join(LAMP_STATES)}")
        self._lamp_states[which] = state
        led = self._lamps.get(which)
        if led is None:
            return
        if state == "off":
            led.off()
        elif state == "steady":
            led.on()
        else:
            led.blink(on_time=on_time or self.blink_s, off_time=off_time or self.blink_s, background=True)

    def close(self) -> None:
        timer = getattr(self, "_jack_timer", None)
        if timer is not None:
            timer.cancel()
        for inp in self.inputs.values():
            inp.close()
        for dev in self._devices:
            try:
                dev.close()
            except Exception:
                pass
        self._devices.clear()


def _fitted(pin: int | None) -> bool:
    return pin is not None and pin >= 0
