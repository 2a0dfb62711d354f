"""Device adapters (evdev scanners, the gpiozero board, the ESC/POS printer) and their
doubles with the same interfaces. Imports nothing from kiosk: names and pins come in."""
