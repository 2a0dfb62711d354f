"""The console under load and abuse: idle sockets, oversized and malformed requests, guessing."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

from kiosk.staff.console import ConsoleServer
from tests.staff.broker import Broker
from tests.staff.helpers import Kiosk, wait_for
from tests.staff.test_console_http import Http


def still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""  # the server said something: not idle any more
    except BlockingIOError:
        return True
    except OSError:
        return False


def test_200_idle_connections_for_20_s_while_staff_keep_working(console: ConsoleServer, broker: Broker):
    port = console.server_address[1]
    kiosk = Kiosk(broker.url, "kiosk-a", "Оқу залы").start()
    idle: list[socket.socket] = []
    try:
        for n in range(200):
            s = socket.create_connection(("127.0.0.1", port))
            if n % 2:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # slowloris: a request never finished
            idle.append(s)
        staff = Http(port)
        assert staff.login("aigerim", "kitap-2024!")[0].status == 200
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        stream.request("GET", "/api/events", headers={"Cookie": staff.cookie})
        events = stream.getresponse()
        assert events.status == 200
        events.fp.readline()
        events.fp.readline()
        answered = 0
        end = time.monotonic() + 20
        while time.monotonic() < end:
            alert = kiosk.alerts.raise_alert()
            wait_for(lambda a=alert: a.id.encode() in events.fp.readline())  # live stream pushes it
            assert staff.request("POST", f"/api/alerts/{alert.id}/ack")[0].status == 202
            wait_for(lambda: kiosk.states()[-1] == "acknowledged", pump=kiosk.pump)
            assert staff.request("POST", f"/api/alerts/{alert.id}/resolve")[0].status == 202
            wait_for(lambda: kiosk.states()[-1] == "resolved", pump=kiosk.pump)
            answered += 1
            time.sleep(0.5)
        stream.close()
        assert answered >= 5
        assert sum(still_open(s) for s in idle) == 200  # nobody was dropped to make room
        assert staff.request("GET", "/healthz")[1]["connections"] >= 200
    finally:
        for s in idle:
            s.close()
        kiosk.mqtt.stop()


def raw(port: int, data: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        head = s.recv(4096)
    return int(head.split(b" ", 2)[1])


def test_oversized_and_malformed_requests_get_a_status_code(console: ConsoleServer):
    port = console.server_address[1]
    ok = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    cases = {
        b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n": 414,
        b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n": 431,
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(100)) + b"\r\n": 431,
        b"POST /api/login HTTP/1.1\r\nContent-Length: 100000\r\n\r\n": 413,
        b"POST /api/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n": 411,
        b"POST /api/login HTTP/1.1\r\nContent-Length: -1\r\n\r\n": 400,
        b"POST /api/login HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}": 400,
        b"GET / HTTP/2.0\r\n\r\n": 505,
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n": 400,
        b"GET\r\n\r\n": 400,
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n": 400,
        b"DELETE /api/logout HTTP/1.1\r\nHost: x\r\n\r\n": 405,
    }
    for request, status in cases.items():
        assert raw(port, request) == status, request[:40]
    assert raw(port, ok) == 200  # and the console still answers


def sign_in(port: int, source: str, user: str, password: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request("POST", "/api/login", json.dumps({"user": user, "password": password}),
                 {"Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


def test_sign_in_is_throttled_per_address_and_per_account(console: ConsoleServer):
    port = console.server_address[1]
    # one address guessing many accounts: paused after 5, even for the right password
    for n in range(5):
        assert sign_in(port, "127.0.0.2", f"guess{n}", "x") == 401
    assert sign_in(port, "127.0.0.2", "dana", "oqu-zaly-7") == 429
    assert sign_in(port, "127.0.0.3", "dana", "oqu-zaly-7") == 200  # a colleague's desk is not
    # many addresses guessing one account: the account is paused
    for n in range(10):
        assert sign_in(port, f"127.0.1.{n + 1}", "aigerim", "wrong") == 401
    assert sign_in(port, "127.0.2.1", "aigerim", "kitap-2024!") == 429
    assert sign_in(port, "127.0.2.2", "dana", "oqu-zaly-7") == 200  # other accounts still work


def test_a_slow_sign_in_does_not_hold_up_the_others(console: ConsoleServer):
    port = console.server_address[1]
    staff = Http(port)
    staff.login("aigerim", "kitap-2024!")
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(sign_in(port, "127.0.3.1", "dana", "oqu-zaly-7")))
               for _ in range(4)]
    for t in threads:
        t.start()
    assert staff.request("GET", "/api/state")[0].status == 200
    for t in threads:
        t.join(20)
    assert results == [200] * 4


def test_cookies_are_httponly_and_same_site_strict(console: ConsoleServer):
    resp, _ = Http(console.server_address[1]).login("aigerim", "kitap-2024!")
    cookie = resp.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # plain HTTP
