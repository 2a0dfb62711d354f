"""Every kiosk's daily figures reach the staff console over real mosquitto: a kiosk offline
for a day publishes when back and nothing is counted twice; the Statistics page shows exactly
the scripted numbers, with PNG charts in kk, ru and en; no card or name in any message."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.config.schema import StatsSection
from kiosk.staff import messages
from kiosk.staff.console import ConsoleApp, ConsoleServer
from kiosk.staff.hub import ConsoleHub
from kiosk.staff.mqtt import MqttNotifier
from kiosk.stats.publish import StatsPublisher
from tests.staff.broker import Broker
from tests.staff.helpers import console_users, wait_for
from tests.staff.test_console_http import Http
from tests.stats.helpers import NAMES, Library, stats_kiosk
from tests.stats.test_numbers import DAY1


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path)
    yield lib
    lib.close()


def start_console(broker: Broker, plan: StatsSection | None = None) -> tuple[ConsoleHub, ConsoleServer]:
    hub = ConsoleHub(broker.url, reconnect_min_s=0.2, reconnect_max_s=1)
    app = ConsoleApp(hub, console_users(), "kk")
    app.stats_plan = plan
    server = ConsoleServer(("127.0.0.1", 0), app)
    hub.start()
    server.start()
    return hub, server


def stop_console(hub: ConsoleHub, server: ConsoleServer) -> None:
    server.stop()
    hub.stop()


def signed_in(server: ConsoleServer) -> Http:
    http_ = Http(server.server_address[1])
    resp, _ = http_.login("aigerim", "kitap-2024!")
    assert resp.status == 200
    return http_


def totals(hub: ConsoleHub) -> tuple[int, ...]:
    from kiosk.stats.figures import merge

    t = merge(hub.stats_days())
    return (t["sessions"], t["visits"], t["readers"], t["loans"], t["loans_kazakh"], t["calls"])


EXPECTED = (3, 2, 2, 3, 2, 1)  # DAY1: sessions, visits, readers, loans, in Kazakh, calls


def test_offline_kiosk_publishes_when_back_and_nothing_counts_twice(
        library: Library, broker: Broker, tmp_path: Path) -> None:
    hub, server = start_console(broker)
    try:
        assert hub.connected.wait(5)
        broker.stop()  # the kiosk is cut off for the day
        k = stats_kiosk(library, tmp_path / "stats.sqlite3")
        notifier = MqttNotifier(broker.url, "kiosk-1", "КИОСК1", reconnect_min_s=0.2,
                                reconnect_max_s=1)
        publisher = StatsPublisher(k.store, notifier, "kiosk-1", k.harness.clock.today)
        notifier.on_connected.append(publisher.publish_recent)
        k.harness.bus.subscribe(publisher)
        notifier.start()
        k.run(DAY1)  # each session's end publishes (queued: no broker)
        assert not notifier.connected.is_set()
        broker.start()
        wait_for(lambda: totals(hub) == EXPECTED, 15)
        # sent again and again (reconnects, restarts): still counted once per kiosk and day
        publisher.publish_recent()
        broker.restart()
        wait_for(lambda: notifier.connected.is_set() and hub.connected.is_set(), 15)
        time.sleep(0.5)
        assert totals(hub) == EXPECTED and len(hub.stats_days()) == 1
        notifier.stop()
        k.close()
    finally:
        stop_console(hub, server)
    # a console started afresh gets every day from the broker's retained messages
    hub, server = start_console(broker)
    try:
        wait_for(lambda: totals(hub) == EXPECTED, 15)
    finally:
        stop_console(hub, server)


def _cell_after(page: str, row_label: str) -> list[str]:
    match = re.search(rf"<tr><td>{re.escape(row_label)}</td>((?:<td>[^<]*</td>)*)</tr>", page)
    assert match, row_label
    return re.findall(r"<td>([^<]*)</td>", match.group(1))


def test_statistics_page_shows_the_scripted_numbers_with_charts(
        library: Library, broker: Broker, tmp_path: Path) -> None:
    plan = StatsSection(plan_readers=4, plan_visits=4, plan_loans=6, plan_loans_kazakh=4)
    hub, server = start_console(broker, plan)
    k = stats_kiosk(library, tmp_path / "stats.sqlite3")
    notifier = MqttNotifier(broker.url, "kiosk-1", "КИОСК1", reconnect_min_s=0.2, reconnect_max_s=1)
    publisher = StatsPublisher(k.store, notifier, "kiosk-1", k.harness.clock.today)
    notifier.on_connected.append(publisher.publish_recent)
    try:
        k.run(DAY1)
        notifier.start()
        wait_for(lambda: totals(hub) == EXPECTED, 15)
        staff = signed_in(server)
        resp, body = staff.request("GET", "/stats?year=2026&lang=ru")
        assert resp.status == 200
        page = body.decode("utf-8")
        # indicator | plan | done | % of plan
        assert _cell_after(page, "Читатели") == ["4", "2", "50.0"]
        assert _cell_after(page, "Посещения") == ["4", "2", "50.0"]
        assert _cell_after(page, "Книговыдача") == ["6", "3", "50.0"]
        assert _cell_after(page, "в т. ч. на казахском языке") == ["4", "2", "50.0"]
        assert _cell_after(page, "Книговыдача: 7-10 лет") == ["", "2", ""]
        assert "kiosk-1" in page
        resp, data = staff.request("GET", "/api/stats?year=2026")
        assert data["total"]["refusals"] == {"unknown_card": 1, "unknown_item": 1}
        assert data["total"]["response_p50_s"] == 30.0
        for lang in ("kk", "ru", "en"):
            for chart in ("monthly", "refusals", "hours", "responses"):
                resp, png = staff.request("GET", f"/stats/{chart}.png?year=2026&lang={lang}")
                assert resp.status == 200 and resp.getheader("Content-Type") == "image/png"
                assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        resp, _ = staff.request("GET", "/stats/monthly.png?year=2026&download=1")
        assert "attachment" in resp.getheader("Content-Disposition")
        for lang, title in (("kk", "Статистика — 2026"), ("en", "Statistics — 2026")):
            _, body = staff.request("GET", f"/stats?year=2026&lang={lang}")
            assert title in body.decode("utf-8")
        # a stranger sees nothing
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        conn.request("GET", "/stats")
        assert conn.getresponse().status == 401
        conn.close()
    finally:
        notifier.stop()
        k.close()
        stop_console(hub, server)


def test_no_card_or_name_in_any_message_and_bad_ones_are_refused(
        library: Library, broker: Broker, tmp_path: Path) -> None:
    k = stats_kiosk(library, tmp_path / "stats.sqlite3")
    k.run(DAY1)
    notifier = MqttNotifier(broker.url, "kiosk-1", "КИОСК1", reconnect_min_s=0.2, reconnect_max_s=1)
    publisher = StatsPublisher(k.store, notifier, "kiosk-1", k.harness.clock.today)
    notifier.on_connected.append(publisher.publish_recent)
    notifier.start()
    seen: list[bytes] = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="spy")
    client.on_message = lambda _c, _u, msg: seen.append(msg.payload)
    client.connect("127.0.0.1", broker.port)
    client.subscribe("kiosk/+/stats/+", qos=1)
    client.loop_start()
    try:
        wait_for(lambda: seen, 15)
        for payload in seen:
            data = messages.decode("stats", payload)  # fits its schema
            assert data["day"] == "2026-11-25"
            for secret in ("200001", "200002", "299999", *NAMES):
                assert secret.encode("utf-8") not in payload, secret
        bad = json.loads(seen[0])
        bad["hours"] = [[1] * 24] * 6
        with pytest.raises(messages.Invalid):
            messages.decode("stats", json.dumps(bad))
    finally:
        client.loop_stop()
        client.disconnect()
        notifier.stop()
        k.close()
    hub = ConsoleHub(broker.url)
    wrong_day = dict(json.loads(seen[0]), day="2026-11-24")
    hub.receive("kiosk/kiosk-1/stats/2026-11-25", json.dumps(wrong_day).encode())
    assert hub.stats_days() == [] and hub.rejections.health()
