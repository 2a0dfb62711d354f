"""Colours and sizes. Two themes (normal, high contrast); every text/background pair has a
contrast ratio of at least 4.5:1 and the focus outline at least 3:1 (WCAG 1.4.3 / 1.4.11),
checked by tests with `contrast_ratio`. Sizes are in millimetres of the configured panel."""

from __future__ import annotations

import math
from dataclasses import dataclass

RGB = tuple[float, float, float]


def hex_rgb(code: str) -> RGB:
    code = code.lstrip("#")
    return (int(code[0:2], 16) / 255, int(code[2:4], 16) / 255, int(code[4:6], 16) / 255)


def relative_luminance(rgb: RGB) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Theme:
    name: str
    background: RGB
    text: RGB
    panel: RGB  # cards: loans list, notices
    panel_text: RGB
    primary: RGB  # main action buttons (finish, done, receipt_yes)
    primary_text: RGB
    secondary: RGB  # other buttons
    secondary_text: RGB
    edge: RGB  # button and panel borders (>= 3:1 against background)
    focus: RGB  # focus outline (>= 3:1 against background and the buttons)
    danger: RGB  # refusals / overdue: always with an icon and words, never alone
    danger_text: RGB
    success: RGB
    success_text: RGB
    accent: RGB  # icon details (sun of the flag, bell)

    def text_pairs(self) -> dict[str, tuple[RGB, RGB]]:
        return {
            "text": (self.text, self.background),
            "panel": (self.panel_text, self.panel),
            "primary": (self.primary_text, self.primary),
            "secondary": (self.secondary_text, self.secondary),
            "danger": (self.danger_text, self.danger),
            "success": (self.success_text, self.success),
            "overdue_on_panel": (self.danger, self.panel),
        }

    def focus_pairs(self) -> dict[str, tuple[RGB, RGB]]:
        return {
            "focus_background": (self.focus, self.background),
            "focus_panel": (self.focus, self.panel),
            "edge_background": (self.edge, self.background),
        }


NORMAL = Theme(
    name="normal",
    background=hex_rgb("#FFF8E8"),
    text=hex_rgb("#1B2440"),
    panel=hex_rgb("#FFFFFF"),
    panel_text=hex_rgb("#1B2440"),
    primary=hex_rgb("#17643A"),
    primary_text=hex_rgb("#FFFFFF"),
    secondary=hex_rgb("#1F4C94"),
    secondary_text=hex_rgb("#FFFFFF"),
    edge=hex_rgb("#4A5568"),
    focus=hex_rgb("#C2410C"),
    danger=hex_rgb("#A61B1B"),
    danger_text=hex_rgb("#FFFFFF"),
    success=hex_rgb("#17643A"),
    success_text=hex_rgb("#FFFFFF"),
    accent=hex_rgb("#F5C518"),
)

CONTRAST = Theme(
    name="contrast",
    background=hex_rgb("#000000"),
    text=hex_rgb("#FFFFFF"),
    panel=hex_rgb("#000000"),
    panel_text=hex_rgb("#FFFF00"),
    primary=hex_rgb("#000000"),
    primary_text=hex_rgb("#FFFF00"),
    secondary=hex_rgb("#000000"),
    secondary_text=hex_rgb("#FFFFFF"),
    edge=hex_rgb("#FFFFFF"),
    focus=hex_rgb("#00FFFF"),
    danger=hex_rgb("#FF8080"),
    danger_text=hex_rgb("#000000"),
    success=hex_rgb("#80FF80"),
    success_text=hex_rgb("#000000"),
    accent=hex_rgb("#FFFF00"),
)


def theme_for(contrast: bool) -> Theme:
    return CONTRAST if contrast else NORMAL


@dataclass(frozen=True)
class Metrics:
    """Millimetres -> pixels for the configured panel (not the desktop window)."""

    px_per_mm: float
    min_target_mm: float = 12.0
    bottom_margin_mm: float = 18.0

    @classmethod
    def for_panel(
        cls,
        width_px: int,
        height_px: int,
        diagonal_in: float,
        min_target_mm: float = 12.0,
        bottom_margin_mm: float = 18.0,
    ) -> Metrics:
        diagonal_mm = diagonal_in * 25.4
        return cls(math.hypot(width_px, height_px) / diagonal_mm, min_target_mm, bottom_margin_mm)

    def mm(self, value: float) -> float:
        return value * self.px_per_mm

    @property
    def min_target_px(self) -> float:
        return self.mm(self.min_target_mm)

    @property
    def bottom_margin_px(self) -> float:
        return self.mm(self.bottom_margin_mm)
