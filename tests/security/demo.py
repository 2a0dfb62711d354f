"""What the demo readers database holds that must never reach a log: every reader's
names and card number (read from kiosk/irbis/demo/RDR.txt, not typed in by hand)."""

from __future__ import annotations

from pathlib import Path

from kiosk.irbis.plaintext import load_file

DEMO_RDR = Path(__file__).resolve().parents[2] / "kiosk" / "irbis" / "demo" / "RDR.txt"


def demo_readers() -> tuple[set[str], set[str]]:
    """(card numbers, name parts) of every demo reader."""
    cards, names = set(), set()
    for rec in load_file(str(DEMO_RDR)):
        cards.add(rec.fm(30))
        for tag in (10, 11, 12):
            for f in rec.all(tag):
                if len(f.text()) >= 3:  # long enough not to match inside ordinary words
                    names.add(f.text())
    return cards - {""}, names


def leaks(text: str, needles: set[str]) -> list[str]:
    return sorted(n for n in needles if n in text)
