"""Issue 3, "What I will check": scenarios nobody on the team has seen, run through
`kiosk script` (the real app, offscreen, virtual clock) against `kiosk sim` loaded with the
acceptance data; the IRBIS records are then read back with cbsvibpyirbis and compared with
the transcript's checkout and renew events."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.acceptance.conftest import ROOT, TODAY, Peer, Sim, env, sub

DUE = "20261209"

FLOWS = """
# card first, login, checkout, renew by rescan, renew all, finish, receipt, done
expect screen attract
scan 470010
expect event {"event":"refused","code":"470010","reason":"card_first"}
expect screen attract
scan 710001
expect screen account
expect event {"event":"login","reader":"710001"}
wait 3
scan 470010
expect event {"event":"checkout","barcode":"470010","ok":true,"due":"20261209"}
scan 470001
expect event {"event":"renew","barcode":"470001","ok":true,"due":"20261209"}
expect no event {"event":"checkout","barcode":"470001"}
tap renew_all
expect event {"event":"renew","barcode":"470002","ok":true,"due":"20261209"}
tap finish
expect screen summary
expect event {"event":"logout","why":"user"}
tap receipt_yes
expect event {"event":"print"}
tap done
expect screen attract

# new card mid-session; receipt no
scan 710002
expect screen account
expect event {"event":"login","reader":"710002"}
scan 470011
expect event {"event":"checkout","barcode":"470011","ok":true,"due":"20261209"}
scan 700008
expect event {"event":"logout","why":"new_card"}
expect event {"event":"login","reader":"700008"}
expect screen account
scan 123456
expect event {"event":"checkout","barcode":"123456","ok":true,"due":"20261209"}
tap finish
expect screen summary
tap receipt_no
expect no event {"event":"print"}
tap done
expect screen attract

# inactivity: warning, then logout by timeout
wait 3
scan 710002
expect screen account
wait 45
expect event {"event":"warning"}
wait 30
expect event {"event":"logout","why":"timeout"}
expect screen attract
"""

REFUSALS = """
expect screen attract
scan 799999
expect event {"event":"refused","code":"799999","reason":"unknown_card"}
scan 700002
expect event {"event":"refused","code":"700002","reason":"registration_expired"}
scan 700003
expect event {"event":"refused","code":"700003","reason":"reader_blocked"}
scan 700004
expect event {"event":"login","reader":"700004"}
scan 790008
expect event {"event":"refused","code":"790008","reason":"overdue_block"}
scan 700005
expect event {"event":"login","reader":"700005"}
wait 3
scan 790008
expect event {"event":"refused","code":"790008","reason":"loan_limit"}
scan 700006
expect event {"event":"login","reader":"700006"}
scan 460001
expect event {"event":"refused","code":"460001","reason":"renew_limit"}
scan 460002
expect event {"event":"refused","code":"460002","reason":"reserved"}
scan 710002
expect event {"event":"login","reader":"710002"}
scan 99999
expect event {"event":"refused","code":"99999","reason":"unknown_item"}
scan 1234
expect event {"event":"refused","code":"1234","reason":"unknown_item"}
scan 790001
expect event {"event":"refused","code":"790001","reason":"item_unavailable"}
scan 780078
expect event {"event":"refused","code":"780078","reason":"item_unavailable"}
scan 790004
expect event {"event":"refused","code":"790004","reason":"on_loan_to_other"}
scan 900001
expect event {"event":"refused","code":"900001","reason":"reserved"}
scan 790003
expect event {"event":"refused","code":"790003","reason":"reserved"}
expect no event {"event":"checkout"}
tap finish
expect screen summary
tap done
expect screen attract
"""

GATEWAY = """
expect screen attract
scan 710002
expect screen account
gateway down
scan 790008
expect event {"event":"refused","code":"790008","reason":"gateway_unavailable"}
gateway up
wait 3
scan 790008
expect event {"event":"checkout","barcode":"790008","ok":true,"due":"20261209"}
tap finish
expect screen summary
tap receipt_yes
expect event {"event":"print"}
tap done
expect screen attract
"""

WRONG = """
expect screen attract
scan 710002
expect screen summary
"""


@dataclass
class Run:
    rc: int
    stderr: str
    events: list[dict]
    shots: Path

    def prints(self) -> list[list[str]]:
        return [e["lines"] for e in self.events if e["event"] == "print"]


def script(tmp: Path, name: str, text: str, gateway: str) -> Run:
    scn, transcript = tmp / f"{name}.scn", tmp / f"{name}.jsonl"
    scn.write_text(text, encoding="utf-8")
    cmd = [sys.executable, "-m", "kiosk", "script", str(scn), "--gateway", gateway, "--today", TODAY,
           "--transcript", str(transcript), "--screenshots", str(tmp / f"{name}-shots")]
    proc = subprocess.run(cmd, cwd=ROOT, env={**env(), "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"},
                          capture_output=True, text=True, timeout=180)
    events = [json.loads(x) for x in transcript.read_text(encoding="utf-8").splitlines() if x.strip()] \
        if transcript.exists() else []
    return Run(proc.returncode, proc.stderr, events, tmp / f"{name}-shots")


@pytest.fixture(scope="module")
def runs(sim: Sim, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    tmp = tmp_path_factory.mktemp("scripts")
    # two at a time: they share the sim; readers and copies are chosen so that no run's
    # expectations depend on another's writes (two kiosks serving the same library)
    plan = [("flows", FLOWS, sim.http_url), ("refusals", REFUSALS, sim.tcp_url),
            ("gateway", GATEWAY, sim.http_url), ("wrong", WRONG, sim.http_url)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: script(tmp, *p), plan))
    return {name: run for (name, _, _), run in zip(plan, results, strict=True)}


def test_flows_scenario_passes(runs: dict[str, Run]) -> None:
    run = runs["flows"]
    assert run.rc == 0, run.stderr[-2000:]


def test_refusals_scenario_passes(runs: dict[str, Run]) -> None:
    run = runs["refusals"]
    assert run.rc == 0, run.stderr[-2000:]


def test_failed_expectation_exits_1_with_reason(runs: dict[str, Run]) -> None:
    run = runs["wrong"]
    assert run.rc == 1
    assert "summary" in run.stderr and "line 4" in run.stderr, run.stderr[-500:]


def test_transcript_lines_follow_the_contract(runs: dict[str, Run]) -> None:
    for name in ("flows", "refusals"):
        events = runs[name].events
        assert events, name
        times = [e["t"] for e in events]
        assert all(isinstance(t, (int, float)) for t in times) and times == sorted(times)
        assert all(isinstance(e["event"], str) for e in events)
        for e in events:
            if e["event"] in ("checkout", "renew"):
                assert set(e) >= {"barcode", "due", "ok"} and len(e["due"]) == 8
            if e["event"] == "refused":
                assert set(e) >= {"code", "reason"}
    flows = runs["flows"].events
    assert [e["why"] for e in flows if e["event"] == "logout"] == ["user", "new_card", "user", "timeout"]
    warnings = [e for e in flows if e["event"] == "warning"]
    assert warnings and warnings[0]["remaining_s"] >= 20
    prints = [e for e in flows if e["event"] == "print"]
    assert len(prints) == 1 and any("09.12.2026" in line or DUE in line for line in prints[0]["lines"])
    # privacy: the card never appears on a receipt line
    assert not any("710001" in line for line in prints[0]["lines"])


def test_irbis_holds_what_the_transcript_says(runs: dict[str, Run], peer: Peer) -> None:
    reader_of = {}
    current = None
    for e in runs["flows"].events + runs["gateway"].events:
        if e["event"] == "login":
            current = e["reader"]
        if e["event"] in ("checkout", "renew") and e.get("ok"):
            reader_of[e["barcode"]] = (current, e["due"])
    assert set(reader_of) >= {"470010", "470001", "470002", "470011", "123456", "790008"}
    for code, (card, due) in reader_of.items():
        loans = [t for tag, t in peer.one("RDR", f'"RI={card}"') if tag == 40 and sub(t, "H") == code]
        assert len(loans) == 1, (code, loans)
        assert sub(loans[0], "E") == due and sub(loans[0], "F") == "******", (code, loans[0])
        book = peer.one("IBIS", f'"IN={code}"')
        copy = next(t for tag, t in book if tag == 910 and sub(t, "H") == code)
        assert sub(copy, "A") == "1"
    # one rescan renewal and one renew_all on already-renewed books cost one renewal each at most
    renewed = [t for tag, t in peer.one("RDR", '"RI=710001"') if tag == 40 and sub(t, "H") in ("470001", "470002")]
    assert [sub(t, "4") for t in renewed] == ["1", "1"] and all(sub(t, "L") == TODAY for t in renewed)
    # the refusal run wrote no loan; each reader who logged in has one visit today (a field
    # 40 repeat without ^A/^B/^H, kiosk.irbis.visits), however many times they came back
    for card in ("700004", "700005", "700006", "710002"):
        today = [t for tag, t in peer.one("RDR", f'"RI={card}"') if tag == 40 and sub(t, "D") == TODAY]
        visits = [t for t in today if not (sub(t, "A") or sub(t, "B") or sub(t, "H"))]
        assert all(sub(t, "H") in reader_of for t in today if t not in visits), card
        assert len(visits) == 1, (card, visits)


def test_gateway_down_then_up(runs: dict[str, Run]) -> None:
    run = runs["gateway"]
    assert run.rc == 0, run.stderr[-2000:]


def test_nothing_of_the_patron_left_after_logout(runs: dict[str, Run]) -> None:
    """Screens shown after a logout (attract, summary) carry no name, card or surname."""
    traces = ["710001", "710002", "700008", "Арман", "Гүлназ", "Мадина", "Сценарийұлы", "Екіншіқызы"]
    seen = 0
    for name in ("flows", "gateway"):
        for sidecar in sorted(runs[name].shots.glob("*.json")):
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            if data.get("screen") in ("attract", "summary"):
                seen += 1
                text = json.dumps(data, ensure_ascii=False)
                assert not [t for t in traces if t in text], sidecar.name
    assert seen >= 4
    for run in (runs["flows"], runs["gateway"]):
        for lines in run.prints():
            assert not [t for t in traces if any(t in line for line in lines)]


def test_receipt_lists_each_book_once(runs: dict[str, Run]) -> None:
    lines = runs["flows"].prints()[0]
    items = [line for line in lines if "09.12.2026" in line]
    assert len(items) == len(set(items)) == 3, lines  # 470010 taken; 470001, 470002 renewed


def test_refusal_then_success_is_not_a_refusal(runs: dict[str, Run]) -> None:
    lines = runs["gateway"].prints()[0]
    assert not any("790008" in line for line in lines), lines
