"""Generated IRBIS databases of any size (plain-text exchange files): readers with a
current re-registration and available copies. Used by the benchmarks and the fault tests,
where the hand-made demo data is too small."""

from __future__ import annotations

import uuid
from pathlib import Path


def reader_card(i: int) -> str:
    return f"{700000 + i}"


def book_barcode(i: int) -> str:
    return f"{900000000 + i}"


def _reader(i: int, year: int) -> str:
    return "\n".join(
        [
            f"#2147483647: {uuid.UUID(int=i + 1)}",
            f"#10: Тестов{i}",
            f"#11: Оқырман{i}",
            f"#30: {reader_card(i)}",
            "#50: оқушы",
            "#51: 20200110^CАБ",
            f"#52: {year}0109^CАБ",
        ]
    )


def _copy(i: int) -> str:
    return "\n".join(
        [
            f"#2147483647: {uuid.UUID(int=10_000_000 + i)}",
            f"#200: ^AКітап {i}^FАвтор",
            "#700: ^AАвтор^BА.",
            f"#903: 84(5Каз)/{i}",
            f"#910: ^A0^B{50_000 + i}^H{book_barcode(i)}^DАБ^C20200101",
        ]
    )


def write_databases(folder: Path, readers: int, copies: int, year: int = 2026) -> dict[str, list[Path]]:
    """Write RDR.txt and IBIS.txt into `folder`; returns {db: [file]} for start_server."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "RDR": [_reader(i, year) for i in range(readers)],
        "IBIS": [_copy(i) for i in range(copies)],
    }
    loads = {}
    for db, records in files.items():
        path = folder / f"{db}.txt"
        path.write_text("\n*****\n".join(records) + "\n*****\n", encoding="utf-8")
        loads[db] = [path]
    return loads
