"""The staff console over HTTP: sign-in, who may acknowledge, the live event stream."""

from __future__ import annotations

import http.client
import json

from kiosk.staff.console import ConsoleServer
from tests.staff.broker import Broker
from tests.staff.helpers import Kiosk, wait_for


class Http:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, body: object = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        h = {"Content-Type": "application/json", "Host": f"127.0.0.1:{self.port}"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        conn.request(method, path, json.dumps(body) if body is not None else None, h)
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        data = json.loads(raw) if resp.getheader("Content-Type", "").startswith("application/json") else raw
        return resp, data

    def login(self, user: str, password: str):
        resp, data = self.request("POST", "/api/login", {"user": user, "password": password})
        if resp.status == 200:
            self.cookie = resp.getheader("Set-Cookie").split(";")[0]
            self.csrf = data["csrf"]
        return resp, data




def test_page_is_self_contained_and_speaks_three_languages(console: ConsoleServer):
    http = Http(console.server_address[1])
    resp, page = http.request("GET", "/")
    assert resp.status == 200
    text = page.decode()
    assert "Қызметкер пульті" in text and "<script src" not in text and "http://" not in text
    resp, page = http.request("GET", "/?lang=ru")
    assert "Пульт сотрудника" in page.decode()
    assert "kiosk_staff_lang=ru" in resp.getheader("Set-Cookie")
    http.cookie = "kiosk_staff_lang=en"
    _resp, page = http.request("GET", "/")
    assert "Staff console" in page.decode()


def test_only_signed_in_staff_can_acknowledge(console: ConsoleServer, broker: Broker):
    kiosk = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    port = console.server_address[1]
    try:
        alert = kiosk.alerts.raise_alert()
        wait_for(lambda: any(a["id"] == alert.id for a in console.app.hub.snapshot()["alerts"]))
        stranger = Http(port)
        resp, data = stranger.request("POST", f"/api/alerts/{alert.id}/ack")
        assert resp.status == 401 and data["message"] == "Алдымен пультке кіріңіз."
        resp, _ = stranger.request("GET", "/api/state")
        assert resp.status == 401
        resp, data = stranger.login("aigerim", "wrong password")
        assert resp.status == 401 and "құпиясөз қате" in data["message"]
        resp, _ = stranger.login("nobody", "kitap-2024!")
        assert resp.status == 401

        staff = Http(port)
        resp, data = staff.login("aigerim", "kitap-2024!")
        assert resp.status == 200 and data["user"] == "aigerim"
        cookie = resp.getheader("Set-Cookie")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        # a forged cross-site request: right cookie, wrong Origin / no token
        resp, _ = staff.request("POST", f"/api/alerts/{alert.id}/ack", headers={"Origin": "http://evil.example"})
        assert resp.status == 403
        token, staff.csrf = staff.csrf, ""
        resp, _ = staff.request("POST", f"/api/alerts/{alert.id}/ack")
        assert resp.status == 403
        kiosk.pump()
        assert kiosk.states() == ["raised"]  # nothing reached the kiosk

        staff.csrf = token
        resp, data = staff.request("POST", "/api/alerts/no-such-alert/ack")
        assert resp.status == 404
        resp, data = staff.request("POST", f"/api/alerts/{alert.id}/ack", headers={"Origin": f"http://127.0.0.1:{port}"})
        assert resp.status == 202 and data["kiosk"] == "kiosk-a"
        wait_for(lambda: "acknowledged" in kiosk.states(), pump=kiosk.pump)
        assert kiosk.events[-1]["by"] == "aigerim"

        resp, state = staff.request("GET", "/api/state")
        assert resp.status == 200
        resp, _ = staff.request("POST", "/api/logout")
        assert resp.status == 200
        resp, _ = staff.request("POST", f"/api/alerts/{alert.id}/resolve")
        assert resp.status == 401
    finally:
        kiosk.mqtt.stop()


def test_bad_input_gets_a_clear_answer(console: ConsoleServer):
    port = console.server_address[1]
    for body in (b"{not json", b"[1, 2]", b"\xff\xfe", b"x" * 5000):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/api/login", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = json.loads(resp.read())
        conn.close()
        assert resp.status == (413 if len(body) > 4096 else 400)
        assert data["message"] == "Сұрау түсініксіз. Бетті жаңартыңыз."
    resp, data = Http(port).request("POST", "/api/login", {"user": 5, "password": None})
    assert resp.status == 400  # not a sign-in attempt at all
    resp, data = Http(port).request("GET", "/nope")
    assert resp.status == 404 and data["message"] == "Мұндай бет жоқ."


def test_repeated_wrong_passwords_are_slowed_down(console: ConsoleServer):
    http = Http(console.server_address[1])
    for _ in range(5):
        assert http.login("dana", "guess")[0].status == 401
    resp, data = http.login("dana", "oqu-zaly-7")
    assert resp.status == 429 and "минуттан" in data["message"]


def test_event_stream_pushes_new_alerts(console: ConsoleServer, broker: Broker):
    kiosk = Kiosk(broker.url, "kiosk-b", "Кіреберіс").start()
    port = console.server_address[1]
    staff = Http(port)
    staff.login("dana", "oqu-zaly-7")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/api/events", headers={"Cookie": staff.cookie})
    resp = conn.getresponse()
    try:
        assert resp.status == 200 and resp.getheader("Content-Type").startswith("text/event-stream")
        assert kiosk.mqtt.connected.wait(5)
        alert = kiosk.alerts.raise_alert()
        for _ in range(50):
            line = resp.fp.readline().decode()
            if line.startswith("data:") and alert.id in line:
                snap = json.loads(line[5:])
                assert any(a["id"] == alert.id and a["state"] == "raised" for a in snap["alerts"])
                break
        else:
            raise AssertionError("the alert never came down the event stream")
    finally:
        conn.close()
        kiosk.mqtt.stop()
