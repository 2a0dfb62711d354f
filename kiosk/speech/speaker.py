"""The speaker: turns session events into sound.

    speaker = Speaker(config)            # config: Config or its SpeechSection (or None)
    bus.subscribe(speaker.handle_event)  # say / cue / volume / logout / headphones
    speaker.interrupt()                  # on every key, touch and scan
    speaker.close()

Events (contracts.md, plus two the core may add):
    {"event":"say","lang","text","private","msg"}   speak (see "Groups"); an optional
        "segments": [{"lang","text"}, ...] is said as one utterance, each part in its voice
    {"event":"cue","name":"move|success|error|attention|edge"}
    {"event":"volume","level":N}    N = 1..len(volume_steps) (the session's 1..10), clamped:
        never silent; or "change": +1/-1 ("up"/"down")
    {"event":"rate","step":N}       speech rate step 1..7 (kiosk.core.rate), 4 = configured
    {"event":"logout"}              volume and rate back to default, private audio dropped
    {"event":"headphones","state":"in"|"out"} (or "plugged": bool); the session's own
        "headphones.in" / "headphones.out" announcements set the state as well

Groups: the session answers one input with a burst of events (a cue, then several says).
A say or cue arriving more than GROUP_GAP_S (250 ms) after the previous one starts a new group and
stops the speech still playing or queued (cues are short and finish); events within a
burst are queued in order. "queue": true on a say always appends. interrupt() (the app
calls it on every key, touch and scan) stops everything at once.

Routing: headphones in -> everything to the headphones (the loudspeaker is muted; with
headphones = "private_only" only private audio goes there); headphones out -> private
audio is never played, whatever the session sends.

Never blocks the caller and never raises into it: a missing espeak-ng or sound card is
logged once and the kiosk keeps working with the screen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from kiosk.config import SpeechSection, section_problems
from kiosk.core.languages import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.core.rate import RATE_DEFAULT, RATE_MAX, RATE_MIN, rate_percent
from kiosk.locale import catalogue
from kiosk.speech.cues import CUE_NAMES, generate_cues
from kiosk.speech.output import AplaySink, NullSink, Sink, SinkError, open_sink
from kiosk.speech.queue import AudioQueue, Item
from kiosk.speech.synth import EspeakSynth, PromptLibrary, SynthUnavailable
from kiosk.speech.wording import normalise_text

log = logging.getLogger(__name__)

GROUP_GAP_S = 0.25
# The session's spoken announcements of the headphone jack: they carry its state.
HEADPHONE_MESSAGES = {"headphones.in": True, "headphones.out": False}


def _speech_section(config: Any) -> SpeechSection:
    if config is None:
        return SpeechSection()
    section = getattr(config, "speech", config)
    if not isinstance(section, SpeechSection):
        raise TypeError("Speaker(config): a Config or a SpeechSection")
    problems = section_problems(section)
    for problem in problems:
        log.warning("%s; using the default", problem)
    if problems:
        good = SpeechSection()
        for name in ("enabled", "prompts_dir", "device", "headphones_device",
                     "voice_kk", "voice_ru", "voice_en"):
            setattr(good, name, getattr(section, name))
        return good
    return section


class Speaker:
    def __init__(
        self,
        config: Any = None,
        sink: Sink | None = None,
        headphones_sink: Sink | None = None,
        synth: EspeakSynth | None = None,
        warm: bool = True,
    ) -> None:
        self.config = _speech_section(config)
        c = self.config
        self.volume_steps: list[float] = [float(v) for v in c.volume_steps]
        self.default_level: int = c.default_volume_step
        self._level = self.default_level
        self._headphones = False
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self._last_sound_event = -1e9
        self.clock: Callable[[], float] = time.monotonic  # for event groups; tests replace it
        self._failed: set[str] = set()  # outputs replaced by silence after a failure
        self._loudspeaker: Sink | None = sink
        # headphones_sink None with an injected sink = one output for both (jack switch)
        self._headphone_sink: Sink | None = headphones_sink if sink is not None else None
        self._injected = sink is not None
        self.cues: dict[str, bytes] = {}
        self.synth = synth or EspeakSynth(
            {lang: getattr(c, f"voice_{lang}") for lang in LANGUAGES}, rate_wpm=c.rate_wpm,
            warm=warm, rates={lang: getattr(c, f"rate_{lang}") for lang in LANGUAGES},
        )
        self._rate_step = RATE_DEFAULT
        self.prompts = PromptLibrary(c.prompts_dir or None)
        self._ready = threading.Event()
        self.queue = AudioQueue(self._route, self._gain, self._sink_failed, self._start)
        self.queue.start()

    # --- start-up on the audio thread (never on the caller's) ----------------------------
    def _start(self) -> None:
        try:
            self.cues = generate_cues()
            if not self._injected:
                self._loudspeaker = self._open_output("loudspeaker", self.config.device)
                if self.config.headphones_device:
                    self._headphone_sink = self._open_output(
                        "headphones", self.config.headphones_device)
            if not self.synth.available():
                self._warn_once("synth", "espeak-ng not found (Debian package espeak-ng): "
                                "cues only, no speech")
            else:
                threading.Thread(target=self.synth.prewarm, daemon=True).start()
        finally:
            self._ready.set()

    def _open_output(self, role: str, device: str) -> Sink:
        lead = self.config.buffer_ms / 1000
        output = self.config.output if self.config.enabled else "null"
        try:
            return open_sink(output, device, role, lead)
        except SinkError as e:  # output = "alsa" and the card is not there
            log.error("sound output %s (%s) cannot open: %s; retried after each session",
                      role, device, e)
            self._failed.add(role)
            return NullSink(role, lead)

    def wait_ready(self, timeout: float = 5.0) -> bool:
        return self._ready.wait(timeout)

    # --- routing and volume (called by the audio thread per block) ---------------------
    def _route(self, private: bool) -> Sink | None:
        headphones = self._headphone_sink or self._loudspeaker
        if self._headphones:
            if private or self.config.headphones == "all":
                return headphones
            return self._loudspeaker
        return None if private else self._loudspeaker

    def _gain(self) -> float:
        return self.volume_steps[self._level - 1]

    def _sink_failed(self, sink: Sink, error: SinkError) -> None:
        self._warn_once(f"sink:{sink.name}", f"sound output {sink.name} failed ({error}): "
                        "continuing silently; retried after each session")
        null = NullSink(sink.name, self.config.buffer_ms / 1000)
        if sink is self._loudspeaker:
            self._loudspeaker = null
            self._failed.add("loudspeaker")
        if sink is self._headphone_sink:
            self._headphone_sink = null
            self._failed.add("headphones")
        try:
            sink.close()
        except Exception:  # noqa: BLE001
            pass

    def _reopen_failed(self) -> None:
        """A sound card that failed (USB unplugged, aplay died) is tried again."""
        if self._injected:
            return
        for role in sorted(self._failed):
            device = self.config.device if role == "loudspeaker" else self.config.headphones_device
            try:
                sink = AplaySink(device, role, self.config.buffer_ms / 1000).open()
            except SinkError:
                continue
            if role == "loudspeaker":
                self._loudspeaker = sink
            else:
                self._headphone_sink = sink
            self._failed.discard(role)
            self._warned.discard(f"sink:{role}")
            log.info("sound output %s is back", role)

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)

    # --- public API: any thread, never blocks, never raises ------------------------------
    def handle_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event") if isinstance(event, dict) else None
        try:
            if kind == "say":
                msg = str(event.get("msg") or "")
                if msg in HEADPHONE_MESSAGES:
                    self.set_headphones(HEADPHONE_MESSAGES[msg])
                new_group = self._starts_group()
                self.say(str(event.get("text") or ""), str(event.get("lang") or DEFAULT_LANGUAGE),
                         private=bool(event.get("private")), msg=msg,
                         queue=bool(event.get("queue")) or not new_group,
                         segments=_segments(event.get("segments")))
            elif kind == "cue":
                if self._starts_group():
                    self.queue.cancel(lambda item: item.kind == "speech")
                self.cue(str(event.get("name") or ""))
            elif kind == "volume":
                if "level" in event:
                    self.set_volume(int(event["level"]))
                elif "change" in event:
                    change = event["change"]
                    step = {"up": 1, "down": -1}.get(change, change)
                    self.set_volume(self._level + int(step))
            elif kind == "rate":
                self.set_rate(int(event.get("step", RATE_DEFAULT)))
            elif kind == "logout":
                self.end_session()
            elif kind == "headphones":
                state = event.get("state", event.get("plugged", event.get("in")))
                self.set_headphones(state in (True, "in", "plugged", 1))
        except Exception:  # noqa: BLE001 - speech must never break the session
            log.exception("speech could not handle %s", kind)

    def _starts_group(self) -> bool:
        now = self.clock()
        with self._lock:
            new = now - self._last_sound_event > GROUP_GAP_S
            self._last_sound_event = now
        return new

    def say(self, text: str, lang: str, private: bool = False, msg: str = "",
            queue: bool = False, segments: tuple[tuple[str, str], ...] = ()) -> bool:
        """Speak `text` (already worded, see wording.spoken_text), stopping other speech
        unless `queue`; `segments` ((lang, text) parts) are said in one utterance, each in
        its language. Returns False when it will not be played (empty, or private with
        the headphones out)."""
        text = text.strip()
        if not text and not msg:
            return False
        if lang not in LANGUAGES:
            lang = DEFAULT_LANGUAGE
        if not queue:
            self.queue.cancel(lambda item: item.kind == "speech")
        if private and not self._headphones:
            log.debug("private utterance not played: headphones out")
            return False
        rate = rate_percent(self._rate_step)
        self.queue.add(Item("speech", private,
                            lambda: self._open_speech(text, lang, msg, segments, rate),
                            label=msg or "say"))
        return True

    def cue(self, name: str, private: bool = False) -> bool:
        if name not in CUE_NAMES:
            self._warn_once(f"cue:{name}", f"unknown cue {name!r}; cues are {', '.join(CUE_NAMES)}")
            return False
        self.queue.add(Item("cue", private, lambda: [self.cues.get(name, b"")], label=name))
        return True

    def interrupt(self) -> None:
        """Stop all sound now (any key, touch or scan). Paused speech is dropped too."""
        self.queue.interrupt()
        self.queue.resume()

    def pause(self) -> None:
        self.queue.pause()

    def resume(self) -> None:
        self.queue.resume()

    def toggle_pause(self) -> bool:
        """Pause or resume speech; returns True when now paused."""
        if self.queue.paused:
            self.queue.resume()
            return False
        self.queue.pause()
        return True

    @property
    def volume_level(self) -> int:
        return self._level

    def set_volume(self, level: int) -> int:
        """Clamp to 1..len(volume_steps) (never silent); returns the level now in force."""
        self._level = max(1, min(len(self.volume_steps), int(level)))
        return self._level

    @property
    def rate_step(self) -> int:
        return self._rate_step

    def set_rate(self, step: int) -> int:
        """Clamp to the rate steps (kiosk.core.rate); returns the step now in force."""
        self._rate_step = max(RATE_MIN, min(RATE_MAX, int(step)))
        return self._rate_step

    def end_session(self) -> None:
        """Session over: default volume and rate, private audio dropped."""
        self.set_volume(self.default_level)
        self.set_rate(RATE_DEFAULT)
        self.queue.cancel(lambda item: item.private)
        if self._failed and not self._injected:
            threading.Thread(target=self._reopen_failed, daemon=True).start()

    @property
    def headphones(self) -> bool:
        return self._headphones

    def set_headphones(self, plugged: bool) -> None:
        self._headphones = bool(plugged)
        if not plugged:
            # Checked per block too; this also drops what is still queued.
            self.queue.cancel(lambda item: item.private)

    def close(self) -> None:
        try:
            self.queue.close()
            self.synth.close()
            for sink in {id(s): s for s in (self._loudspeaker, self._headphone_sink) if s}.values():
                sink.close()
        except Exception:  # noqa: BLE001
            log.exception("closing speech failed")

    # --- sources ---------------------------------------------------------------------------
    def _open_speech(self, text: str, lang: str, msg: str,
                     segments: tuple[tuple[str, str], ...] = (),
                     rate: int = 100) -> Iterable[bytes]:
        if not self.config.enabled:
            return []
        if msg and "{" not in catalogue(lang).get(msg, ""):
            clip = self.prompts.clip(lang, msg)
            if clip is not None:
                return [clip]
        if not text:
            return []
        try:
            # a safety net: text that did not come through spoken_text still gets its
            # digits and dates worded (worded text passes unchanged)
            parts = [(part_lang, normalise_text(part, part_lang)) for part_lang, part in segments]
            return self.synth.stream(normalise_text(text, lang), lang, parts, rate)
        except SynthUnavailable as e:
            self._warn_once("synth-run", f"speech synthesis unavailable ({e}): screen only")
            return []


def _segments(value: Any) -> tuple[tuple[str, str], ...]:
    """The say event's optional "segments" as (lang, text) pairs; anything odd -> ()."""
    if not isinstance(value, list):
        return ()
    parts = tuple((str(p.get("lang") or ""), str(p.get("text") or ""))
                  for p in value if isinstance(p, dict))
    return parts if all(lang in LANGUAGES for lang, _ in parts) else ()
