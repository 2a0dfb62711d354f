"""The idle heap trim: after a patron leaves, at most once a minute, never while they are there."""

from types import SimpleNamespace

from kiosk.system.memory import HeapTrimmer, libc_trim


def screens(*names: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(screen=n) for n in names]


def test_trims_when_the_attract_screen_comes_back_at_most_once_per_interval():
    now = [0.0]
    calls: list[float] = []
    trimmer = HeapTrimmer(lambda: now[0], min_interval_s=60, trim=lambda: calls.append(now[0]))
    for view in screens("attract", "account", "account", "summary"):
        trimmer(view)
    assert calls == []  # never during a session, nor at start
    trimmer(SimpleNamespace(screen="attract"))
    assert calls == [0.0]
    trimmer(SimpleNamespace(screen="attract"))  # a repeated attract view is not a patron leaving
    now[0] = 30
    for view in screens("account", "attract"):
        trimmer(view)
    assert calls == [0.0]  # too soon
    now[0] = 61
    for view in screens("account", "attract"):
        trimmer(view)
    assert calls == [0.0, 61] and trimmer.trims == 2


def test_a_failing_trim_is_logged_and_the_kiosk_goes_on(caplog):
    def broken() -> None:
        raise OSError("no")

    trimmer = HeapTrimmer(lambda: 0.0, trim=broken)
    for view in screens("account", "attract"):
        trimmer(view)
    assert trimmer.trims == 0 and "malloc_trim failed" in caplog.text


def test_the_real_c_library_trim_runs_here():
    trim = libc_trim()
    assert trim is not None  # glibc on Debian and Raspberry Pi OS
    trimmer = HeapTrimmer(lambda: 0.0, trim=trim)
    for view in screens("account", "attract"):
        trimmer(view)
    assert trimmer.trims == 1
