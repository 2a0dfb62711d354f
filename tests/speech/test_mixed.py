"""Mixed-language utterances: the sentence in the patron's language, each title in its own,
said by the real espeak-ng in one utterance (SSML voices) with no gap at the switch."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kiosk.speech.mixed import letters_language, record_language, to_ssml
from kiosk.speech.pcm import write_wav
from kiosk.speech.synth import EspeakSynth
from kiosk.speech.wording import spoken_text

TODAY = date(2026, 11, 25)
NEZNAYKA = "Носов Н. Приключения Незнайки"
espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox not installed")


@pytest.mark.parametrize(("text", "lang"), [
    ("Қара сөздер", "kk"), ("Өлеңдер", "kk"), ("Абай жолы", "ru"),  # no Kazakh letter: Russian
    ("Приключения Незнайки", "ru"), ("Harry Potter", "en"), ("1984", None),
])
def test_the_letters_tell_the_language(text, lang):
    assert letters_language(text) == lang


def test_the_catalogue_code_wins_over_the_letters():
    assert [record_language(c) for c in ("kaz", "RUS", "eng", "fre", "", None)] == [
        "kk", "ru", "en", None, None, None]
    said = spoken_text("checkout.ok", {"title": "Абай жолы", "title_lang": "kaz",
                                       "due": date(2026, 12, 9)}, "ru", TODAY)
    assert said.segments[0] == ("kk", "Абай жолы")
    assert said.segments[1][0] == "ru"


def test_a_russian_title_in_a_kazakh_sentence_is_its_own_segment():
    said = spoken_text("checkout.ok", {"title": f"{NEZNAYKA} 2", "due": date(2026, 12, 9)},
                       "kk", TODAY)
    assert [lang for lang, _ in said.segments] == ["ru", "kk"]
    assert said.segments[0][1] == f"{NEZNAYKA} два"  # its digits worded in Russian
    assert "тоғызыншы желтоқсан" in said.segments[1][1]
    assert str(said) == "".join(part for _, part in said.segments)  # the plain text as before


def test_same_language_title_gives_one_segment():
    said = spoken_text("checkout.ok", {"title": "Қара сөздер", "due": date(2026, 12, 9)},
                       "kk", TODAY)
    assert not said.mixed


def test_ssml_escapes_the_text_and_marks_the_other_voice():
    doc = to_ssml([("kk", "Сіз <алдыңыз> & "), ("ru", NEZNAYKA)], "kk", 70)
    assert doc == ('<speak xml:lang="kk"><prosody rate="70%">Сіз &lt;алдыңыз&gt; &amp; '
                   f'<voice xml:lang="ru">{NEZNAYKA}</voice></prosody></speak>')


def _phonemes(ssml: str) -> str:
    out = subprocess.run(["espeak-ng", "-m", "-q", "-x", "-v", "kk"], input=ssml.encode(),
                         capture_output=True, check=True, timeout=30)
    return out.stdout.decode()


@espeak
def test_espeak_reads_the_russian_title_with_the_russian_voice():
    title = "Приключения Незнайки"
    mixed = _phonemes(to_ssml([("kk", "Сіз алдыңыз "), ("ru", title)], "kk"))
    plain = _phonemes(to_ssml([("kk", f"Сіз алдыңыз {title}")], "kk"))
    ru_word = subprocess.run(["espeak-ng", "-q", "-x", "-v", "ru"], input=title.encode(),
                             capture_output=True, check=True).stdout.decode().split()[0]
    assert ru_word in mixed  # the title as the Russian voice says it
    assert ru_word not in plain  # the Kazakh voice says it otherwise (the bug of issue 17)


def _longest_gap_s(wav: Path, tmp: Path) -> float:
    """With sox: the length removed when every silence over 150 ms inside the utterance is
    cut out (leading and trailing silence trimmed first): 0 when there is no such gap."""
    trimmed, cut = tmp / "trimmed.wav", tmp / "cut.wav"
    trim = ["silence", "1", "0.01", "1%", "reverse", "silence", "1", "0.01", "1%", "reverse"]
    subprocess.run(["sox", str(wav), str(trimmed), *trim], check=True)
    subprocess.run(["sox", str(trimmed), str(cut), "silence", "1", "0.01", "1%",
                    "-1", "0.15", "1%"], check=True)

    def seconds(p: Path) -> float:
        return float(subprocess.run(["soxi", "-D", str(p)], capture_output=True, text=True,
                                    check=True).stdout)
    return seconds(trimmed) - seconds(cut)


@espeak
@sox
def test_the_voice_switch_leaves_no_gap_over_150_ms(tmp_path):
    synth = EspeakSynth(warm=False)
    try:
        parts = [("kk", "Сіз алдыңыз "), ("ru", "Приключения Незнайки"),
                 ("kk", " кітабын қайтару күні жиырма төртінші қараша")]
        mixed = tmp_path / "mixed.wav"
        write_wav(mixed, b"".join(synth.stream("", "kk", parts)))
        # the check can fail: a full stop inside the title is a sentence pause (> 150 ms)
        paused = tmp_path / "paused.wav"
        parts_paused = [parts[0], ("ru", "Носов Николай. Приключения Незнайки"), parts[2]]
        write_wav(paused, b"".join(synth.stream("", "kk", parts_paused)))
    finally:
        synth.close()
    assert _longest_gap_s(paused, tmp_path) > 0.15
    assert _longest_gap_s(mixed, tmp_path) < 0.01
