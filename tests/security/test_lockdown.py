"""Nothing on the touchscreen or the keys reaches the desktop: the Kivy settings a kiosk
starts with, and the real KioskApp (offscreen) pressed with Escape and F1 the way Kivy's
SDL2 window delivers a USB keyboard's keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def probe(mode: str, kivy_home) -> dict:
    env = dict(os.environ, KIVY_HOME=str(kivy_home), SDL_VIDEODRIVER="offscreen")
    done = subprocess.run([sys.executable, "-m", "tests.security.lockdown_probe", mode],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pressed(tmp_path_factory) -> dict:
    return probe("keys", tmp_path_factory.mktemp("kivy"))


def test_kiosk_mode_settings(tmp_path) -> None:
    got = probe("settings", tmp_path)
    assert got["kivy.exit_on_escape"] == "0"  # Escape never quits
    assert got["kivy.keyboard_mode"] == "system"  # no on-screen keyboard
    assert got["graphics.fullscreen"] == "auto"  # the whole screen, no desktop around it
    assert got["graphics.show_cursor"] == "0"
    assert got["graphics.allow_screensaver"] == "0"
    assert got["KIVY_NO_ARGS"] == "1"  # no Kivy options from the command line
    assert not got["modules"]  # no inspector, monitor or console modules


def test_escape_leaves_the_app_running(pressed) -> None:
    assert pressed["widgets"] > 10  # the real screen was built
    assert pressed["after_escape_running"] is True


def test_no_text_field_anywhere(pressed) -> None:
    assert pressed["text_inputs"] == 0


# found by this test, fixed by helper D (KioskApp.use_kivy_settings / open_settings)
def test_f1_does_not_open_kivy_settings(pressed) -> None:
    assert pressed["settings_after_f1"] is False
