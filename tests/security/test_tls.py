"""HTTPS to the gateway is verified: a certificate the system does not trust is refused
(the patron hears gateway_unavailable), a private CA is accepted only when configured
([gateway] ca_file), and even then only for the right host name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from kiosk.config import Config
from kiosk.core.domain import Refused
from kiosk.irbis.client import IrbisClient
from kiosk.irbis.errors import GatewayUnavailable
from kiosk.irbis.gateway import open_gateway
from kiosk.irbis.server import start_server
from tests.security.tls import TlsFront, make_pki

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory.mktemp("irbis"), demo=True) as handle:
        yield handle


@pytest.fixture
def front(request, pki, server):
    name = getattr(request, "param", "server")
    f = TlsFront(pki[f"{name}_pem"], pki[f"{name}_key"], server.http_port)
    yield f
    f.close()


def gateway_config(url: str, ca_file: str = "") -> Config:
    cfg = Config()
    cfg.gateway.url = url
    cfg.gateway.password = "kiosk1"  # development style; the password is not the point here
    cfg.gateway.ca_file = ca_file
    return cfg


def loans(cfg: Config):
    with open_gateway(cfg, today=TODAY) as gw:
        return gw.circulation.loans("100102", TODAY)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_the_front_really_serves_the_tunnel(front, pki) -> None:
    # verify=False only here, to prove the relay works; the kiosk never does this
    with IrbisClient.from_url(front.url(), "kiosk1", "kiosk1", verify=False) as c:
        assert c.search("RDR", '"RI=100102"')


def test_a_private_ca_is_refused_by_default(front) -> None:
    with pytest.raises(GatewayUnavailable) as unavailable:
        IrbisClient.from_url(front.url(), "kiosk1", "kiosk1").connect()
    assert "SSLError" in str(unavailable.value)  # refused for the certificate, not the network
    with pytest.raises(Refused) as refused:
        loans(gateway_config(front.url()))
    assert refused.value.reason == "gateway_unavailable"


def test_the_configured_ca_file_is_trusted(front, pki) -> None:
    found = loans(gateway_config(front.url(), str(pki["ca_pem"])))
    assert sorted(x.barcode for x in found) == ["000010005", "000010101"]


@pytest.mark.parametrize("front", ["other", "self"], indirect=True)
def test_wrong_name_or_self_signed_is_refused_even_with_the_ca_file(front, pki) -> None:
    with pytest.raises(GatewayUnavailable) as unavailable:
        IrbisClient.from_url(front.url(), "kiosk1", "kiosk1", verify=str(pki["ca_pem"])).connect()
    assert "SSLError" in str(unavailable.value)
    with pytest.raises(Refused) as refused:
        loans(gateway_config(front.url(), str(pki["ca_pem"])))
    assert refused.value.reason == "gateway_unavailable"


def test_environment_variables_cannot_switch_verification_off(front, pki, monkeypatch) -> None:
    # requests honours REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE unless trust_env is off: a kiosk's
    # environment must not decide whom it trusts
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pki["ca_pem"]))
    monkeypatch.setenv("CURL_CA_BUNDLE", "")
    with pytest.raises(GatewayUnavailable):
        IrbisClient.from_url(front.url(), "kiosk1", "kiosk1").connect()


def test_kiosk_circ_over_https(front, pki, tmp_path) -> None:
    def run(ca_line: str) -> subprocess.CompletedProcess:
        cfg = tmp_path / "kiosk.toml"
        cfg.write_text(f'[gateway]\nurl = "{front.url()}"\npassword = "kiosk1"\n{ca_line}\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("IRBIS_")}
        return subprocess.run([sys.executable, "-m", "kiosk", "circ", "loans", "100102", "--config", str(cfg),
                               "--today", "20261125"], capture_output=True, text=True, env=env, timeout=60)

    refused = run("")
    assert refused.returncode == 3 and json.loads(refused.stdout)["reason"] == "gateway_unavailable"
    trusted = run(f'ca_file = "{pki["ca_pem"]}"')
    assert trusted.returncode == 0, trusted.stderr
    assert len(json.loads(trusted.stdout)["loans"]) == 2
