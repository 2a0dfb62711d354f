"""Test parts shared by the staff tests: a virtual clock and a kiosk made of the real pieces."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.staff.alerts import AlertManager
from kiosk.staff.mqtt import CommandInbox, MqttNotifier


class VirtualClock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Kiosk:
    """AlertManager + MqttNotifier + inbox, as the app wires them; `events` is the transcript."""

    def __init__(self, broker_url: str, kiosk_id: str, place: str, **mqtt_opts: Any) -> None:
        self.clock = VirtualClock()
        self.events: list[dict[str, Any]] = []
        self.alerts = AlertManager(self.clock, kiosk_id, place, escalate_after_s=30)
        self.alerts.on_change(self.events.append)
        self.inbox = CommandInbox()
        opts: dict[str, Any] = {"heartbeat_s": 0.5, "reconnect_min_s": 0.2, "reconnect_max_s": 1}
        opts.update(mqtt_opts)
        self.mqtt = MqttNotifier(
            broker_url, kiosk_id, place, on_command=self.inbox.put,
            health=lambda: {"scanner": "ok", "printer": "paper_low", "gateway": "ok"}, **opts,
        )
        self.alerts.on_change(self.mqtt)

    def start(self) -> Kiosk:
        self.mqtt.start()
        return self

    def pump(self) -> None:
        """What the app's UI thread does on each frame."""
        self.inbox.apply(self.alerts)
        self.alerts.tick()

    def states(self) -> list[str]:
        return [e["state"] for e in self.events]


def wait_for(predicate: Callable[[], Any], timeout_s: float = 10.0, pump: Callable[[], None] | None = None) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        if pump is not None:
            pump()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def console_users() -> dict[str, str]:
    """Two staff accounts (few PBKDF2 rounds: the tests sign in often)."""
    from kiosk.staff.users import hash_password

    return {
        "aigerim": hash_password("kitap-2024!", iterations=1000),
        "dana": hash_password("oqu-zaly-7", iterations=1000),
    }


class CallpointProcess:
    """`kiosk callpoint` in its own process (mock pins; `press` on stdin)."""

    def __init__(self, tmp: Path, broker_url: str, kiosk_id: str, place: str, heartbeat_s: float = 1.0) -> None:
        import subprocess
        import sys

        conf = tmp / f"{kiosk_id}.toml"
        data_dir = tmp / f"{kiosk_id}-state"
        conf.write_text(
            f'[kiosk]\nid = "{kiosk_id}"\nplace = "{place}"\ndata_dir = "{data_dir}"\n'
            f'[staff]\nbroker_url = "{broker_url}"\nheartbeat_s = {heartbeat_s}\nescalate_after_s = 60\n'
            '[hardware]\ncall_button_pin = 17\ncall_lamp_pin = 27\npin_factory = "mock"\n',
            encoding="utf-8",
        )
        env = dict(os.environ, GPIOZERO_PIN_FACTORY="mock", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(  # (the same config again = the same call point restarted)
            [sys.executable, "-m", "kiosk", "callpoint", "--config", str(conf)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )
        self.lines: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def ready(self) -> CallpointProcess:
        """Wait until the process runs (start several first, then wait: they start in parallel)."""
        wait_for(lambda: any(e.get("event") == "ready" for e in self.lines), timeout_s=20)
        return self

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(json.loads(line))

    def press(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("press\n")
        self.proc.stdin.flush()

    def states(self) -> list[str]:
        return [e["state"] for e in self.lines if e.get("event") == "alert"]

    def alert_ids(self) -> list[str]:
        return [e["id"] for e in self.lines if e.get("event") == "alert"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def kill(self) -> None:
        """kill -9: no goodbye, nothing flushed."""
        self.proc.kill()
        self.proc.wait(10)


class ConsoleProcess:
    """`kiosk staff-console` in its own process, on a free loopback port."""

    def __init__(self, tmp: Path, broker_url: str) -> None:
        import subprocess
        import sys

        users = tmp / "staff-users"
        users.write_text("".join(f"{n}:{h}\n" for n, h in console_users().items()), encoding="utf-8")
        conf = tmp / "console.toml"
        conf.write_text(f'[kiosk]\ndata_dir = "{tmp / "console-state"}"\n'
                        f'[staff]\nbroker_url = "{broker_url}"\nusers_file = "{users}"\n', encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "staff-console", "--config", str(conf),
             "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        self._url = ""

    @property
    def url(self) -> str:
        """The console's address, once it listens (waits for its `ready` line)."""
        if not self._url:
            assert self.proc.stdout is not None
            line = self.proc.stdout.readline()
            if not line.startswith("ready "):
                self.proc.kill()
                raise AssertionError(f"staff-console did not start: {line!r}")
            self._url = line.split()[1]
        return self._url

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
