"""Test PKI made with the openssl command line, and a TLS front that forwards to the
embedded server's plain HTTP tunnel (as a reverse proxy in front of Web-IRBIS would)."""

from __future__ import annotations

import select
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def make_pki(where: Path) -> dict[str, Path]:
    """A private CA; a server certificate it signed for 127.0.0.1; one it signed for another
    host name; and a self-signed certificate for 127.0.0.1. EC keys: fast to make."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed (Makefile APT_PACKAGES: openssl)")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=Test Library CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=where)
    for name, san in (("server", "IP:127.0.0.1"), ("other", "DNS:irbis.other-library.kz")):
        _openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN={san.split(':', 1)[1]}", cwd=where)
        (where / f"{name}.ext").write_text(
            f"subjectAltName={san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
                 cwd=where)
    _openssl("req", "-x509", *ec, "-keyout", "self.key", "-out", "self.pem", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", cwd=where)
    return {p.stem + p.suffix.replace(".", "_"): p for p in where.iterdir()}


class TlsFront:
    """https://127.0.0.1:<port>/... -> http://127.0.0.1:<backend_port>/..., byte for byte."""

    def __init__(self, cert: Path, key: Path, backend_port: int) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.backend_port = backend_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "/cgi-bin/irbis64r/WebToIrbisServer.exe") -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):  # the client refused our certificate
            conn.close()
            return
        with tls, socket.create_connection(("127.0.0.1", self.backend_port), timeout=10) as backend:
            try:
                while True:
                    ready = [tls] if tls.pending() else select.select([tls, backend], [], [], 10)[0]
                    if not ready:
                        return
                    for src in ready:
                        data = src.recv(65536)
                        if not data:
                            return
                        (backend if src is tls else tls).sendall(data)
            except (ssl.SSLError, OSError):
                return

    def close(self) -> None:
        self.listener.close()
