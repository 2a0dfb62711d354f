"""Receipt printer: the ESC/POS bytes, Kazakh text as a raster image, failures as results."""

from __future__ import annotations

import threading

from hardware.printer import PrintResult, ReceiptPrinter
from hardware.receipt import render_receipt
from hardware.sim import FailingPrinter, MemoryPrinter

KAZAKH = ["Абай атындағы кітапхана", "Қайтару мерзімі: 09.12.2026", "ӘҒҚҢӨҰҮҺІ әғқңөұүһі"]
GS_V0 = b"\x1dv0"


def rasters(data: bytes) -> list[tuple[int, int, bytes]]:
    """(width_bytes, height, bits) of every GS v 0 image in an ESC/POS stream."""
    out = []
    i = data.find(GS_V0)
    while i >= 0:
        wb = data[i + 4] | data[i + 5] << 8
        h = data[i + 6] | data[i + 7] << 8
        bits = data[i + 8 : i + 8 + wb * h]
        out.append((wb, h, bits))
        i = data.find(GS_V0, i + 8 + wb * h)
    return out


def ink_rows(wb: int, h: int, bits: bytes) -> list[int]:
    return [y for y in range(h) if any(bits[y * wb : (y + 1) * wb])]


def test_kazakh_receipt_prints_as_raster_image_with_ink_on_text_lines() -> None:
    printer = MemoryPrinter(width_px=576, font_size=24)
    result = printer.print_lines_wait(KAZAKH)
    assert result == PrintResult(True)
    images = rasters(printer.output)
    assert len(images) == 1
    wb, h, bits = images[0]
    assert wb == 576 // 8 and len(bits) == wb * h
    rows = ink_rows(wb, h, bits)
    assert rows, "the receipt has ink"
    assert min(rows) >= 8 and max(rows) < h - 8 + 2, "margins stay blank"
    line_h = int(24 * 1.3)
    for n in range(len(KAZAKH)):  # every text line has ink in its own band
        band = range(8 + n * line_h, 8 + (n + 1) * line_h)
        assert any(y in band for y in rows), f"line {n} printed"
    assert b"\x1dV" in printer.output, "paper is cut"
    assert printer.jobs == [KAZAKH]
    # no text bytes: the Kazakh words never go to the printer's code page
    assert "Қайтару".encode("cp1251", "replace") not in printer.output


def test_image_is_the_rendered_receipt() -> None:
    printer = MemoryPrinter(width_px=384)
    assert printer.print_lines_wait(["Сәлем!"]).ok
    wb, h, bits = rasters(printer.output)[0]
    img = render_receipt(["Сәлем!"], width_px=384)
    assert (wb * 8, h) == img.size
    ink = sum(bin(b).count("1") for b in bits)
    black = sum(1 for p in img.getdata() if p == 0)
    assert ink == black > 0


def test_kazakh_letters_have_their_own_glyphs() -> None:
    def glyph(ch: str) -> bytes:
        return render_receipt([ch], width_px=128, font_size=32).tobytes()

    shapes = {ch: glyph(ch) for ch in "ҚҢҒӘӨҰҮҺІК?"}
    assert len(set(shapes.values())) == len(shapes), "each letter draws differently (no tofu boxes)"
    blank = render_receipt([""], width_px=128, font_size=32).tobytes()
    assert all(s != blank for s in shapes.values())


def test_long_lines_wrap_to_the_paper_width() -> None:
    one = render_receipt(["Абай"], width_px=384)
    long = render_receipt(["Абай атындағы облыстық балалар кітапханасы " * 3], width_px=384)
    assert long.size[0] == 384 and long.size[1] > 2 * one.size[1]


def results_of(printer: ReceiptPrinter, lines) -> tuple[list[PrintResult], threading.Event]:
    got: list[PrintResult] = []
    done = threading.Event()

    def on_result(r: PrintResult) -> None:
        got.append(r)
        done.set()

    printer.print_lines(lines, on_result)
    return got, done


def test_missing_printer_is_reported_not_raised() -> None:
    got, done = results_of(FailingPrinter("no_printer"), ["x"])
    assert done.wait(3)
    assert got[0].ok is False and got[0].reason == "no_printer"


def test_paper_out_is_reported_and_nothing_printed() -> None:
    printer = FailingPrinter("paper_out")
    result = printer.print_lines_wait(["x"])
    assert result.ok is False and result.reason == "paper_out"


def test_jammed_printer_times_out_without_blocking_the_caller() -> None:
    printer = FailingPrinter("timeout", timeout_s=0.5)
    try:
        got, done = results_of(printer, ["x"])
        assert not done.is_set(), "print_lines returned before the job finished"
        assert done.wait(3)
        assert got == [PrintResult(False, "timeout", "job took too long")]
        # the next job waits for the stuck one and times out too, still without raising
        assert printer.print_lines_wait(["y"]).reason == "timeout"
    finally:
        printer.release_jam.set()
    assert len(got) == 1, "on_result is called exactly once"


def test_real_usb_adapter_without_a_printer_reports_no_printer() -> None:
    printer = ReceiptPrinter.usb(0x0416, 0x5011, timeout_s=10)
    result = printer.print_lines_wait(["Сәлем"])
    assert result.ok is False and result.reason == "no_printer"


def test_bad_input_and_failing_callback_never_raise() -> None:
    got: list[PrintResult] = []
    MemoryPrinter().print_lines(None, got.append)  # type: ignore[arg-type]
    assert got and got[0].reason == "error"

    def boom(_r: PrintResult) -> None:
        raise RuntimeError("ui bug")

    printer = MemoryPrinter()
    printer.print_lines(["ok"], boom)
    assert printer.print_lines_wait(["still works"]).ok


def test_font_problems_are_clear(tmp_path) -> None:
    import pytest

    from hardware.receipt import ReceiptRenderError, find_font

    with pytest.raises(ReceiptRenderError, match="fonts-dejavu-core"):
        find_font("/nonexistent.ttf", candidates=())
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_text("not a font")
    result = MemoryPrinter(font_path=str(not_a_font)).print_lines_wait(["x"])
    assert result.ok is False and result.reason == "error"


def test_the_memory_printer_of_a_kiosk_on_its_defaults_keeps_only_its_last_receipts() -> None:
    """A receipt is a ~40 KB raster: a kiosk printing into memory for months must not keep all."""
    printer = MemoryPrinter(keep=3, width_px=576, font_size=24)
    for n in range(8):
        assert printer.print_lines_wait([f"№ {n}", *KAZAKH]).ok
    assert [job[0] for job in printer.jobs] == ["№ 5", "№ 6", "№ 7"]
    assert len(rasters(printer.output)) == 3  # the bytes of the dropped ones are gone too
