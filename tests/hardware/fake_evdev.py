"""A stand-in for the `evdev` module at the device edge, for machines without /dev/uinput.

Devices live in a FakeBus; each has a real pipe so select() works as on a device node.
Unplugging makes reads fail with ENODEV, as the kernel does.
"""

from __future__ import annotations

import errno
import os
import threading
from collections import deque
from pathlib import Path
from types import SimpleNamespace

from evdev import InputEvent

KEYBOARD_CAPS = {0: [0, 1, 3, 4], 1: list(range(1, 120)), 4: [4]}
TOUCH_CAPS = {0: [0, 1, 3], 1: [330], 3: [0, 1, 47, 53, 54, 57]}
MOUSE_CAPS = {0: [0, 1, 2], 1: [272, 273, 274], 2: [0, 1, 8]}


class FakeDeviceState:
    def __init__(self, path: str, name: str, vendor: int, product: int, caps: dict) -> None:
        self.path, self.name, self.vendor, self.product, self.caps = path, name, vendor, product, caps
        self.r, self.w = os.pipe()
        os.set_blocking(self.r, False)
        self.queue: deque = deque()
        self.present = True
        self.grabbed_by: object | None = None
        self.fail_opens = 0  # the next N opens fail with EACCES (udev not done yet)
        self.lock = threading.Lock()

    def send(self, events) -> None:
        with self.lock:
            for i, (t, c, v) in enumerate(events):
                self.queue.append(InputEvent(1700000000, i, t, c, v))
        os.write(self.w, b"e")

    def unplug(self) -> None:
        self.present = False
        os.write(self.w, b"x")


class FakeBus:
    def __init__(self, input_dir: Path) -> None:
        self.dir = input_dir
        self.devices: dict[str, FakeDeviceState] = {}
        self._n = 0

    def plug(self, name: str, vendor: int = 0x0C2E, product: int = 0x0B61, caps=None) -> FakeDeviceState:
        path = str(self.dir / f"event{self._n}")
        self._n += 1
        Path(path).write_text("")
        state = FakeDeviceState(path, name, vendor, product, caps or KEYBOARD_CAPS)
        self.devices[path] = state
        return state

    def unplug(self, state: FakeDeviceState) -> None:
        state.unplug()
        Path(state.path).unlink()
        del self.devices[state.path]

    # --- the evdev API used by hardware.inputdevs and hardware.scanner ---
    def list_devices(self, input_dir="/dev/input"):
        return sorted(self.devices)

    def InputDevice(self, path):  # noqa: N802 (evdev's name)
        state = self.devices.get(str(path))
        if state is None or not state.present:
            raise OSError(errno.ENOENT, "No such file or directory")
        if state.fail_opens > 0:
            state.fail_opens -= 1
            raise PermissionError(errno.EACCES, "Permission denied")
        return FakeInputDevice(state)


class FakeInputDevice:
    def __init__(self, state: FakeDeviceState) -> None:
        self.state = state
        self.path = state.path
        self.name = state.name
        self.info = SimpleNamespace(vendor=state.vendor, product=state.product)
        self.closed = False

    def fileno(self) -> int:
        return self.state.r

    def capabilities(self, verbose=False, absinfo=True):
        return self.state.caps

    def grab(self) -> None:
        if self.state.grabbed_by is not None:
            raise OSError(errno.EBUSY, "Device or resource busy")
        self.state.grabbed_by = self

    def active_keys(self, verbose=False):
        return []

    def read(self):
        if not self.state.present:
            raise OSError(errno.ENODEV, "No such device")
        try:
            os.read(self.state.r, 4096)
        except BlockingIOError:
            pass
        with self.state.lock:
            events = list(self.state.queue)
            self.state.queue.clear()
        if not events:
            raise BlockingIOError
        return iter(events)

    def close(self) -> None:
        if not self.closed and self.state.grabbed_by is self:
            self.state.grabbed_by = None
        self.closed = True
