"""The GPIO wiring hardware/README.md suggests, from the one key table (kiosk.core.keys).

Names are those of the README's wiring table and of hardware.sim.sim_board: the tactile
keys by their names, the call button, the headphone-jack switch and the two lamps. It
wires the simulated board (`kiosk run` off the Pi, `kiosk script`); a real kiosk uses
the pins of its [hardware] section.
"""

from __future__ import annotations

from kiosk.core.keys import BINDINGS

# hardware/'s names of the two bindings that are not tactile keys
DEVICE_NAMES: dict[str, str] = {"call": "call_button", "headphones": "headphone_switch"}
# the outputs (no binding: nobody presses a lamp); BCM numbers
LAMP_PINS: dict[str, int] = {"call_lamp": 27, "desk_lamp": 4}

SUGGESTED_WIRING: dict[str, int] = {
    **{DEVICE_NAMES.get(b.name, b.name): b.pin for b in BINDINGS},
    **LAMP_PINS,
}
