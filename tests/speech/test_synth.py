"""Real espeak-ng: speech in kk, ru and en, streamed; recorded prompts from a folder."""

import math
import shutil
from array import array

import pytest

from kiosk.speech.pcm import RATE, SAMPLE_BYTES, duration_s, read_wav, to_bytes, write_wav
from kiosk.speech.synth import EspeakSynth, PromptLibrary, SynthUnavailable

from .analysis import rms

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng not installed (Debian package espeak-ng)")

SENTENCES = {
    "kk": "Кітапты алу үшін штрих кодты қызыл жарыққа әкеліңіз.",
    "ru": "Чтобы взять книгу, поднесите штрихкод к красному свету.",
    "en": "To borrow a book, hold its barcode under the red light.",
}


@pytest.fixture
def synth():
    s = EspeakSynth(warm=False)
    yield s
    s.close()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_espeak_speaks_each_language(synth, lang):
    pcm = b"".join(synth.stream(SENTENCES[lang], lang))
    assert len(pcm) % SAMPLE_BYTES == 0
    assert 1.5 < duration_s(pcm) < 12  # a sentence, not a beep and not a spelled-out mess
    assert rms(pcm) > 500  # audible, not silence
    assert not pcm.startswith(b"RIFF")  # the WAV header is stripped


def test_kazakh_is_read_with_the_kazakh_voice_not_spelled(synth):
    # The same letters through the English voice would be spelled out letter by letter
    # ("Cyrillic letter ..."), far longer than the Kazakh reading.
    kk = duration_s(b"".join(synth.stream("Сәлеметсіз бе", "kk")))
    assert kk < 2.5


def test_speech_rate_changes_duration():
    slow, fast = EspeakSynth(rate_wpm=100, warm=False), EspeakSynth(rate_wpm=250, warm=False)
    d_slow = duration_s(b"".join(slow.stream(SENTENCES["ru"], "ru")))
    d_fast = duration_s(b"".join(fast.stream(SENTENCES["ru"], "ru")))
    assert d_fast < d_slow * 0.7


def test_audio_is_streamed_before_synthesis_ends(synth):
    # ~60 s of speech: far more than a pipe holds, so espeak-ng cannot have finished
    # when the first chunk is read unless the whole sentence had been buffered first.
    long_text = " ".join([SENTENCES["ru"]] * 12)
    stream = synth.stream(long_text, "ru")
    it = iter(stream)
    first = next(it)
    assert first
    assert stream.first_chunk_while_running is True
    stream.cancel()
    rest = b"".join(it)
    assert duration_s(first + rest) < 20  # cancel stopped it: not the whole minute


def test_cancel_kills_espeak(synth):
    stream = synth.stream(" ".join([SENTENCES["kk"]] * 10), "kk")
    it = iter(stream)
    next(it)
    stream.cancel()
    list(it)
    assert stream._proc.wait(timeout=2) is not None


def test_warm_processes_are_used_and_replaced():
    s = EspeakSynth(warm=True)
    try:
        s.prewarm(("kk",))
        warm_pid = s._warm["kk"].pid
        stream = s.stream(SENTENCES["kk"], "kk")
        assert stream.pid == warm_pid
        assert duration_s(b"".join(stream)) > 1.5
    finally:
        s.close()


def test_missing_espeak_raises_typed_error():
    s = EspeakSynth(binary="/nonexistent/espeak-ng", warm=False)
    assert not s.available()
    with pytest.raises(SynthUnavailable):
        s.stream("сәлем", "kk")


def _tone_wav(path, hz=700, seconds=0.3, rate=RATE, channels=1):
    n = int(rate * seconds)
    values = [int(8000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(n)]
    if channels == 2:
        values = [v for v in values for _ in range(2)]
    import wave
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(to_bytes(array("h", values)))


def test_prompt_library_finds_clips_per_language(tmp_path):
    (tmp_path / "kk").mkdir()
    _tone_wav(tmp_path / "kk" / "attract.start.wav")
    lib = PromptLibrary(tmp_path)
    clip = lib.clip("kk", "attract.start")
    assert clip is not None and abs(duration_s(clip) - 0.3) < 0.01
    assert lib.clip("ru", "attract.start") is None  # no Russian recording: synthesise
    assert lib.clip("kk", "other.message") is None
    assert lib.clip("kk", "../kk/attract.start") is None  # no paths out of the folder


def test_prompt_clips_are_converted_to_kiosk_format(tmp_path):
    (tmp_path / "ru").mkdir()
    _tone_wav(tmp_path / "ru" / "hello.wav", rate=44100, channels=2, seconds=0.5)
    clip = PromptLibrary(tmp_path).clip("ru", "hello")
    assert clip is not None and abs(duration_s(clip) - 0.5) < 0.01
    from .analysis import dominant_hz
    assert abs(dominant_hz(clip) - 700) < 15


def test_broken_clip_falls_back_to_synthesis(tmp_path, caplog):
    (tmp_path / "kk").mkdir()
    (tmp_path / "kk" / "broken.wav").write_bytes(b"not a wav at all")
    lib = PromptLibrary(tmp_path)
    assert lib.clip("kk", "broken") is None
    assert lib.clip("kk", "broken") is None
    assert sum("broken" in r.getMessage() for r in caplog.records) == 1  # logged once


def test_wav_roundtrip(tmp_path):
    pcm = to_bytes(array("h", [0, 1000, -1000, 32767, -32768]))
    write_wav(tmp_path / "x.wav", pcm)
    assert read_wav(tmp_path / "x.wav") == pcm


def test_stream_cancelled_before_reading_leaves_no_process(synth):
    stream = synth.stream(" ".join([SENTENCES["ru"]] * 10), "ru")
    stream.cancel()
    assert stream._proc.wait(timeout=2) is not None
    assert list(stream) == []
    assert stream._proc.stdout.closed


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_leading_silence_is_skipped(synth, lang):
    """espeak-ng begins with up to 45 ms of silence: pure delay before the patron hears
    anything, so the stream starts at the first sound."""
    from kiosk.speech.pcm import samples
    from kiosk.speech.synth import SILENCE_LEVEL

    first = next(iter(synth.stream(SENTENCES[lang], lang)))
    assert abs(samples(first)[0]) > SILENCE_LEVEL
