"""systemd/99-kiosk.rules: every line is well-formed udev syntax, and evaluated against
the properties real devices have, scanners and receipt printers get group access and
their stable names while other USB devices are left alone.

udevadm cannot load a rules file from a temporary folder without a real device, so the
rules are evaluated here by a small interpreter of the udev match/assign subset they use
(==, !=, =, +=, GOTO/LABEL, shell globs with |, $env{...} and %n)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "systemd" / "99-kiosk.rules"
TOKEN = re.compile(r'\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$)')
MATCH_KEYS = {"ACTION", "SUBSYSTEM", "KERNEL", "ENV", "ATTR", "ATTRS", "DRIVERS", "SUBSYSTEMS"}
ASSIGN_KEYS = {"GROUP", "MODE", "OWNER", "SYMLINK", "ENV", "GOTO", "LABEL", "TAG", "RUN"}


def parse(text: str) -> list[list[tuple[str, str | None, str, str]]]:
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens, pos = [], 0
        while pos < len(line):
            m = TOKEN.match(line, pos)
            assert m, f"99-kiosk.rules:{n}: cannot parse at {line[pos:]!r}"
            key, attr, op, value, _ = m.groups()
            is_match = op in ("==", "!=")
            assert key in (MATCH_KEYS if is_match else ASSIGN_KEYS), f"line {n}: {key}{op}"
            tokens.append((key, attr, op, value))
            pos = m.end()
        rules.append(tokens)
    return rules


@dataclass
class Device:
    subsystem: str
    kernel: str
    env: dict[str, str] = field(default_factory=dict)
    attr: dict[str, str] = field(default_factory=dict)
    parents_attrs: list[dict[str, str]] = field(default_factory=list)
    action: str = "add"
    # results
    group: str = "root"
    mode: str = "0600"
    symlinks: list[str] = field(default_factory=list)


def glob(pattern: str, value: str | None) -> bool:
    if value is None:
        return False
    return any(fnmatch.fnmatchcase(value, alt) for alt in pattern.split("|"))


def substitute(value: str, dev: Device) -> str:
    value = re.sub(r"\$env\{([^}]*)\}", lambda m: dev.env.get(m.group(1), ""), value)
    number = re.search(r"(\d+)$", dev.kernel)
    return value.replace("%n", number.group(1) if number else "").replace("%k", dev.kernel)


def lookup(dev: Device, key: str, attr: str | None) -> list[str | None]:
    if key == "ACTION":
        return [dev.action]
    if key == "SUBSYSTEM":
        return [dev.subsystem]
    if key == "KERNEL":
        return [dev.kernel]
    if key == "ENV":
        return [dev.env.get(attr or "")]
    if key == "ATTR":
        return [dev.attr.get(attr or "")]
    if key == "ATTRS":  # the device or any parent
        return [a.get(attr or "") for a in [dev.attr, *dev.parents_attrs]]
    raise AssertionError(key)


def apply_rules(dev: Device) -> Device:
    rules = parse(RULES.read_text())
    labels = {r[0][3]: i for i, r in enumerate(rules) if r[0][0] == "LABEL"}
    i = 0
    while i < len(rules):
        tokens = rules[i]
        i += 1
        matched = True
        for key, attr, op, value in tokens:
            if op not in ("==", "!="):
                continue
            hit = any(glob(value, v) for v in lookup(dev, key, attr))
            if (op == "==") != hit:
                matched = False
                break
        if not matched:
            continue
        for key, attr, op, value in tokens:
            if op in ("==", "!="):
                continue
            if key == "GOTO":
                i = labels[value]
            elif key == "GROUP":
                dev.group = value
            elif key == "MODE":
                dev.mode = value
            elif key == "SYMLINK":
                dev.symlinks += substitute(value, dev).split()
            elif key == "ENV":
                dev.env[attr or ""] = substitute(value, dev)
    return dev


def scanner(vendor: str, **env: str) -> Device:
    base = {"ID_INPUT": "1", "ID_INPUT_KEY": "1", "ID_INPUT_KEYBOARD": "1",
            "ID_PATH_TAG": "platform-fd500000_pcie-pci-0000_01_00_0-usb-0_1_2_1_0"}
    base.update(env)
    return Device("input", "event5", env=base, parents_attrs=[{}, {"idVendor": vendor}])


def usb(vendor: str, interfaces: str) -> Device:
    return Device(
        "usb", "1-1.3",
        env={"DEVTYPE": "usb_device", "ID_USB_INTERFACES": interfaces},
        attr={"idVendor": vendor},
    )


def test_every_line_is_valid_syntax_and_every_goto_has_its_label():
    rules = parse(RULES.read_text())
    labels = {r[0][3] for r in rules if r[0][0] == "LABEL"}
    gotos = {t[3] for r in rules for t in r if t[0] == "GOTO"}
    assert gotos <= labels and len(rules) > 10


@pytest.mark.parametrize("vendor", ["05e0", "0c2e", "05f9", "1eab"])
def test_known_scanners_get_input_group_and_a_stable_name(vendor: str):
    dev = apply_rules(scanner(vendor))
    assert (dev.group, dev.mode) == ("input", "0660")
    assert dev.env["ID_KIOSK_SCANNER"] == "1"
    assert dev.symlinks == ["input/kiosk-scanner-platform-fd500000_pcie-pci-0000_01_00_0-usb-0_1_2_1_0"]


def test_scanner_without_a_port_path_still_gets_a_name():
    dev = apply_rules(scanner("0c2e", ID_PATH_TAG=""))
    assert dev.symlinks == ["input/kiosk-scanner-5"]


def test_a_plain_keyboard_or_mouse_is_left_alone():
    keyboard = apply_rules(scanner("046d"))  # Logitech
    assert keyboard.symlinks == [] and "ID_KIOSK_SCANNER" not in keyboard.env
    mouse = apply_rules(scanner("0c2e", ID_INPUT_KEY="0"))  # a scanner's non-key node
    assert mouse.symlinks == []


def test_removal_events_change_nothing():
    dev = scanner("05e0")
    dev.action = "remove"
    assert apply_rules(dev).symlinks == []


@pytest.mark.parametrize("vendor", ["04b8", "0519"])
def test_printer_vendors_get_lp_group_and_the_printer_name(vendor: str):
    dev = apply_rules(usb(vendor, ":ff0000:"))  # vendor-specific interface (Epson TM)
    assert (dev.group, dev.mode) == ("lp", "0660")
    assert dev.symlinks == ["usb/kiosk-printer"] and dev.env["ID_KIOSK_PRINTER"] == "1"


@pytest.mark.parametrize("vendor", ["0416", "1fc9", "28e9", "0fe6"])
def test_chip_vendors_only_when_the_device_is_a_printer(vendor: str):
    printer = apply_rules(usb(vendor, ":070102:"))
    assert printer.group == "lp" and printer.symlinks == ["usb/kiosk-printer"]
    other = apply_rules(usb(vendor, ":030101:"))  # a keyboard built on the same chip
    assert other.group == "root" and other.symlinks == []


def test_an_unknown_usb_device_is_left_alone():
    dev = apply_rules(usb("0781", ":080650:"))  # a USB stick
    assert dev.group == "root" and dev.symlinks == []
