"""`kiosk hw-check [--config FILE]`: what devices are here, and is anything configured missing.

Prints human-readable lines, one section per device kind (what is on this machine), then
the health table (kiosk.system.health: the same checks the maintenance screen and the staff
console's heartbeat show) over what was found. Exit 0 when everything the config
names is present (also on a machine with no devices and the default config: nothing is
named, so nothing is missing); exit 1 when a configured scanner, GPIO pin set, printer or
gateway is not there, or the config is invalid. Never a traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hardware.scanner import ScannerStatus
from kiosk.config import (
    Config,
    ConfigError,
    HardwareSection,
    fill_section,
    load_config,
    section_problems,
)
from kiosk.system.health import Parts, check_health, printer_problem
from kiosk.system.probe import probe_gateway


class Report:
    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.missing: list[str] = []
        self.found: list[str] = []

    def line(self, text: str = "") -> None:
        self.out(text)

    def item(self, text: str) -> None:
        self.out(f"  {text}")

    def miss(self, what: str, text: str) -> None:
        self.missing.append(what)
        label = "CONFIG PROBLEM" if what == "config" else "MISSING"
        self.out(f"  {label}: {text}")


def check_scanners(hw: HardwareSection, rep: Report,
                   input_dir: str = "/dev/input") -> list[ScannerStatus] | None:
    """Lists the input devices; returns what the health table reads: one status per
    scanner found or named, or None when nothing is named or found (only "auto")."""
    from hardware.inputdevs import (
        SelectorError,
        assign,
        list_input_devices,
        matches,
        parse_selector,
    )

    rep.line("Scanners (evdev keyboard-wedge):")
    specs = []
    for text in hw.scanners:
        try:
            specs.append(parse_selector(text))
        except SelectorError as e:
            rep.miss("scanner", str(e))
    if not Path(input_dir).is_dir():
        rep.item(f"no input devices on this machine ({input_dir} does not exist)")
        devices = []
    else:
        devices = list_input_devices(input_dir)
        if not devices:
            rep.item(f"no readable input devices in {input_dir} (is the user in group 'input'?)")
    claims = assign(specs, devices)
    statuses: list[ScannerStatus] = []
    for dev in devices:
        if dev.touch:
            rep.item(f"touch device (never grabbed): {dev.describe()}")
        elif dev.path in claims:
            rep.item(f"scanner, role {claims[dev.path].role}: {dev.describe()}")
            rep.found.append("scanner")
            statuses.append(ScannerStatus(dev.path, claims[dev.path].role, True, False, None))
        elif dev.keyboard_like:
            rep.item(f"keyboard-like, not selected: {dev.describe()}")
    for spec in specs:
        if spec.kind == "auto":
            if not any(claims.get(d.path) is spec for d in devices):
                rep.item(f"{spec.text}: no keyboard-like device found (not an error for 'auto')")
        elif not any(matches(spec, d) for d in devices):
            statuses.append(ScannerStatus(spec.text, spec.role, False, False, None,
                                          "is configured but not connected"))
    if not specs:
        rep.item("no scanners configured ([hardware] scanners = [])")
    return statuses or None


def _physical_pin(bcm: int) -> str:
    try:
        from gpiozero.pins.mock import MockFactory

        for _header, info in MockFactory(revision="c03111").board_info.find_pin(f"GPIO{bcm}"):
            return f"pin {info.number}"
    except Exception:
        pass
    return "pin ?"


def check_gpio(hw: HardwareSection, rep: Report, dev_dir: str = "/dev") -> None:
    from hardware.pinfactory import choose_factory_name, gpio_chips, make_factory, read_model

    rep.line("GPIO (gpiozero):")
    model = read_model()
    rep.item(f"board: {model or 'not a Raspberry Pi'}")
    chips = gpio_chips(dev_dir)
    rep.item("GPIO chips: " + (", ".join(chips) if chips else "none (no /dev/gpiochip*)"))
    name = choose_factory_name(hw.pin_factory)
    source = "config" if hw.pin_factory not in ("", "auto") else (
        "GPIOZERO_PIN_FACTORY" if os.environ.get("GPIOZERO_PIN_FACTORY") else "board model")
    rep.item(f"pin factory: {name} (chosen by {source})")
    pins = {f"key {k}": v for k, v in hw.key_pins.items() if v >= 0}
    for what, pin in (("call button", hw.call_button_pin), ("call lamp", hw.call_lamp_pin),
                      ("headphone switch", hw.headphone_pin), ("desk lamp", hw.desk_lamp_pin)):
        if pin >= 0:
            pins[what] = pin
    if not pins:
        rep.item("no pins configured (no call button, keys, lamps or headphone switch)")
        return
    for what, pin in pins.items():
        rep.item(f"{what}: GPIO{pin} ({_physical_pin(pin)})")
    if name == "mock":
        if hw.pin_factory.strip().lower() == "mock":
            rep.item("mock pins by request: nothing physical is read")
        else:
            rep.miss("gpio", f"{len(pins)} pins configured but this machine has no Raspberry Pi GPIO")
        return
    try:
        factory = make_factory(name)
        try:
            factory.close()
        except Exception:
            pass
        rep.item(f"pin factory {name} started")
        rep.found.append("gpio")
    except ValueError as e:
        rep.miss("gpio", str(e))


def check_printer(hw: HardwareSection, rep: Report) -> Callable[[], str | None] | None:
    """Lists USB printers; returns the health table's printer check (None: not configured)."""
    rep.line("Receipt printer (ESC/POS over USB):")
    if not hw.printer:
        rep.item('not configured ([hardware] printer = "" : receipts are not offered)')
        for line in _usb_printers():
            rep.item(f"USB printer present: {line} (set [hardware] printer to use it)")
        return None
    problem = printer_problem(hw.printer)
    if problem is None:
        rep.item(f"{hw.printer} found")
        rep.found.append("printer")
    return lambda: problem


def _usb_printers() -> list[str]:
    """USB devices with a printer-class interface (class 7), as VVVV:PPPP."""
    try:
        import usb.core

        def is_printer(dev: Any) -> bool:
            return any(i.bInterfaceClass == 7 for cfg in dev for i in cfg)

        return [f"{d.idVendor:04x}:{d.idProduct:04x}" for d in usb.core.find(find_all=True, custom_match=is_printer)]
    except Exception:
        return []


def sound_cards() -> list[str]:
    """Sound card names from `aplay -l`, else /proc/asound/cards."""
    try:
        out = subprocess.run(["aplay", "-l"], capture_output=True, text=True, timeout=5).stdout
        cards = [m.group(1).strip() for m in re.finditer(r"^card \d+: (.*)$", out, re.MULTILINE)]
        if cards:
            return cards
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        text = Path("/proc/asound/cards").read_text()
    except OSError:
        return []
    return [m.group(1).strip() for m in re.finditer(r"^\s*\d+ \[[^\]]*\]: (.*)$", text, re.MULTILINE)]


def check_sound(rep: Report) -> None:
    rep.line("Sound:")
    cards = sound_cards()
    for card in cards:
        rep.item(f"sound card: {card}")
    if cards:
        rep.found.append("sound")
    else:
        rep.item("no sound card found (speech will be silent; headphones need a card)")


def check_gateway(cfg: Config, rep: Report, timeout: float = 2.0) -> str | None:
    """Probes the gateway (kiosk.system.probe, as the running kiosk does); returns what the
    health table reads (None: it answers)."""
    rep.line("Gateway (IRBIS64):")
    if not cfg.gateway.url.strip():
        rep.item("embedded (no [gateway] url: `kiosk run` starts the built-in server with demo data)")
        return None
    answer = probe_gateway(cfg.gateway.url, timeout, cfg.gateway.ca_file)
    if answer.problem is None:
        rep.item(answer.detail)
    return answer.problem


def run_checks(cfg: Config, out: Callable[[str], None] = print,
               config_problems: Sequence[str] = ()) -> int:
    rep = Report(out)
    rep.line(f"kiosk hw-check (config: {cfg.source})")
    for problem in [*config_problems, *map(str, section_problems(cfg.hardware))]:
        rep.miss("config", problem)
    parts = Parts(gateway=lambda: None, gateway_url=cfg.gateway.url, scanners_grab=False)

    def scanners() -> None:
        found = check_scanners(cfg.hardware, rep)
        parts.scanners = (lambda: found) if found is not None else None

    def printer() -> None:
        parts.printer = check_printer(cfg.hardware, rep)

    def gateway() -> None:
        problem = check_gateway(cfg, rep)
        parts.gateway = lambda: problem

    checks: list[tuple[str, Callable[[], None]]] = [
        ("scanners", scanners), ("GPIO", lambda: check_gpio(cfg.hardware, rep)),
        ("printer", printer), ("sound", lambda: check_sound(rep)), ("gateway", gateway)]
    for name, check in checks:
        try:
            check()
        except Exception as e:  # a broken check is reported, never a traceback
            rep.miss(name, f"{name} check failed: {type(e).__name__}: {e}")
    _health(parts, rep)
    return _result(rep)


def _health(parts: Parts, rep: Report) -> None:
    """The health table over what the sections found (sound, disk, journal and staff
    are the running kiosk's: here they are "off")."""
    rep.line("Health (as the maintenance screen and the staff console show it):")
    for finding in check_health(parts):
        if finding.ok:
            rep.item(f"{finding.name}: {finding.state} ({finding.detail})")
        else:
            rep.miss(finding.name, finding.detail)


def _result(rep: Report) -> int:
    rep.line("")
    if rep.missing:
        rep.line(f"RESULT: missing or broken: {', '.join(dict.fromkeys(rep.missing))} (exit 1)")
        return 1
    if not rep.found:
        rep.line("RESULT: OK. No scanner, GPIO, printer or sound card found on this machine, and none "
                 "is configured, so nothing is missing (the kiosk runs with simulated hardware).")
    else:
        rep.line(f"RESULT: OK. Found: {', '.join(dict.fromkeys(rep.found))}; nothing configured is missing.")
    return 0


def _lenient_config(path: str) -> Config | None:
    """The config with every key that has the right type, skipping the semantic checks
    (a missing password file must not stop a hardware check). None if unreadable."""
    from dataclasses import is_dataclass

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    cfg = Config(source=path)
    for name, values in data.items():
        section = getattr(cfg, name, None)
        if is_dataclass(section) and isinstance(values, dict):
            for key, value in values.items():
                try:
                    fill_section(section, {key: value}, name)
                except ConfigError:
                    pass  # already reported; the default stays
    return cfg


def main(args: Any) -> int:
    path = getattr(args, "config", None)
    try:
        cfg = load_config(path)
    except ConfigError as e:
        print(f"kiosk hw-check: {e}", file=sys.stderr)
        lenient = _lenient_config(path) if path else None
        if lenient is None:
            return 1
        problems = getattr(e, "problems", None) or [str(e)]
        return max(1, run_checks(lenient, config_problems=problems))
    return run_checks(cfg)
