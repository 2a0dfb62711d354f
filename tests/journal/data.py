"""Small IRBIS databases made for the journal tests (plain-text exchange format)."""

from __future__ import annotations

import uuid
from pathlib import Path

TODAY_TEXT = "20261125"


def reader_card(i: int) -> str:
    return f"{700000 + i}"


def book_barcode(i: int) -> str:
    return f"{900000000 + i}"


def write_databases(folder: Path, readers: int, copies: int) -> dict[str, list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    rdr = []
    for i in range(readers):
        rdr.append(
            "\n".join(
                [
                    f"#2147483647: {uuid.UUID(int=i + 1)}",
                    f"#10: Тестов{i}",
                    f"#11: Оқырман{i}",
                    f"#30: {reader_card(i)}",
                    "#50: оқушы",
                    "#51: 20200110^CАБ",
                    "#52: 20260109^CАБ",
                ]
            )
        )
    ibis = []
    for i in range(copies):
        ibis.append(
            "\n".join(
                [
                    f"#2147483647: {uuid.UUID(int=10_000 + i)}",
                    f"#200: ^AКітап {i}^FАвтор",
                    "#700: ^AАвтор^BА.",
                    f"#903: 84(5Каз)/{i}",
                    f"#910: ^A0^B{50_000 + i}^H{book_barcode(i)}^DАБ^C20200101",
                ]
            )
        )
    paths = {"RDR": folder / "RDR.txt", "IBIS": folder / "IBIS.txt"}
    paths["RDR"].write_text("\n*****\n".join(rdr) + "\n*****\n", encoding="utf-8")
    paths["IBIS"].write_text("\n*****\n".join(ibis) + "\n*****\n", encoding="utf-8")
    return {db: [p] for db, p in paths.items()}
