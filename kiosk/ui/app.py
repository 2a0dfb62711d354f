"""The Kivy application: one window, one KioskRoot. Call kivy_setup.configure_kivy first.

The app draws what it is given (`show(view)`), reports taps and touches through the
callbacks and hands window key events to `on_key_down(keycode, text, modifiers)` (the
desktop's simulated devices). It keeps no patron data: the last View is all it has.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.core.window import Window

from kiosk.core.view import View
from kiosk.ui.fonts import register_fonts
from kiosk.ui.root import KioskRoot
from kiosk.ui.theme import Metrics

KeyHandler = Callable[[int, "str | None", Any], bool]
IDLE_AFTER_S = 3.0  # on attract / out of order with nothing changing for this long ...
IDLE_FPS = 8.0  # ... Kivy's loop wakes this often (a first touch waits <= 125 ms)
IDLE_SCREENS = ("attract", "out_of_order")
# Kivy runs a timed event early, without sleeping, once less than ~1.8 x clock_resolution
# is left before it; by default the resolution is a third of a frame, so on the
# interrupt clock every 0.25 s / 1 s event (countdown, attract hints, the kiosk tick)
# made the idle loop spin for 0.6 of a frame: ~7000 loop turns a second and 10 % of a
# core on the attract screen at 8 fps. While idle a millisecond lets the loop sleep; in
# use Kivy's default stays (with a fine resolution the frame after a change waited for
# the next timed event: scan -> screen 250 ms).
IDLE_CLOCK_RESOLUTION_S = 0.001
KIVY_DEFAULT_RESOLUTION = -1.0


class KioskApp(App):
    title = "Kiosk"
    use_kivy_settings = False  # kiosk mode: no Kivy settings panel, F1 opens nothing

    def open_settings(self, *_: Any) -> bool:
        return False  # Kivy's App opens its settings panel on F1 (or the menu key)

    def __init__(self, metrics: Metrics, on_tap: Callable[[str], None],
                 on_activity: Callable[[], None] | None = None,
                 on_key_down: KeyHandler | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self._on_tap = on_tap
        self._on_activity = on_activity
        self._on_key_down = on_key_down
        self.on_started: Callable[[KioskApp], None] | None = None
        self.on_stopped: Callable[[], None] | None = None
        self.kiosk: KioskRoot | None = None
        self._first_view: View | None = None
        self._fps = 0.0
        self._idle: Any = None

    def build(self) -> KioskRoot:
        register_fonts()
        self.kiosk = KioskRoot(self.metrics, self._on_tap, self._on_activity)
        self.kiosk.warm_up()
        if self._first_view is not None:
            self.kiosk.render(self._first_view)
        Window.bind(on_key_down=self._key_down)
        from kivy.clock import Clock

        # the one clock event of the UI's own: the loop slows down on an idle screen
        self._fps = float(getattr(Clock, "_max_fps", 0.0) or 0.0)
        self._idle = Clock.create_trigger(self._slow_down, IDLE_AFTER_S)
        self.kiosk.add_activity_listener(self.wake)
        self.wake()
        return self.kiosk

    def wake(self) -> None:
        """Back to the configured frame rate (a change, a touch, a key), and slow down
        again after IDLE_AFTER_S without one. With maxfps 0 (scripts) nothing is paced."""
        if self._idle is None or self._fps <= 0:
            return
        from kivy.clock import Clock

        Clock._max_fps = self._fps
        Clock.clock_resolution = KIVY_DEFAULT_RESOLUTION
        self._idle.cancel()
        self._idle()

    def _slow_down(self, *_: Any) -> None:
        from kivy.clock import Clock

        if self.kiosk is not None and self.kiosk.view.screen in IDLE_SCREENS:
            Clock._max_fps = min(self._fps, IDLE_FPS)
            Clock.clock_resolution = IDLE_CLOCK_RESOLUTION_S

    def show(self, view: View) -> None:
        if self.kiosk is None:
            self._first_view = view
        else:
            before = self.kiosk.view
            self.kiosk.render(view)
            if view != before:
                self.wake()

    def on_start(self) -> None:
        if self.on_started is not None:
            self.on_started(self)

    def on_stop(self) -> None:
        if self.on_stopped is not None:
            self.on_stopped()

    def _key_down(self, _window: Any, keycode: int, _scancode: int, text: str | None,
                  modifiers: Any) -> bool:
        self.wake()
        if self._on_key_down is None:
            return False
        return bool(self._on_key_down(keycode, text, modifiers))
