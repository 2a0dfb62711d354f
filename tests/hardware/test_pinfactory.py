"""Pin factory choice per board, and the README wiring table against gpiozero's pin data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.pinfactory import choose_factory_name, make_factory, pi_generation, read_model
from kiosk.config import SUGGESTED_WIRING

PI4 = "Raspberry Pi 4 Model B Rev 1.5"
PI5 = "Raspberry Pi 5 Model B Rev 1.0"


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (PI4, "rpigpio"),
        ("Raspberry Pi 400 Rev 1.0", "rpigpio"),
        ("Raspberry Pi 3 Model B Plus Rev 1.3", "rpigpio"),
        ("Raspberry Pi Zero 2 W Rev 1.0", "rpigpio"),
        (PI5, "lgpio"),
        ("Raspberry Pi 500 Rev 1.0", "lgpio"),
        ("Raspberry Pi Compute Module 5 Rev 1.0", "lgpio"),
        ("", "mock"),
        ("Generic x86 PC", "mock"),
    ],
)
def test_factory_follows_the_board(model: str, expected: str) -> None:
    assert choose_factory_name("auto", env={}, model=model) == expected


def test_config_then_environment_override_the_board() -> None:
    assert choose_factory_name("auto", env={"GPIOZERO_PIN_FACTORY": "lgpio"}, model=PI4) == "lgpio"
    assert choose_factory_name("mock", env={"GPIOZERO_PIN_FACTORY": "lgpio"}, model=PI5) == "mock"


def test_model_file_read_with_trailing_nul(tmp_path) -> None:
    f = tmp_path / "model"
    f.write_bytes(PI5.encode() + b"\x00")
    assert read_model([str(tmp_path / "missing"), str(f)]) == PI5
    assert pi_generation(read_model([str(f)])) == 5
    assert read_model([str(tmp_path / "missing")]) == ""


def test_real_gpio_libraries_not_imported_by_our_modules() -> None:
    import hardware.board  # noqa: F401
    import hardware.pinfactory  # noqa: F401
    import hardware.sim  # noqa: F401

    assert "RPi.GPIO" not in sys.modules and "RPi" not in sys.modules
    assert "lgpio" not in sys.modules


def test_unusable_factory_is_a_clear_error_off_a_pi() -> None:
    with pytest.raises(ValueError, match="pin factory 'rpigpio' could not start"):
        make_factory("rpigpio")
    with pytest.raises(ValueError, match="unknown pin factory"):
        make_factory("banana")
    assert type(make_factory("mock")).__name__ == "MockFactory"


def readme_rows() -> dict[str, tuple[int, int]]:
    text = (Path(__file__).parents[2] / "hardware" / "README.md").read_text(encoding="utf-8")
    rows = {}
    for m in re.finditer(r"^\| `(\w+)` \|[^|]*\| GPIO(\d+) \| (\d+) \|", text, re.MULTILINE):
        rows[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return rows


@pytest.mark.parametrize("revision", ["c03111", "c04170"])  # Pi 4 B, Pi 5 B
def test_readme_wiring_table_matches_the_header(revision: str) -> None:
    rows = readme_rows()
    assert set(rows) == set(SUGGESTED_WIRING)
    board = MockFactory(revision=revision).board_info
    for name, (bcm, physical) in rows.items():
        assert SUGGESTED_WIRING[name] == bcm, name
        [(_header, info)] = list(board.find_pin(f"GPIO{bcm}"))
        assert info.number == physical, f"{name}: GPIO{bcm} is physical pin {info.number}"


def test_gpio_chip_listing_without_chips_and_with_a_non_chip(tmp_path) -> None:
    from hardware.pinfactory import gpio_chips

    assert gpio_chips(str(tmp_path)) == []
    (tmp_path / "gpiochip0").write_text("")
    assert gpio_chips(str(tmp_path)) == ["gpiochip0 (no chip info)"]
