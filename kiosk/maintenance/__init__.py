"""The staff maintenance screen: a staff card and a PIN open it; status and staff tools.

gate     staff cards, PIN hashes, wrong-PIN lockout; the staff tools; `kiosk maintenance-pin`
screen   the screen's state (keypad, tools, focus for the tactile keys), fed by kiosk.app.modes
"""

from kiosk.maintenance.gate import (
    PIN_ITERATIONS,
    RESTART_EXIT_CODE,
    ActionResult,
    GateResult,
    MaintenanceActions,
    MaintenanceGate,
    StatusLine,
    hash_pin,
    pin_main,
)
from kiosk.staff.users import is_password_hash as is_pin_hash

__all__ = [
    "PIN_ITERATIONS", "RESTART_EXIT_CODE", "ActionResult", "GateResult", "MaintenanceActions",
    "MaintenanceGate", "StatusLine", "hash_pin", "is_pin_hash", "pin_main",
]
