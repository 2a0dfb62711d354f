"""The journal tests' databases: generated readers and copies (kiosk.irbis.synthetic)."""

from kiosk.irbis.synthetic import book_barcode, reader_card, write_databases

TODAY_TEXT = "20261125"

__all__ = ["TODAY_TEXT", "book_barcode", "reader_card", "write_databases"]
