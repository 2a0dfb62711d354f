"""The Kivy application: one window, one KioskRoot. Call kivy_setup.configure_kivy first.

The app draws what it is given (`show(view)`), reports taps and touches through the
callbacks, and hands window key events to an optional KeyboardDevices (desktop).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.core.window import Window

from kiosk.core.view import View
from kiosk.ui.fonts import register_fonts
from kiosk.ui.keymap import KeyboardDevices
from kiosk.ui.root import KioskRoot
from kiosk.ui.theme import Metrics


class KioskApp(App):
    title = "Kiosk"

    def __init__(self, metrics: Metrics, on_tap: Callable[[str], None],
                 on_activity: Callable[[], None] | None = None,
                 keyboard: KeyboardDevices | None = None,
                 on_started: Callable[[KioskApp], None] | None = None,
                 on_stopped: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self._on_tap = on_tap
        self._on_activity = on_activity
        self.keyboard = keyboard
        self._on_started = on_started
        self._on_stopped = on_stopped
        self.kiosk: KioskRoot | None = None
        self._first_view: View | None = None

    def build(self) -> KioskRoot:
        register_fonts()
        self.kiosk = KioskRoot(self.metrics, self._on_tap, self._on_activity)
        if self._first_view is not None:
            self.kiosk.render(self._first_view)
        Window.bind(on_key_down=self._key_down)
        return self.kiosk

    def show(self, view: View) -> None:
        if self.kiosk is None:
            self._first_view = view
        else:
            self.kiosk.render(view)

    def on_start(self) -> None:
        if self._on_started is not None:
            self._on_started(self)

    def on_stop(self) -> None:
        if self._on_stopped is not None:
            self._on_stopped()

    def _key_down(self, _window: Any, keycode: int, _scancode: int, text: str | None,
                  _modifiers: Any) -> bool:
        if self.keyboard is None:
            return False
        if self._on_activity is not None:
            self._on_activity()
        return self.keyboard.key_down(keycode, text)
