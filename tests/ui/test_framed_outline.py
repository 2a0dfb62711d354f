"""The rounded outline a panel's edge band and fill are made from: inside its box,
touching every side, and with the same points per corner whatever the radius, so the
band between the outer and the inner outline pairs up point by point (no crack between
the edge and the fill)."""

from __future__ import annotations

import math

from kiosk.ui.widgets import CORNER_STEPS, rounded_outline


def test_the_outline_stays_in_its_box_and_touches_every_side() -> None:
    points = rounded_outline(10, 20, 300, 80, 16)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert math.isclose(min(xs), 10) and math.isclose(max(xs), 310)
    assert math.isclose(min(ys), 20) and math.isclose(max(ys), 100)
    # the corners are cut: no point sits in the very corner of the box
    assert all(math.hypot(x - 10, y - 20) > 4 for x, y in points)


def test_outer_and_inner_outlines_pair_up_even_when_the_inner_radius_is_gone() -> None:
    outer = rounded_outline(0, 0, 200, 60, 3)
    inner = rounded_outline(4, 4, 192, 52, -1)  # an edge wider than the radius
    assert len(outer) == len(inner) == 4 * (CORNER_STEPS + 1)
    # the inner box is square-cornered: its corner points all coincide
    assert len({(round(x, 6), round(y, 6)) for x, y in inner}) == 4


def test_a_radius_larger_than_the_box_makes_a_capsule_not_a_loop() -> None:
    points = rounded_outline(0, 0, 100, 20, 50)
    assert all(0 - 1e-9 <= x <= 100 + 1e-9 and -1e-9 <= y <= 20 + 1e-9 for x, y in points)
