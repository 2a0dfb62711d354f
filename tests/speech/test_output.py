"""Output sinks: the real aplay path (on ALSA's null device when there is no sound card),
the fallback to silence, and the device clock that bounds latency."""

import shutil
import threading
import time

import pytest

from kiosk.speech.output import AplaySink, NullSink, Pacer, RecordingSink, SinkError, open_sink
from kiosk.speech.pcm import RATE

needs_aplay = pytest.mark.skipif(shutil.which("aplay") is None,
                                 reason="aplay not installed (Debian package alsa-utils)")


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_pacer_never_lets_the_queue_run_more_than_lead_ahead(monkeypatch):
    clock = FakeClock()
    pacer = Pacer(lead_s=0.03, clock=clock)
    block = RATE // 100  # 10 ms
    slept = []
    monkeypatch.setattr("kiosk.speech.output.time.sleep",
                        lambda s: (slept.append(s), setattr(clock, "now", clock.now + s)))
    for _ in range(10):
        assert pacer.wait(block)
        assert pacer.queued_s() <= 0.04 + 1e-6  # lead + the block just counted
    # 100 ms of audio: the first 40 ms go at once (device dry), then one block per 10 ms
    assert abs(sum(slept) - 0.06) < 0.001
    clock.now += 1.0  # silence: the device runs dry, the next block goes at once
    slept.clear()
    assert pacer.wait(block) and slept == []


def test_pacer_wait_is_aborted_without_counting_the_block():
    pacer = Pacer(lead_s=0.0)
    pacer.wait(RATE)  # one second queued
    abort = threading.Event()
    threading.Timer(0.05, abort.set).start()
    assert pacer.wait(RATE // 100, abort) is False
    assert pacer.queued_s() < 1.0


def test_open_sink_null_and_auto_fallback():
    assert isinstance(open_sink("null", "default", "loudspeaker", 0.03), NullSink)
    sink = open_sink("auto", "no_such_alsa_device_xyz", "loudspeaker", 0.03)
    assert isinstance(sink, NullSink)
    assert sink.write(b"\0\0" * 100) is True


@needs_aplay
def test_alsa_output_that_cannot_open_raises_typed_error():
    with pytest.raises(SinkError) as e:
        open_sink("alsa", "no_such_alsa_device_xyz", "loudspeaker", 0.03)
    assert "no_such_alsa_device_xyz" in str(e.value)


@needs_aplay
def test_aplay_sink_plays_to_alsa_null_device_at_device_speed():
    sink = AplaySink("null", lead_s=0.03).open(probe_s=0.1)
    try:
        block = b"\x10\x00" * 220
        t0 = time.perf_counter()
        for _ in range(30):  # 300 ms of audio
            assert sink.write(block)
        elapsed = time.perf_counter() - t0
        assert elapsed > 0.2  # paced like a device, not dumped into the pipe
    finally:
        sink.close()


@needs_aplay
def test_aplay_sink_reports_a_dead_device():
    sink = AplaySink("null").open(probe_s=0.1)
    sink._proc.kill()
    sink._proc.wait()
    with pytest.raises(SinkError):
        sink.write(b"\0\0" * 220)
    sink.close()


def test_recording_sink_records_arrival_and_finds_audio():
    sink = RecordingSink(realtime=False)
    sink.write(b"\0\0" * 10)
    t = time.perf_counter()
    sink.write(b"\x01\x00" * 10)
    assert sink.wait_audio(timeout=0.1) >= t
    assert sink.pcm() == b"\0\0" * 10 + b"\x01\x00" * 10


@needs_aplay
def test_a_failed_sound_card_is_reopened_after_the_session(caplog):
    from kiosk.config import SpeechSection
    from kiosk.speech.speaker import Speaker

    sp = Speaker(SpeechSection(output="alsa", device="null"))
    try:
        assert sp.wait_ready()
        first = sp._loudspeaker
        assert isinstance(first, AplaySink)
        first._proc.kill()  # the USB sound card is pulled out
        first._proc.wait()
        sp.cue("move")
        assert sp.queue.wait_idle()
        assert isinstance(sp._loudspeaker, NullSink)  # silent, still running
        sp.handle_event({"event": "logout", "why": "user"})
        deadline = time.monotonic() + 5
        while not isinstance(sp._loudspeaker, AplaySink) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert isinstance(sp._loudspeaker, AplaySink) and sp._loudspeaker is not first
        sp.cue("move")
        assert sp.queue.wait_idle()
        assert isinstance(sp._loudspeaker, AplaySink)
    finally:
        sp.close()


def test_speaker_with_a_missing_sound_card_runs_silently(caplog):
    from kiosk.config import SpeechSection
    from kiosk.speech.speaker import Speaker

    sp = Speaker(SpeechSection(output="alsa", device="no_such_alsa_device_xyz"))
    try:
        assert sp.wait_ready()
        assert isinstance(sp._loudspeaker, NullSink)
        sp.handle_event({"event": "cue", "name": "success"})
        assert sp.queue.wait_idle()
        assert sum("no_such_alsa_device_xyz" in r.getMessage() for r in caplog.records) == 1
    finally:
        sp.close()
