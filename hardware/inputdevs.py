"""Finding scanners among the Linux input devices.

Selectors (config `[hardware] scanners`, one string per scanner, optional "<role>=" first,
role one of card, book, any):
    auto                              every keyboard-like device that is not a touchscreen
    /dev/input/by-id/usb-...-event-kbd that device node (or any /dev/input/eventN path)
    0c2e:0b61                         USB vendor:product in hex
    Honeywell                         anything else: a case-insensitive part of the name
A device with touch capabilities (ABS_MT_*, BTN_TOUCH) is never selected, even by name:
grabbing it would take the touchscreen away from the UI.

evdev is imported inside functions only, so this module loads on machines without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("card", "book", "any")
_VIDPID = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$")

EV_KEY, EV_REL, EV_ABS = 1, 2, 3
KEY_A, KEY_Z, KEY_1, KEY_0, KEY_ENTER = 30, 44, 2, 11, 28
BTN_TOUCH = 330
ABS_MT_FIRST, ABS_MT_LAST = 0x2F, 0x3D  # ABS_MT_SLOT .. ABS_MT_TOOL_Y


class SelectorError(ValueError):
    pass


@dataclass(frozen=True)
class ScannerSpec:
    role: str
    kind: str  # auto | path | usb | name
    value: str = ""
    vendor: int = 0
    product: int = 0

    @property
    def text(self) -> str:
        return f"{self.role}={self.value or self.kind}"


def parse_selector(text: str) -> ScannerSpec:
    """'book=0c2e:0b61' -> ScannerSpec(role='book', kind='usb', ...). Raises SelectorError."""
    raw = text.strip()
    role = "any"
    head, sep, rest = raw.partition("=")
    if sep and head.strip().lower() in ROLES:
        role, raw = head.strip().lower(), rest.strip()
    elif sep and "/" not in head and not _VIDPID.match(head):
        raise SelectorError(
            f"scanner {text!r}: unknown role {head!r}; use card=, book= or any= (or no role)"
        )
    if not raw:
        raise SelectorError(f"scanner {text!r}: empty selector; use auto, a path, VID:PID or a name")
    if raw.lower() == "auto":
        return ScannerSpec(role, "auto")
    if raw.startswith("/"):
        return ScannerSpec(role, "path", raw)
    m = _VIDPID.match(raw)
    if m:
        return ScannerSpec(role, "usb", raw.lower(), int(m.group(1), 16), int(m.group(2), 16))
    return ScannerSpec(role, "name", raw)


def is_touch(caps: Mapping[int, Sequence[int]]) -> bool:
    """Touchscreens and touchpads: multitouch axes or BTN_TOUCH."""
    abs_codes = [c[0] if isinstance(c, tuple) else c for c in caps.get(EV_ABS, [])]
    if any(ABS_MT_FIRST <= c <= ABS_MT_LAST for c in abs_codes):
        return True
    return BTN_TOUCH in caps.get(EV_KEY, [])


def is_keyboard_like(caps: Mapping[int, Sequence[int]]) -> bool:
    """Types letters, digits and Enter, and is neither a pointer nor a touch device."""
    keys = set(caps.get(EV_KEY, []))
    if is_touch(caps) or EV_ABS in caps or EV_REL in caps:
        return False
    has_letters = all(k in keys for k in (KEY_A, KEY_Z))
    has_digits = all(k in keys for k in (KEY_1, KEY_0))
    return has_letters and has_digits and KEY_ENTER in keys


@dataclass
class InputDeviceInfo:
    path: str  # /dev/input/eventN
    name: str
    vendor: int
    product: int
    by_id: list[str] = field(default_factory=list)
    keyboard_like: bool = False
    touch: bool = False

    @property
    def usb_id(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"

    def describe(self) -> str:
        where = self.by_id[0] if self.by_id else "(no /dev/input/by-id link)"
        return f"{self.name!r} {self.usb_id} {self.path} {where}"


def by_id_links(by_id_dir: str = "/dev/input/by-id") -> dict[str, list[str]]:
    """realpath of /dev/input/eventN -> its /dev/input/by-id links (sorted)."""
    links: dict[str, list[str]] = {}
    d = Path(by_id_dir)
    if not d.is_dir():
        return links
    for link in sorted(d.iterdir()):
        try:
            links.setdefault(os.path.realpath(link), []).append(str(link))
        except OSError:
            continue
    return links


def list_input_devices(input_dir: str = "/dev/input") -> list[InputDeviceInfo]:
    """Every readable event device, classified. [] when evdev or /dev/input is missing."""
    if not Path(input_dir).is_dir():
        return []
    try:
        import evdev
    except ImportError:
        return []
    links = by_id_links(os.path.join(input_dir, "by-id"))
    found: list[InputDeviceInfo] = []
    for path in evdev.list_devices(input_dir):
        try:
            dev = evdev.InputDevice(path)
        except OSError:
            continue
        try:
            caps = dev.capabilities(absinfo=False)
            found.append(
                InputDeviceInfo(
                    path=str(path),
                    name=dev.name,
                    vendor=dev.info.vendor,
                    product=dev.info.product,
                    by_id=links.get(os.path.realpath(path), []),
                    keyboard_like=is_keyboard_like(caps),
                    touch=is_touch(caps),
                )
            )
        finally:
            dev.close()
    return found


def matches(spec: ScannerSpec, dev: InputDeviceInfo) -> bool:
    """Does this selector name this device? Touch devices never match."""
    if dev.touch:
        return False
    if spec.kind == "auto":
        return dev.keyboard_like
    if spec.kind == "path":
        return os.path.realpath(spec.value) == os.path.realpath(dev.path) or spec.value in dev.by_id
    if spec.kind == "usb":
        return (dev.vendor, dev.product) == (spec.vendor, spec.product)
    return spec.value.lower() in dev.name.lower()


def assign(specs: Sequence[ScannerSpec], devices: Sequence[InputDeviceInfo]) -> dict[str, ScannerSpec]:
    """device path -> the spec that claims it. Explicit selectors claim first, `auto` takes
    the keyboard-like devices left over; each device goes to one spec only."""
    claimed: dict[str, ScannerSpec] = {}
    ordered = [s for s in specs if s.kind != "auto"] + [s for s in specs if s.kind == "auto"]
    for spec in ordered:
        for dev in devices:
            if dev.path not in claimed and matches(spec, dev):
                claimed[dev.path] = spec
    return claimed
