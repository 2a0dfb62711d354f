"""espeak-ng as a streaming subprocess, and the folder of recorded prompts.

Streaming: espeak-ng writes a WAV stream to stdout as it synthesises (4 KiB at a time);
`Stream` yields the PCM chunks as they arrive, so playback starts with the first chunk.

Warm processes: starting espeak-ng (loading the voice) costs ~20 ms on a desktop and far
more on a Raspberry Pi, while a started process waiting on stdin answers in under 1 ms.
So one process per language is started ahead and waits for its text on stdin; using it
starts a replacement in the background. Text goes through stdin, never argv (no option
injection, no length limit).

SSML: every utterance goes in as one SSML document (`-m`): a title in another language is a
<voice xml:lang> inside it, so espeak-ng switches voices with no pause of its own, and the
patron's speech rate is a <prosody rate> (the processes waiting ahead need no restart).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from kiosk.core.languages import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.speech.mixed import Segment, to_ssml
from kiosk.speech.pcm import SAMPLE_BYTES, PcmError, read_wav, samples

log = logging.getLogger(__name__)

CHUNK = 4096
_MSG_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")


class SynthUnavailable(RuntimeError):
    """espeak-ng is not installed or cannot start."""


class Stream:
    """The PCM of one utterance, chunk by chunk. cancel() from any thread stops it.

    Iterate it once. The pipe is closed by the reading thread when it finishes, or by
    cancel() when reading never started (so no descriptor is closed under a reader)."""

    def __init__(self, proc: subprocess.Popen[bytes],
                 on_first_chunk: Callable[[], None] | None = None) -> None:
        self._proc = proc
        self._cancelled = False
        self._on_first_chunk = on_first_chunk
        self._lock = threading.Lock()
        self._state = "new"  # new | reading | closed
        self.first_chunk_while_running: bool | None = None  # for tests: was it streamed?

    def __iter__(self) -> Iterator[bytes]:
        with self._lock:
            if self._state != "new" or self._proc.stdout is None:
                return
            self._state = "reading"
        fd = self._proc.stdout.fileno()
        header: bytes | None = b""
        odd = b""
        leading = True
        try:
            while not self._cancelled:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                if header is not None:
                    header += data
                    pos = header.find(b"data")
                    if pos < 0 or len(header) < pos + 8:
                        if len(header) > 4096:  # not a WAV stream: give up on this utterance
                            log.warning("espeak-ng output has no WAV data chunk")
                            break
                        continue
                    data, header = header[pos + 8 :], None
                data = odd + data
                odd = data[len(data) & ~1 :] if len(data) % 2 else b""
                data = data[: len(data) - len(odd)]
                if leading:
                    # espeak-ng starts with 15-45 ms of silence: skip it, it is pure delay
                    data = _skip_silence(data)
                    leading = not data
                if data:
                    if self.first_chunk_while_running is None:
                        self.first_chunk_while_running = self._proc.poll() is None
                        if self._on_first_chunk is not None:
                            self._on_first_chunk()
                    yield data
        finally:
            self._kill()
            with self._lock:
                self._state = "closed"
            self._release()

    def _kill(self) -> None:
        if self._proc.poll() is None:
            try:
                self._proc.kill()
            except OSError:
                pass

    def _release(self) -> None:
        if self._proc.stdout:
            self._proc.stdout.close()
        # Reap without blocking the caller: a killed espeak exits at once.
        threading.Thread(target=self._proc.wait, daemon=True).start()

    def cancel(self) -> None:
        self._cancelled = True
        self._kill()
        with self._lock:
            never_read, self._state = self._state == "new", (
                "closed" if self._state == "new" else self._state)
        if never_read:
            self._release()

    close = cancel

    @property
    def pid(self) -> int:
        return self._proc.pid


SILENCE_LEVEL = 64  # of 32767: below hearing at any volume step


def _skip_silence(pcm: bytes) -> bytes:
    a = samples(pcm)
    for i, value in enumerate(a):
        if abs(value) > SILENCE_LEVEL:
            return pcm[i * SAMPLE_BYTES :]
    return b""


class EspeakSynth:
    """espeak-ng voices per language, rate in words per minute (one for all, or per
    language: `rates`, missing languages at rate_wpm)."""

    def __init__(
        self,
        voices: dict[str, str] | None = None,
        rate_wpm: int = 150,
        binary: str = "espeak-ng",
        warm: bool = True,
        rates: dict[str, int] | None = None,
    ) -> None:
        self.voices = voices or {lang: lang for lang in LANGUAGES}
        self.rate_wpm = max(80, min(450, int(rate_wpm)))
        self.rates = {lang: max(80, min(450, int(wpm))) for lang, wpm in (rates or {}).items()
                      if wpm}
        self.binary = binary
        self._warm_enabled = warm
        self._warm: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    def _command(self, lang: str) -> list[str]:
        voice = self.voices.get(lang) or self.voices.get(DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE
        rate = self.rates.get(lang, self.rate_wpm)
        return [self.binary, "-m", "-v", voice, "-s", str(rate), "-b", "1", "--stdout"]

    def _spawn(self, lang: str) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                self._command(lang),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
                close_fds=True,
            )
        except OSError as e:
            raise SynthUnavailable(f"{self.binary}: {e}") from e

    def prewarm(self, langs: tuple[str, ...] = LANGUAGES) -> None:
        """Start the waiting processes now (call from a background thread)."""
        for lang in langs:
            self._refill(lang)

    def _refill(self, lang: str) -> None:
        if not self._warm_enabled:
            return
        with self._lock:
            if self._closed or (lang in self._warm and self._warm[lang].poll() is None):
                return
        try:
            proc = self._spawn(lang)
        except SynthUnavailable:
            return
        with self._lock:
            old = self._warm.get(lang)
            if self._closed or (old is not None and old.poll() is None):
                _discard(proc)
                return
            self._warm[lang] = proc

    def _take(self, lang: str) -> subprocess.Popen[bytes] | None:
        with self._lock:
            proc = self._warm.pop(lang, None)
        if proc is not None and proc.poll() is not None:
            return None
        return proc

    def stream(self, text: str, lang: str, segments: Sequence[Segment] = (),
               rate_percent: int = 100) -> Stream:
        """Start saying `text` (or its `segments`, each (lang, text), in one utterance) at
        rate_percent of the language's rate; raises SynthUnavailable when espeak-ng
        cannot run."""
        proc = self._take(lang) or self._spawn(lang)
        line = " ".join(to_ssml(segments or [(lang, text)], lang, rate_percent).split()) + "\n"
        try:
            assert proc.stdin is not None
            proc.stdin.write(line.encode("utf-8"))
            proc.stdin.close()
        except (OSError, ValueError) as e:
            _discard(proc)
            raise SynthUnavailable(f"espeak-ng did not take the text: {e}") from e
        # The replacement starts once the first audio is out, so that starting it does not
        # compete with this utterance for the CPU.
        refill = (lambda: threading.Thread(target=self._refill, args=(lang,), daemon=True).start()
                  ) if self._warm_enabled else None
        return Stream(proc, refill)


    def close(self) -> None:
        with self._lock:
            self._closed = True
            stale, self._warm = list(self._warm.values()), {}
        for proc in stale:
            _discard(proc)


def _discard(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.kill()
    except OSError:
        pass
    for f in (proc.stdin, proc.stdout):
        try:
            if f:
                f.close()
        except OSError:
            pass
    threading.Thread(target=proc.wait, daemon=True).start()


class PromptLibrary:
    """Recorded prompts: <root>/<lang>/<msg_id>.wav overrides synthesis of that message.

    Files are read once and kept (a changed file is re-read: mtime is checked). A clip
    that is not a readable PCM WAV is logged once and synthesis is used instead."""

    def __init__(self, root: str | os.PathLike[str] | None) -> None:
        self.root = Path(root) if root else None
        self._cache: dict[Path, tuple[float, bytes]] = {}
        self._bad: set[Path] = set()
        self._lock = threading.Lock()

    def path(self, lang: str, msg_id: str) -> Path | None:
        if self.root is None or not msg_id or not _MSG_ID.match(msg_id) or ".." in msg_id:
            return None
        if not re.fullmatch(r"[a-z]{2}", lang or ""):
            return None
        return self.root / lang / f"{msg_id}.wav"

    def clip(self, lang: str, msg_id: str) -> bytes | None:
        path = self.path(lang, msg_id)
        if path is None:
            return None
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == mtime:
                return cached[1]
        try:
            pcm = read_wav(path)
        except PcmError as e:
            if path not in self._bad:
                self._bad.add(path)
                log.warning("recorded prompt ignored, synthesising instead: %s", e)
            return None
        with self._lock:
            self._cache[path] = (mtime, pcm)
        return pcm
