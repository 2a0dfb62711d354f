"""Staff tool for the recorded-prompt folder: what can be recorded, what is there, what is
wrong with it.

    python -m kiosk.speech.prompts DIR [--lang kk]

Lists, per language, every fixed message (no {placeholders}: those can be recorded) with
its text, marks which have a usable recording, and names files that will never be used
(unknown message id, a message with placeholders, not a readable PCM WAV).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.locale import LANGUAGES, catalogue
from kiosk.speech.pcm import PcmError, duration_s, read_wav


@dataclass
class PromptReport:
    lang: str
    recorded: dict[str, float] = field(default_factory=dict)  # msg id -> seconds
    missing: dict[str, str] = field(default_factory=dict)  # msg id -> text to record
    unused: dict[str, str] = field(default_factory=dict)  # file name -> why it is not used


def recordable(lang: str) -> dict[str, str]:
    """Message id -> text of the fixed messages of `lang` (speech nouns excluded)."""
    return {k: v for k, v in sorted(catalogue(lang).items())
            if "{" not in v and not k.startswith("speech.noun.")}


def check_prompts(root: str | Path, lang: str) -> PromptReport:
    report = PromptReport(lang)
    fixed = recordable(lang)
    known = catalogue(lang)
    folder = Path(root) / lang
    files = {p.stem: p for p in folder.glob("*.wav")} if folder.is_dir() else {}
    for msg_id, text in fixed.items():
        path = files.get(msg_id)
        if path is None:
            report.missing[msg_id] = text
            continue
        try:
            report.recorded[msg_id] = round(duration_s(read_wav(path)), 2)
        except PcmError as e:
            report.unused[path.name] = str(e)
            report.missing[msg_id] = text
    for stem, path in files.items():
        if stem in fixed:
            continue
        if stem in known:
            report.unused[path.name] = "the message has {placeholders}: it is always synthesised"
        else:
            report.unused[path.name] = "no message with this id"
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="check the recorded-prompt folder")
    parser.add_argument("dir")
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    args = parser.parse_args(argv)
    problems = 0
    for lang in args.lang or LANGUAGES:
        r = check_prompts(args.dir, lang)
        print(f"[{lang}] recorded {len(r.recorded)}, missing {len(r.missing)}, unused {len(r.unused)}")
        for msg_id, seconds in r.recorded.items():
            print(f"  ok       {msg_id}.wav  {seconds:.2f} s")
        for msg_id, text in r.missing.items():
            print(f"  missing  {msg_id}.wav  \"{text}\"")
        for name, why in r.unused.items():
            print(f"  UNUSED   {name}: {why}")
        problems += len(r.unused)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
