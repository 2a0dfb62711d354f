"""With the broker locked down (accounts + ACL), only the console can acknowledge.

The console's sign-in guards the web page; the broker's accounts and ACL guard the topics,
so nobody else on the library network can answer or fake a kiosk's alert. The mosquitto
configuration here is the one kiosk/staff/README.md recommends.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.staff.hub import ConsoleHub
from tests.staff.broker import Broker
from tests.staff.helpers import Kiosk, wait_for

ACL = """\
# kiosks and call points sign in with their kiosk id as user name
pattern write kiosk/%u/alert
pattern write kiosk/%u/status
pattern write kiosk/%u/stats/+
pattern read kiosk/%u/ack
user console
topic read kiosk/+/alert
topic read kiosk/+/status
topic read kiosk/+/stats/+
topic write kiosk/+/ack
topic write kiosk/+/alert
"""


def locked_broker(tmp: Path) -> Broker:
    tmp.mkdir(parents=True, exist_ok=True)
    passwd, acl = tmp / "passwd", tmp / "acl"
    passwd.touch()
    for user, password in (("kiosk-a", "ka-secret"), ("kiosk-b", "kb-secret"), ("console", "c-secret")):
        subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
    acl.write_text(ACL, encoding="utf-8")
    broker = Broker(tmp, extra=f"allow_anonymous false\npassword_file {passwd}\nacl_file {acl}\n")
    broker.start()
    return broker


def test_only_the_console_account_can_acknowledge(tmp_path: Path):
    broker = locked_broker(tmp_path / "broker")
    a = Kiosk(broker.url, "kiosk-a", "Оқу залы", username="kiosk-a", password="ka-secret").start()
    b = Kiosk(broker.url, "kiosk-b", "Кіреберіс", username="kiosk-b", password="kb-secret").start()
    hub = ConsoleHub(broker.url, username="console", password="c-secret", reconnect_min_s=0.2)
    hub.start()
    intruder = mqtt.Client(CallbackAPIVersion.VERSION2)
    intruder.username_pw_set("kiosk-b", "kb-secret")  # a kiosk's account, misused
    intruder.connect("127.0.0.1", broker.port)
    intruder.loop_start()
    try:
        assert a.mqtt.connected.wait(5) and b.mqtt.connected.wait(5) and hub.connected.wait(5)
        alert = a.alerts.raise_alert()
        wait_for(lambda: any(x["id"] == alert.id for x in hub.snapshot()["alerts"]))

        forged = json.dumps({"action": "ack", "id": alert.id, "by": "intruder"})
        intruder.publish("kiosk/kiosk-a/ack", forged, qos=1).wait_for_publish(3)
        fake = json.dumps({"id": "fake-1", "kiosk": "kiosk-a", "place": "?", "reason": "call_button",
                           "state": "raised", "raised_at": time.time(), "presses": 1, "sent_at": time.time()})
        intruder.publish("kiosk/kiosk-a/alert", fake, qos=1).wait_for_publish(3)
        time.sleep(0.5)
        a.pump()
        assert a.states() == ["raised"]  # the forged answer never reached the kiosk
        assert all(x["id"] != "fake-1" for x in hub.snapshot()["alerts"])

        anonymous = mqtt.Client(CallbackAPIVersion.VERSION2)
        refused = []
        anonymous.on_connect = lambda _c, _u, _f, rc, _p: refused.append(rc.is_failure)
        anonymous.connect("127.0.0.1", broker.port)
        anonymous.loop_start()
        wait_for(lambda: refused)
        anonymous.loop_stop()
        assert refused == [True]

        hub.command(alert.id, "ack", by="aigerim")  # the console's account may
        wait_for(lambda: "acknowledged" in a.states(), pump=a.pump)
        assert a.events[-1]["by"] == "aigerim"
    finally:
        intruder.loop_stop()
        intruder.disconnect()
        hub.stop()
        a.mqtt.stop()
        b.mqtt.stop()
        broker.stop()
