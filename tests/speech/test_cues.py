"""The generated cues have the frequencies, lengths and shapes accessibility.md asks for."""

import pytest

from kiosk.speech.cues import CUE_NAMES, generate_cues
from kiosk.speech.pcm import RATE, SAMPLE_BYTES, samples

from .analysis import band_fraction, dominant_hz, segments

CUES = generate_cues()


def ms(n_samples: int) -> float:
    return 1000 * n_samples / RATE


def test_every_cue_named_in_the_contract_exists():
    assert set(CUES) == set(CUE_NAMES) == {"move", "success", "error", "attention", "edge", "scan"}


@pytest.mark.parametrize("name", CUE_NAMES)
def test_cue_energy_stays_between_500_and_3000_hz(name):
    pcm = CUES[name]
    assert 500 <= dominant_hz(pcm) <= 3000
    assert band_fraction(pcm, 500, 3000) > 0.97


@pytest.mark.parametrize("name", CUE_NAMES)
def test_cue_starts_and_ends_quietly_no_click(name):
    a = samples(CUES[name])
    full = max(abs(x) for x in a)
    assert abs(a[0]) < 0.05 * full and abs(a[-1]) < 0.05 * full
    # no jump between neighbouring samples bigger than a 3 kHz sine can make
    assert max(abs(a[i + 1] - a[i]) for i in range(len(a) - 1)) < full


@pytest.mark.parametrize(
    ("name", "low_ms", "high_ms"),
    [("move", 15, 40), ("success", 120, 180), ("error", 200, 300), ("edge", 90, 150),
     ("attention", 250, 600), ("scan", 20, 40)],
)
def test_cue_lengths(name, low_ms, high_ms):
    assert low_ms <= ms(len(CUES[name]) // SAMPLE_BYTES) <= high_ms


def test_move_is_a_single_short_tick():
    parts = segments(CUES["move"])
    assert len(parts) == 1
    assert ms(parts[0][1] - parts[0][0]) <= 30


def test_scan_tick_is_a_high_double_tick_unlike_move():
    # heard the moment the scanner delivers anything: it must not be taken for a focus move
    parts = segments(CUES["scan"])
    assert len(parts) == 2
    assert dominant_hz(CUES["scan"]) > dominant_hz(CUES["move"]) * 1.5


def test_success_is_two_notes_rising():
    pcm = CUES["success"]
    half = len(pcm) // 2 // SAMPLE_BYTES * SAMPLE_BYTES
    first, second = dominant_hz(pcm[:half]), dominant_hz(pcm[half:])
    assert second > first * 1.2


def test_error_is_a_low_double_buzz():
    parts = segments(CUES["error"])
    assert len(parts) == 2
    for start, end in parts:
        part = CUES["error"][start * SAMPLE_BYTES : end * SAMPLE_BYTES]
        assert dominant_hz(part) < 700  # low: below every other cue's pitch


def test_attention_is_three_rising_pulses():
    pcm = CUES["attention"]
    parts = segments(pcm)
    assert len(parts) == 3
    pitches = [dominant_hz(pcm[s * SAMPLE_BYTES : e * SAMPLE_BYTES]) for s, e in parts]
    assert pitches[0] < pitches[1] < pitches[2]


def test_edge_is_one_buzz_distinct_from_move():
    parts = segments(CUES["edge"])
    assert len(parts) == 1
    assert dominant_hz(CUES["edge"]) < dominant_hz(CUES["move"]) - 400
    assert len(CUES["edge"]) > 3 * len(CUES["move"])
