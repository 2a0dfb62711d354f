"""Reader age bands from RDR field 21 (birth date), with bounds from [stats] age_bands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

DEFAULT_BOUNDS = (7, 11, 15)  # a children's library: pre-school, grades 1-4, 5-9, 15 and over


def band_labels(bounds: Sequence[int] = DEFAULT_BOUNDS) -> list[str]:
    """["0-6", "7-10", "11-14", "15+"] for the default bounds."""
    labels, low = [], 0
    for high in bounds:
        labels.append(f"{low}-{high - 1}")
        low = high
    labels.append(f"{low}+")
    return labels


def age_on(birth: str, today: date) -> int | None:
    """Whole years on `today` for a birth date written YYYYMMDD (or only YYYY); None when
    the field is empty or not a date."""
    text = (birth or "").strip()
    if len(text) < 4 or not text[:4].isdigit():
        return None
    year = int(text[:4])
    month_day = (int(text[4:6]), int(text[6:8])) if len(text) >= 8 and text[:8].isdigit() else (1, 1)
    age = today.year - year - ((today.month, today.day) < month_day)
    return age if 0 <= age < 130 else None


def age_band(birth: str, today: date, bounds: Sequence[int] = DEFAULT_BOUNDS) -> str:
    """The band label of the reader's age, "" when the birth date is unknown."""
    age = age_on(birth, today)
    if age is None:
        return ""
    labels = band_labels(bounds)
    for label, high in zip(labels, bounds, strict=False):
        if age < high:
            return label
    return labels[-1]
