"""TLS where the network is not trusted: MQTT over TLS, the console over HTTPS, `kiosk sim --tls`."""

from __future__ import annotations

import http.client
import json
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.staff.console import ConsoleApp, ConsoleServer, https_context
from kiosk.staff.hub import ConsoleHub
from kiosk.staff.mqtt import BrokerTls
from tests.staff.broker import Broker, free_port, wait_port
from tests.staff.helpers import Kiosk, console_users, wait_for
from tests.staff.tls import Authority, make_ca


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def tls_broker(tmp_path: Path, ca: Authority):
    """mosquitto with only a TLS listener that wants a client certificate from our CA."""
    port = free_port()
    b = Broker(tmp_path / "tls-broker", extra="")
    b.port, b.url = port, f"mqtts://127.0.0.1:{port}"
    b.conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nuser root\npersistence false\n"
        f"cafile {ca.ca}\ncertfile {ca.server_cert}\nkeyfile {ca.server_key}\n"
        "require_certificate true\ntls_version tlsv1.2\n"
        f"log_dest file {tmp_path / 'tls-broker.log'}\n", encoding="utf-8")
    b.start()
    yield b
    b.stop()


def test_alert_and_ack_over_mqtt_tls_with_client_certificates(tls_broker: Broker, ca: Authority):
    tls = BrokerTls(str(ca.ca), str(ca.client_cert), str(ca.client_key))
    kiosk = Kiosk(tls_broker.url, "kiosk-a", "Оқу залы", tls=tls).start()
    hub = ConsoleHub(tls_broker.url, reconnect_min_s=0.2, reconnect_max_s=1, tls=tls)
    hub.start()
    try:
        assert kiosk.mqtt.connected.wait(10) and hub.connected.wait(10)
        alert = kiosk.alerts.raise_alert()
        wait_for(lambda: any(a["id"] == alert.id for a in hub.snapshot()["alerts"]))
        hub.command(alert.id, "ack", by="dana")
        wait_for(lambda: "acknowledged" in kiosk.states(), pump=kiosk.pump)
    finally:
        hub.stop()
        kiosk.mqtt.stop()


def test_a_client_without_our_ca_or_without_a_certificate_gets_nothing(tls_broker: Broker, ca: Authority):
    strangers = [
        ConsoleHub(tls_broker.url, reconnect_min_s=0.2, reconnect_max_s=1),  # trusts only the system CAs
        ConsoleHub(tls_broker.url, reconnect_min_s=0.2, reconnect_max_s=1, tls=BrokerTls(str(ca.ca))),  # no cert
        ConsoleHub(tls_broker.url.replace("mqtts", "mqtt"), reconnect_min_s=0.2, reconnect_max_s=1),  # plain
    ]
    kiosk = Kiosk(tls_broker.url, "kiosk-a", "Оқу залы",
                  tls=BrokerTls(str(ca.ca), str(ca.client_cert), str(ca.client_key))).start()
    for hub in strangers:
        hub.start()
    staff = ConsoleHub(tls_broker.url, reconnect_min_s=0.2, reconnect_max_s=1,
                       tls=BrokerTls(str(ca.ca), str(ca.client_cert), str(ca.client_key)))
    staff.start()
    strangers.append(staff)
    try:
        assert kiosk.mqtt.connected.wait(10)
        alert = kiosk.alerts.raise_alert()
        wait_for(lambda: any(a["id"] == alert.id for a in staff.snapshot()["alerts"]))  # delivered
        for hub in strangers[:-1]:
            assert not hub.connected.is_set() and hub.snapshot()["alerts"] == []
    finally:
        for hub in strangers:
            hub.stop()
        kiosk.mqtt.stop()


def test_console_over_https_sets_secure_cookies(ca: Authority):
    hub = ConsoleHub("mqtt://127.0.0.1:1")
    server = ConsoleServer(("127.0.0.1", 0), ConsoleApp(hub, console_users(), "kk"),
                           https_context(str(ca.server_cert), str(ca.server_key)))
    server.start()
    port = server.server_address[1]
    try:
        client = ssl.create_default_context(cafile=str(ca.ca))
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=client, timeout=10)
        conn.request("POST", "/api/login", json.dumps({"user": "aigerim", "password": "kitap-2024!"}),
                     {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        cookie = resp.getheader("Set-Cookie")
        assert resp.status == 200 and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "max-age" in resp.getheader("Strict-Transport-Security")
        conn.close()
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # no TLS: no answer
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)):
            plain.request("GET", "/healthz")
            plain.getresponse()
        unknown = ssl.create_default_context()  # a client that does not trust our CA refuses it
        with pytest.raises(ssl.SSLCertVerificationError):
            http.client.HTTPSConnection("127.0.0.1", port, context=unknown, timeout=10).request("GET", "/")
    finally:
        server.stop()


def test_kiosk_sim_tls_serves_the_tunnel_over_https(tmp_path: Path, ca: Authority):
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "--tcp-port", "0", "--http-port", "0", "--data", str(tmp_path / "sim"),
         "--tls", str(ca.server_cert), str(ca.server_key)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("ready tcp="), line + (proc.stderr.read() if proc.poll() is not None else "")
        port = int(line.split("http=")[1])
        wait_port(port)
        client = ssl.create_default_context(cafile=str(ca.ca))
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=client, timeout=10)
        conn.request("GET", "/cgi-bin/irbis64r/WebToIrbisServer.exe")
        resp = conn.getresponse()
        resp.read()
        assert resp.status < 500
        assert conn.sock is None or conn.sock.version() in ("TLSv1.2", "TLSv1.3")
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
