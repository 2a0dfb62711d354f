"""A headless, pure-Python run of a scenario against a Session (VirtualClock, SyncExecutor).

The real-app runner (`kiosk script`) reuses `parse_scenario`, `match_event`, `advance`
and `Expectations`; this harness is how the core tests run scenarios without Kivy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.config import Config, session_settings
from kiosk.core.clock import VirtualClock
from kiosk.core.domain import Circulation
from kiosk.core.events import Event, EventBus, EventLog
from kiosk.core.executor import SyncExecutor
from kiosk.core.session import Session
from kiosk.locale.display import display_text
from kiosk.tools.scenario import (
    Call,
    Command,
    ExpectEvent,
    ExpectScreen,
    Garbled,
    Gateway,
    Headphones,
    Key,
    Scan,
    StaffAck,
    Tap,
    Wait,
    match_event,
    parse_scenario,
)
from kiosk.tools.switch import GatewaySwitch


def advance(session: Session, clock: VirtualClock, seconds: float) -> None:
    """Move virtual time forward, stopping at every deadline on the way so that warnings
    and timeouts happen (and are stamped) at their exact times."""
    target = clock.now() + seconds
    for _ in range(10_000):
        due = session.next_deadline()
        if due is None or due > target or due <= clock.now():
            break
        clock.advance_to(due)
        session.tick()
    clock.advance_to(target)
    session.tick()


class Expectations:
    """`expect` bookkeeping. Consecutive expect lines form one group; each expect of a group
    looks at the events since the previous group (so `expect screen account` followed by
    `expect event {"event":"login"}` both see the login). Call `action()` before every
    non-expect command and `check()` for every expect."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.mark = 0
        self._after_expect = False

    def action(self) -> None:
        if self._after_expect:
            self.mark = len(self.log.events)
            self._after_expect = False

    def check(self, command: ExpectEvent | ExpectScreen, screen: str) -> str | None:
        """None when the expectation holds, else the reason it failed."""
        events = self.log.events[self.mark:]
        self._after_expect = True
        if isinstance(command, ExpectScreen):
            if screen != command.name:
                return f"line {command.line}: expected screen {command.name!r}, it is {screen!r}"
            return None
        hits = [e for e in events if match_event(e, command.expected)]
        if command.present and not hits:
            return f"line {command.line}: no event matched {command.expected}"
        if not command.present and hits:
            return f"line {command.line}: unexpected event {hits[0]}"
        return None


@dataclass
class RunResult:
    ok: bool
    failures: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


class Harness:
    def __init__(self, circulation: Circulation, config: Config | None = None,
                 today: date | None = None, render_speech: Any = None) -> None:
        self.clock = VirtualClock(today=today or date(2026, 11, 24))
        self.bus = EventBus(self.clock)
        self.log = EventLog()
        self.bus.subscribe(self.log)
        self.gateway = GatewaySwitch(circulation)
        self.session = Session(self.gateway, session_settings(config or Config()), self.clock,
                               self.bus, SyncExecutor(), render_text=display_text,
                               render_speech=render_speech)
        self.session.start()
        self.expect = Expectations(self.log)

    def apply(self, command: Command) -> str | None:
        s = self.session
        if not isinstance(command, ExpectScreen | ExpectEvent):
            self.expect.action()
        match command:
            case Scan(code=code):
                s.scan(code)
            case Garbled():
                s.scan_garbled()
            case Key(name=name):
                s.key(name)
            case Tap(widget_id=widget_id):
                s.tap(widget_id)
            case Call():
                s.call()
            case StaffAck():
                s.staff_ack()
            case Headphones(plugged=plugged):
                s.headphones(plugged)
            case Wait(seconds=seconds):
                advance(s, self.clock, seconds)
            case Gateway(up=up):
                self.gateway.up = up
            case ExpectScreen() | ExpectEvent():
                return self.expect.check(command, s.view.screen)
        return None

    def run(self, scenario: str | list[Command], stop_on_failure: bool = True) -> RunResult:
        commands = parse_scenario(scenario) if isinstance(scenario, str) else scenario
        failures = []
        for command in commands:
            failure = self.apply(command)
            if failure:
                failures.append(failure)
                if stop_on_failure:
                    break
        return RunResult(not failures, failures, list(self.log.events))
