"""Choosing the gpiozero pin factory for this board.

RPi.GPIO works on a Pi 4 and earlier but not on a Pi 5 ("Cannot determine SOC peripheral
base address"); lgpio works on a Pi 5. Off a Pi the mock factory is used, so the same Keys
class runs on a laptop and in tests. RPi.GPIO and lgpio are imported only when their
factory is created, never at module import time.

Order: an explicit name (config `[hardware] pin_factory`, other than "auto"), then the
GPIOZERO_PIN_FACTORY environment variable, then the board model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MODEL_FILES = ("/proc/device-tree/model", "/sys/firmware/devicetree/base/model")
FACTORY_NAMES = ("rpigpio", "lgpio", "mock", "native", "pigpio")


def read_model(paths: Sequence[str] = MODEL_FILES) -> str:
    """The device-tree model string ("Raspberry Pi 5 Model B Rev 1.0"), or "" off a Pi."""
    for p in paths:
        try:
            return Path(p).read_bytes().rstrip(b"\x00\n").decode("utf-8", "replace")
        except OSError:
            continue
    return ""


def pi_generation(model: str) -> int | None:
    """4 for "Raspberry Pi 4 Model B" and "Raspberry Pi 400", 5 for Pi 5, 500 and CM5;
    0 for other Pis (Zero, Compute Module 3, ...); None when not a Raspberry Pi."""
    if "Raspberry Pi" not in model:
        return None
    m = re.search(r"Raspberry Pi (?:Compute Module )?(\d)", model)
    return int(m.group(1)) if m else 0


def choose_factory_name(
    override: str = "auto", env: Mapping[str, str] | None = None, model: str | None = None
) -> str:
    """"rpigpio", "lgpio", "mock" (or whatever name was asked for)."""
    override = (override or "auto").strip().lower()
    if override != "auto":
        return override
    env = os.environ if env is None else env
    if env.get("GPIOZERO_PIN_FACTORY"):
        return env["GPIOZERO_PIN_FACTORY"].strip().lower()
    generation = pi_generation(read_model() if model is None else model)
    if generation is None:
        return "mock"
    return "lgpio" if generation >= 5 else "rpigpio"


def make_factory(name: str) -> Any:
    """A gpiozero pin factory instance by name. Raises ValueError with the fix on failure."""
    name = name.strip().lower()
    try:
        if name == "mock":
            from gpiozero.pins.mock import MockFactory

            return MockFactory()
        if name == "rpigpio":
            from gpiozero.pins.rpigpio import RPiGPIOFactory

            return RPiGPIOFactory()
        if name == "lgpio":
            from gpiozero.pins.lgpio import LGPIOFactory

            return LGPIOFactory()
        if name == "native":
            from gpiozero.pins.native import NativeFactory

            return NativeFactory()
        if name == "pigpio":
            from gpiozero.pins.pigpio import PiGPIOFactory

            return PiGPIOFactory()
    except Exception as e:  # ImportError, RuntimeError off a Pi, lgpio without a gpiochip
        hint = {
            "rpigpio": "install python3-rpi.gpio (Pi 4 and earlier only; use lgpio on a Pi 5)",
            "lgpio": "install python3-lgpio / rpi-lgpio and add the user to the gpio group",
        }.get(name, "check the GPIO library is installed")
        raise ValueError(f"pin factory {name!r} could not start ({e}); {hint}") from e
    raise ValueError(f"unknown pin factory {name!r}; use one of {', '.join(FACTORY_NAMES)} or auto")


# struct gpiochip_info { char name[32]; char label[32]; __u32 lines; }
# GPIO_GET_CHIPINFO_IOCTL = _IOR(0xB4, 0x01, struct gpiochip_info)
_CHIPINFO_IOCTL = 0x8044B401


def chip_info(path: str) -> tuple[str, int] | None:
    """(label, number of lines) of a GPIO character device, via GPIO_GET_CHIPINFO_IOCTL."""
    import fcntl
    import struct

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        buf = fcntl.ioctl(fd, _CHIPINFO_IOCTL, bytes(68))
    except OSError:
        return None
    finally:
        os.close(fd)
    _name, label, lines = struct.unpack("32s32sI", buf)
    return label.split(b"\0", 1)[0].decode("ascii", "replace"), lines


def gpio_chips(dev_dir: str = "/dev") -> list[str]:
    """"gpiochip0 (pinctrl-bcm2711, 58 lines)" for each GPIO character device found."""
    chips = []
    for node in sorted(Path(dev_dir).glob("gpiochip*")):
        info = chip_info(str(node))
        if info is None:
            why = "no chip info" if os.access(node, os.R_OK) else "not readable: add the user to group gpio"
            chips.append(f"{node.name} ({why})")
        else:
            chips.append(f"{node.name} ({info[0]}, {info[1]} lines)")
    return chips
