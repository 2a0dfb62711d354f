"""Barcode scanners over python-evdev: one reader thread per device, hotplug, roles.

    from hardware.scanner import decode_events, Scanners
    scanners = Scanners(["card=0c2e:0b61", "book=auto"], on_code=..., on_dropped=...)
    scanners.start()   # ... scanners.stop()

`on_code(code, role)` and `on_dropped(role)` are called on reader threads: the kiosk must
post them to its UI thread (Kivy: Clock.schedule_once). Codes are never logged.

evdev is imported inside the thread code only; `decode_events` and `Decoder` need nothing.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hardware.decoder import Decoder, Dropped, decode_events
from hardware.inputdevs import (
    ScannerSpec,
    assign,
    is_touch,
    list_input_devices,
    parse_selector,
)

__all__ = ["Decoder", "Dropped", "ScannerReader", "ScannerStatus", "Scanners", "decode_events",
           "parse_selector"]

log = logging.getLogger(__name__)

SETTLE_S = 5.0  # keep looking this long after /dev/input changed

OnCode = Callable[[str, str], None]
OnDropped = Callable[[str], None]


@dataclass(frozen=True)
class ScannerStatus:
    """What one reader thread sees (for the health table): the device is open, grabbed
    (no other program gets its keys) and when it last sent an event (time.time(), or None)."""

    path: str
    role: str
    present: bool
    grabbed: bool
    last_event_at: float | None
    error: str | None = None


class ScannerReader:
    """Reads one input device in its own thread: grabs it, decodes, calls back.

    on_code(code) for each completed code; on_dropped() when the kernel dropped events
    (SYN_DROPPED) in the middle of a code: ask the patron to scan again. on_gone() when the
    device went away (unplugged); the thread then ends.
    """

    def __init__(
        self,
        path: str,
        on_code: Callable[[str], None],
        on_dropped: Callable[[], None] | None = None,
        *,
        decoder: Decoder | None = None,
        on_gone: Callable[[], None] | None = None,
        grab: bool = True,
    ) -> None:
        self.path = path
        self.on_code = on_code
        self.on_dropped = on_dropped
        self.on_gone = on_gone
        self.decoder = decoder or Decoder()
        self.grab = grab
        self.name = ""
        self.error: str | None = None
        self.grabbed = False  # the reader holds the device exclusively
        self.last_event_at: float | None = None  # wall time of the last event read
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name=f"scanner {path}", daemon=True)
        self.ready = threading.Event()  # set once the device is open and grabbed (or failed)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> ScannerReader:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def _run(self) -> None:
        import evdev

        try:
            dev = evdev.InputDevice(self.path)
        except OSError as e:
            self.error = f"cannot open {self.path}: {e.strerror}"
            self.ready.set()
            self._gone()
            return
        try:
            self.name = dev.name
            if is_touch(dev.capabilities(absinfo=False)):
                self.error = f"{self.path} is a touch device; not grabbing it"
                self.ready.set()
                return
            if self.grab:
                try:
                    dev.grab()
                    self.grabbed = True
                except OSError as e:
                    # Another program holds it; read anyway so scans still work.
                    log.warning("scanner %s: grab failed (%s)", self.path, e.strerror)
            self.ready.set()
            self._loop(dev)
        except OSError as e:
            if not self._stop.is_set():
                log.info("scanner %s gone: %s", self.path, e.strerror)
        finally:
            try:
                dev.close()  # also releases the grab
            except OSError:
                pass
        if not self._stop.is_set():
            self._gone()

    def _loop(self, dev: object) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([dev, self._wake_r], [], [], 1.0)
            if self._wake_r in ready or self._stop.is_set():
                return
            if not ready:
                continue
            try:
                events = list(dev.read())  # type: ignore[attr-defined]
            except BlockingIOError:
                continue
            if events:
                self.last_event_at = time.time()
            for event in events:
                self._handle(dev, self.decoder.feed(event))

    def _handle(self, dev: object, out: str | Dropped | None) -> None:
        if out is None:
            return
        try:
            if isinstance(out, Dropped):
                if out.reason == "syn_dropped":
                    try:
                        self.decoder.resync(dev.active_keys())  # type: ignore[attr-defined]
                    except OSError:
                        pass
                    log.warning("scanner %s: kernel dropped events; code discarded", self.path)
                else:
                    log.info("scanner %s: code over the maximum length discarded", self.path)
                if self.on_dropped is not None:
                    self.on_dropped()
            else:
                self.on_code(out)
        except Exception:
            log.exception("scanner %s: callback failed", self.path)

    def _gone(self) -> None:
        if self.on_gone is not None:
            try:
                self.on_gone()
            except Exception:
                log.exception("scanner %s: on_gone failed", self.path)


class Scanners:
    """Every configured scanner, kept attached across unplug and replug.

    selectors: config strings (hardware.inputdevs), e.g. ["auto"] or
        ["card=/dev/input/by-id/usb-X-event-kbd", "book=0c2e:0b61"].
    on_code(code, role), on_dropped(role): see the module docstring (reader threads).
    A watcher thread looks for devices every `rescan_s` seconds (when /dev/input changed or a
    reader ended), or at once on a udev event when pyudev is installed: a replugged scanner is
    back within about a second.
    """

    def __init__(
        self,
        selectors: Sequence[str],
        on_code: OnCode,
        on_dropped: OnDropped | None = None,
        *,
        inter_key_timeout: float | None = 0.1,
        max_length: int | None = 64,
        prefix: str = "",
        suffix: str = "",
        input_dir: str = "/dev/input",
        rescan_s: float = 0.5,
        grab: bool = True,
    ) -> None:
        self.specs: list[ScannerSpec] = [parse_selector(s) for s in selectors]
        self.on_code = on_code
        self.on_dropped = on_dropped
        self._decoder_args = (inter_key_timeout, max_length, prefix, suffix)
        self.input_dir = input_dir
        self.rescan_s = rescan_s
        self.grab = grab
        self.readers: dict[str, tuple[ScannerReader, ScannerSpec]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._kick = threading.Event()
        self._thread: threading.Thread | None = None
        self._monitor: object | None = None
        self._failed: set[str] = set()

    def start(self) -> Scanners:
        if self._thread is None and self.specs:
            self._start_udev_monitor()
            self._thread = threading.Thread(target=self._watch, name="scanner hotplug", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._kick.set()
        if self._monitor is not None:
            try:
                self._monitor.stop()  # type: ignore[attr-defined]
            except Exception:
                pass
        if self._thread is not None:
            self._thread.join(3)
        with self._lock:
            readers = list(self.readers.values())
            self.readers.clear()
        for reader, _ in readers:
            reader.stop()

    def attached(self) -> dict[str, str]:
        """device path -> role, for the scanners being read now."""
        with self._lock:
            return {p: spec.role for p, (r, spec) in self.readers.items() if r.alive}

    def status(self) -> list[ScannerStatus]:
        """One line per configured device being read now (empty: none attached)."""
        with self._lock:
            readers = [(p, r, spec) for p, (r, spec) in self.readers.items()]
        return [ScannerStatus(p, spec.role, r.alive and r.ready.is_set() and r.error is None,
                              r.grabbed, r.last_event_at, r.error) for p, r, spec in readers]

    def wait_attached(self, count: int = 1, timeout: float = 3.0) -> bool:
        """Block until `count` scanners are attached and grabbed (tests, start-up checks)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                ready = [r for r, _ in self.readers.values() if r.alive and r.ready.is_set()]
            if len(ready) >= count:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def _start_udev_monitor(self) -> None:
        try:
            import pyudev
        except ImportError:
            return
        try:
            context = pyudev.Context()
            monitor = pyudev.Monitor.from_netlink(context)
            monitor.filter_by("input")
            observer = pyudev.MonitorObserver(monitor, callback=lambda _d: self._kick.set())
            observer.start()
            self._monitor = observer
        except Exception as e:  # no udev (containers): the periodic rescan still works
            log.info("no udev monitor (%s); rescanning every %.1f s", e, self.rescan_s)

    def _listing(self) -> tuple[str, ...]:
        try:
            return tuple(sorted(n for n in os.listdir(self.input_dir) if n.startswith("event")))
        except OSError:
            return ()

    def _watch(self) -> None:
        last: tuple[str, ...] | None = None
        # udev sets a new node's group a moment after it appears, so a first open can fail:
        # keep rescanning for a few seconds after every change.
        settle_until = 0.0
        while not self._stop.is_set():
            listing = self._listing()
            now = time.monotonic()
            with self._lock:
                dead = [p for p, (r, _) in self.readers.items() if not r.alive]
                for p in dead:
                    reader, _ = self.readers.pop(p)
                    reader.stop(0)
                    if reader.error and p not in self._failed:
                        log.warning("scanner %s: %s", p, reader.error)
                    if reader.error:
                        self._failed.add(p)
            if listing != last:
                self._failed.clear()
                settle_until = now + SETTLE_S
            if listing != last or dead or self._kick.is_set() or now < settle_until:
                self._kick.clear()
                last = listing
                try:
                    self._rescan(retry_failed=now < settle_until)
                except Exception:
                    log.exception("scanner rescan failed")
            self._kick.wait(self.rescan_s)

    def _rescan(self, retry_failed: bool = False) -> None:
        devices = list_input_devices(self.input_dir)
        claims = assign(self.specs, devices)
        names = {d.path: d for d in devices}
        for path, spec in claims.items():
            with self._lock:
                skip_failed = path in self._failed and not retry_failed
                if path in self.readers or skip_failed or self._stop.is_set():
                    continue
                reader = ScannerReader(
                    path,
                    on_code=lambda code, role=spec.role: self.on_code(code, role),
                    on_dropped=self._dropped_cb(spec.role),
                    decoder=Decoder(*self._decoder_args),
                    on_gone=self._kick.set,
                    grab=self.grab,
                )
                self.readers[path] = (reader, spec)
            log.info("scanner attached: role=%s %s", spec.role, names[path].describe())
            reader.start()

    def _dropped_cb(self, role: str) -> Callable[[], None] | None:
        if self.on_dropped is None:
            return None
        on_dropped = self.on_dropped
        return lambda: on_dropped(role)
