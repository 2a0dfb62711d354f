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

    def build(self) -> KioskRoot:
        register_fonts()
        self.kiosk = KioskRoot(self.metrics, self._on_tap, self._on_activity)
        self.kiosk.warm_up()
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
        if self.on_started is not None:
            self.on_started(self)

    def on_stop(self) -> None:
        if self.on_stopped is not None:
            self.on_stopped()

    def _key_down(self, _window: Any, keycode: int, _scancode: int, text: str | None,
                  modifiers: Any) -> bool:
        if self._on_key_down is None:
            return False
        return bool(self._on_key_down(keycode, text, modifiers))
