"""ESC/POS receipt printer over USB (python-escpos 3.1, pyusb), printing in the background.

    printer = ReceiptPrinter.usb(0x0416, 0x5011, timeout_s=10)
    printer.print_lines(["Абай кітапханасы", "Қайтару: 09.12.2026"], on_result)

`on_result(PrintResult)` is called exactly once, on a printer thread (post it to the UI
thread): ok=True, or ok=False with reason "no_printer" | "paper_out" | "timeout" | "error".
print_lines never blocks and never raises into the caller. Receipt text is printed as an
image (hardware/receipt.py explains why).
"""

from __future__ import annotations

import copy
import errno
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hardware.receipt import WIDTH_80MM, ReceiptRenderError, render_receipt

log = logging.getLogger(__name__)

REASONS = ("no_printer", "paper_out", "timeout", "error")


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    reason: str = ""  # "" when ok, else one of REASONS
    detail: str = ""  # for the log and hw-check; never shown to patrons


class PrinterUnavailable(Exception):
    """Raised by a connect function when no printer is there."""


def _usb_connect(vendor: int, product: int, in_ep: int, out_ep: int, timeout_ms: int) -> Callable[[], Any]:
    def connect() -> Any:
        from escpos.printer import Usb

        printer = Usb(vendor, product, timeout=timeout_ms, in_ep=in_ep, out_ep=out_ep)
        printer.open()  # raises DeviceNotFoundError when it is not plugged in
        return printer

    return connect


class ReceiptPrinter:
    """Prints receipts on whatever `connect()` returns (an escpos printer object).

    connect: opens the printer for one job; raise PrinterUnavailable or escpos's
        DeviceNotFoundError when it is not there. `ReceiptPrinter.usb(...)` builds the USB one.
    timeout_s: a job not finished by then is reported as "timeout" (the USB write may still
        be stuck; the next job waits for it, up to its own timeout).
    check_paper: ask the printer for its paper sensor first (DLE EOT 4, escpos paper_status);
        printers that do not answer are assumed to have paper.
    """

    def __init__(
        self,
        connect: Callable[[], Any],
        *,
        timeout_s: float = 10.0,
        width_px: int = WIDTH_80MM,
        font_path: str = "",
        font_size: int = 24,
        cut: bool = True,
        check_paper: bool = True,
    ) -> None:
        self.connect = connect
        self.timeout_s = timeout_s
        self.width_px = width_px
        self.font_path = font_path
        self.font_size = font_size
        self.cut = cut
        self.check_paper = check_paper
        self._busy = threading.Lock()

    @classmethod
    def usb(
        cls,
        vendor: int,
        product: int,
        *,
        in_ep: int = 0x82,
        out_ep: int = 0x01,
        timeout_s: float = 10.0,
        **kwargs: Any,
    ) -> ReceiptPrinter:
        usb_timeout_ms = max(100, int(timeout_s * 1000 * 0.8))  # below the job timeout
        return cls(_usb_connect(vendor, product, in_ep, out_ep, usb_timeout_ms), timeout_s=timeout_s, **kwargs)

    def print_lines(self, lines: Iterable[str], on_result: Callable[[PrintResult], None]) -> None:
        """Print in the background; on_result is called once with the outcome."""
        try:
            lines = [str(x) for x in lines]
        except Exception as e:  # a bad iterable is reported, not raised
            _call(on_result, PrintResult(False, "error", f"bad lines: {e}"))
            return
        once = threading.Lock()
        reported = [False]

        def report(result: PrintResult) -> None:
            with once:
                if reported[0]:
                    return
                reported[0] = True
            if not result.ok:
                log.warning("receipt not printed: %s (%s)", result.reason, result.detail)
            _call(on_result, result)

        def work() -> None:
            if not self._busy.acquire(timeout=self.timeout_s):
                report(PrintResult(False, "timeout", "previous job still running"))
                return
            try:
                result = self._print_now(lines)
            finally:
                self._busy.release()
            watchdog.cancel()
            report(result)

        watchdog = threading.Timer(self.timeout_s, lambda: report(PrintResult(False, "timeout", "job took too long")))
        watchdog.daemon = True
        worker = threading.Thread(target=work, name="receipt printer", daemon=True)
        worker.start()
        watchdog.start()

    def print_lines_wait(self, lines: Iterable[str]) -> PrintResult:
        """Same as print_lines, but waits for the result (scripts, hw-check, tests)."""
        done = threading.Event()
        box: list[PrintResult] = []

        def got(result: PrintResult) -> None:
            box.append(result)
            done.set()

        self.print_lines(lines, got)
        done.wait(self.timeout_s + 1)
        return box[0] if box else PrintResult(False, "timeout", "no result")

    def _print_now(self, lines: list[str]) -> PrintResult:
        try:
            image = render_receipt(lines, self.width_px, self.font_path, self.font_size)
        except (ReceiptRenderError, OSError) as e:
            return PrintResult(False, "error", str(e))
        try:
            printer = self.connect()
        except Exception as e:
            return _classify_connect_error(e)
        try:
            if self.check_paper and paper_status(printer) == 0:
                return PrintResult(False, "paper_out", "paper sensor reports no paper")
            _set_width(printer, self.width_px)
            printer.image(image, impl="bitImageRaster", center=False)
            if self.cut:
                printer.cut()
            return PrintResult(True)
        except Exception as e:
            result = _classify_write_error(e)
            if result.reason == "timeout" and self.check_paper and paper_status(printer) == 0:
                # Many printers stop taking data when the roll runs out mid-receipt.
                return PrintResult(False, "paper_out", "paper ran out while printing")
            return result
        finally:
            try:
                printer.close()
            except Exception:
                pass


def paper_status(printer: Any) -> int | None:
    """2 plenty, 1 near end, 0 out; None when the printer cannot tell."""
    try:
        return int(printer.paper_status())
    except Exception:
        return None


def _set_width(printer: Any, width_px: int) -> None:
    """Give this printer object a profile with the paper width (escpos prints a warning to
    stdout when the width is unknown). The copy keeps escpos's shared profile untouched."""
    try:
        data = copy.deepcopy(printer.profile.profile_data)
        data.setdefault("media", {}).setdefault("width", {})["pixels"] = width_px
        printer.profile.profile_data = data
    except Exception:
        pass


def _classify_connect_error(e: Exception) -> PrintResult:
    name = type(e).__name__
    if isinstance(e, PrinterUnavailable) or name in ("DeviceNotFoundError", "USBNotFoundError", "NoBackendError"):
        return PrintResult(False, "no_printer", f"{name}: {e}".splitlines()[0])
    return PrintResult(False, "error", f"{name}: {e}".splitlines()[0])


def _classify_write_error(e: Exception) -> PrintResult:
    name = type(e).__name__
    err = getattr(e, "errno", None) or getattr(e, "backend_error_code", None)
    if name == "USBTimeoutError" or isinstance(e, TimeoutError) or err == errno.ETIMEDOUT:
        return PrintResult(False, "timeout", f"{name}: {e}")
    if err in (errno.ENODEV, errno.EIO, errno.EPIPE) or name in ("DeviceNotFoundError", "USBNotFoundError"):
        return PrintResult(False, "no_printer", f"{name}: {e}")
    return PrintResult(False, "error", f"{name}: {e}")


def _call(on_result: Callable[[PrintResult], None], result: PrintResult) -> None:
    try:
        on_result(result)
    except Exception:
        log.exception("print on_result callback failed")


def find_usb_printer(vendor: int, product: int) -> bool | None:
    """Is a USB device with this vendor:product attached? None when pyusb/libusb is missing."""
    try:
        import usb.core

        return usb.core.find(idVendor=vendor, idProduct=product) is not None
    except Exception:
        return None


def parse_usb_id(text: str) -> tuple[int, int]:
    """"0416:5011" -> (0x0416, 0x5011). Raises ValueError with an example."""
    vendor, sep, product = text.strip().partition(":")
    try:
        if not sep:
            raise ValueError
        return int(vendor, 16), int(product, 16)
    except ValueError:
        raise ValueError(f"printer {text!r}: expected VENDOR:PRODUCT in hex, e.g. 0416:5011") from None
