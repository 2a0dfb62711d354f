"""Latency measurements of the audio path, for `kiosk bench` (never asserted in tests).

All times are from the call into the Speaker (as the session or the app makes it) to the
moment a block of samples is handed to the device:

    cue_latency          cue event -> first cue sample at the sink          goal <= 30 ms
    interrupt_latency    interrupt() -> last sample of the old speech        goal <= 50 ms
    first_speech_latency say event (10 words) -> first speech sample         goal <= 150 ms
        (mixed=True: a Kazakh sentence with a Russian title, one SSML utterance, two voices)

`device="recording"` uses the RecordingSink (a device clock, no sound card); `device="null"`
goes through the real AplaySink and an aplay process writing to ALSA's null device, so it
includes the pipe and aplay. Audio already handed over still plays for up to `lead` (the
configured buffer_ms); results report that bound as well.

    python -m kiosk.tools.bench.speech [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from kiosk.config import SpeechSection
from kiosk.speech.output import AplaySink, RecordingSink, Sink
from kiosk.speech.speaker import Speaker
from kiosk.tools.stats import percentile

SENTENCES_10 = {
    "kk": "Кітапты алу үшін оның штрих кодын қызыл жарықтың астына әкеліңіз.",
    "ru": "Чтобы взять книгу, поднесите её штрихкод под красный свет сканера.",
    "en": "To borrow a book, please hold its barcode under the red light.",
}
# 10 words: the Kazakh sentence, the Russian title in its own voice (issue 17)
MIXED_10 = [("kk", "Сіз алған кітап "), ("ru", "Носов Николай Приключения Незнайки и его друзей"),
            ("kk", " екі апта")]
LONG = {
    "kk": " ".join([SENTENCES_10["kk"]] * 4),
    "ru": " ".join([SENTENCES_10["ru"]] * 4),
    "en": " ".join([SENTENCES_10["en"]] * 4),
}


class TimedSink:
    """Wraps a real sink and records when each block has been handed over."""

    def __init__(self, inner: Sink) -> None:
        self.inner = inner
        self.name = inner.name
        self._recorder = RecordingSink(inner.name, realtime=False)

    def write(self, pcm: bytes, abort: threading.Event | None = None) -> bool:
        if not self.inner.write(pcm, abort):
            return False
        return self._recorder.write(pcm)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._recorder, name)


def _sink(device: str, lead_s: float) -> Any:
    if device == "recording":
        return RecordingSink("loudspeaker", realtime=True, lead_s=lead_s)
    return TimedSink(AplaySink(device, "loudspeaker", lead_s).open())


def summary(values_s: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values_s)
    if not ms:
        return {}

    def pct(p: float) -> float:
        return round(percentile(ms, p) or 0.0, 2)

    return {"n": len(ms), "p50_ms": pct(50), "p95_ms": pct(95), "max_ms": round(ms[-1], 2)}


def _speaker(device: str, lead_s: float, **kw: Any) -> tuple[Speaker, Any]:
    config = SpeechSection(buffer_ms=int(lead_s * 1000))
    sink = _sink(device, lead_s)
    speaker = Speaker(config, sink=sink, **kw)
    speaker.wait_ready()
    time.sleep(0.3)  # let the waiting espeak-ng processes start, as they do after boot
    return speaker, sink


def _repeat(n: int, one: Callable[[], float | None]) -> list[float]:
    out = []
    for _ in range(n):
        value = one()
        if value is not None:
            out.append(value)
    return out


def cue_latency(n: int = 50, device: str = "recording", lead_s: float = 0.03) -> dict[str, Any]:
    speaker, sink = _speaker(device, lead_s)

    def one() -> float | None:
        speaker.queue.wait_idle()
        time.sleep(0.05)  # the device has run dry, as between two key presses
        t0 = time.perf_counter()
        speaker.handle_event({"event": "cue", "name": "move"})
        t = sink.wait_audio(since=t0, timeout=2)
        return None if t is None else t - t0

    try:
        return {**summary(_repeat(n, one)), "device": device, "goal_ms": 30}
    finally:
        speaker.close()


def interrupt_latency(n: int = 20, lang: str = "kk", device: str = "recording",
                      lead_s: float = 0.03) -> dict[str, Any]:
    speaker, sink = _speaker(device, lead_s)

    stopped: list[float] = []

    def one() -> float | None:
        speaker.interrupt()
        speaker.queue.wait_idle()
        start = time.perf_counter()
        speaker.handle_event({"event": "say", "lang": lang, "text": LONG[lang], "msg": ""})
        if sink.wait_audio(since=start, timeout=3) is None:
            return None
        time.sleep(0.12)
        t0 = time.perf_counter()
        speaker.interrupt()
        speaker.queue.wait_idle(timeout=2)
        stopped.append(time.perf_counter() - t0)  # espeak-ng killed, the queue idle
        time.sleep(0.1)
        late = [t for t in sink.times() if t >= t0]
        return (max(late) - t0) if late else 0.0

    try:
        result = summary(_repeat(n, one))
        return {**result,
                "still_audible_bound_ms": round(result.get("p95_ms", 0) + lead_s * 1000, 2),
                "queue_idle_p95_ms": summary(stopped).get("p95_ms"),
                "device": device, "goal_ms": 50}
    finally:
        speaker.close()


def first_speech_latency(lang: str = "kk", n: int = 20, device: str = "recording",
                         lead_s: float = 0.03, warm: bool = True,
                         mixed: bool = False) -> dict[str, Any]:
    from kiosk.speech.synth import EspeakSynth

    synth = EspeakSynth(warm=warm)
    speaker, sink = _speaker(device, lead_s, synth=synth)

    def one() -> float | None:
        speaker.interrupt()
        speaker.queue.wait_idle()
        time.sleep(0.3)  # says come seconds apart: the next waiting espeak-ng is up
        t0 = time.perf_counter()
        if mixed:
            speaker.handle_event({"event": "say", "lang": "kk", "msg": "",
                                  "text": "".join(t for _, t in MIXED_10),
                                  "segments": [{"lang": la, "text": t} for la, t in MIXED_10]})
        else:
            speaker.handle_event({"event": "say", "lang": lang, "text": SENTENCES_10[lang],
                                  "msg": ""})
        t = sink.wait_audio(since=t0, timeout=5)
        return None if t is None else t - t0

    try:
        return {**summary(_repeat(n, one)), "lang": "kk+ru" if mixed else lang, "warm": warm,
                "device": device, "goal_ms": 150}
    finally:
        speaker.interrupt()
        speaker.close()


def aplay_null_available() -> bool:
    try:
        AplaySink("null").open(probe_s=0.1).close()
        return True
    except OSError:
        return False


def run_all(quick: bool = False) -> dict[str, Any]:
    n = 10 if quick else 50
    out: dict[str, Any] = {
        "cue": cue_latency(n),
        "interrupt_kk": interrupt_latency(max(5, n // 3), "kk"),
        "interrupt_ru": interrupt_latency(max(5, n // 3), "ru"),
        "first_speech_kk": first_speech_latency("kk", max(5, n // 2)),
        "first_speech_ru": first_speech_latency("ru", max(5, n // 2)),
        "first_speech_mixed": first_speech_latency("kk", max(5, n // 2), mixed=True),
        "first_speech_kk_cold": first_speech_latency("kk", max(5, n // 5), warm=False),
    }
    if aplay_null_available():
        out["cue_aplay_null"] = cue_latency(n, device="null")
        out["interrupt_aplay_null"] = interrupt_latency(max(5, n // 3), "kk", device="null")
        out["first_speech_kk_aplay_null"] = first_speech_latency("kk", max(5, n // 2), device="null")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="measure speech and cue latency")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    json.dump(run_all(args.quick), sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
