"""The journal tests' databases: generated readers and copies (kiosk.tools.synthetic)."""

from kiosk.tools.synthetic import book_barcode, reader_card, write_databases

TODAY_TEXT = "20261125"

__all__ = ["TODAY_TEXT", "book_barcode", "reader_card", "write_databases"]
