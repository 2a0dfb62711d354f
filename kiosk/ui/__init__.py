"""The touchscreen: Kivy widgets that draw the session's View and send taps back.

    kivy_setup.configure_kivy(cfg.ui)      before the first Kivy window import
    app.KioskApp(metrics, on_tap, ...)     one window, one root.KioskRoot; show(view) draws
    root.KioskRoot.render(view)            top bar, content, actions, notice, warning
    screens                                what each screen shows (pure functions of a View)
    widgets / icons                        buttons with pictures, drawn with canvas shapes
    theme                                  two themes (contrast >= 4.5:1), mm -> px
    fonts                                  DejaVu Sans for Kazakh letters; glyph checks
    texts                                  message ids -> words (ui.po + core messages)
    maintenance                            the staff screen: PIN keypad, status, tools

The UI keeps no patron data: the last View is all it holds, and logout is an empty View.
Every tappable widget has a stable `tap_id` and is drawn only when the View's focus list
offers it, so a tap always reaches the session. Scans never pass through a text field.
"""
