"""The gateway's next connections, opened before the requests that will use them.

A CGI gateway (WebToIrbisServer.exe) answers every request with `Connection: close`, so
each request would first wait for a TCP handshake (and a TLS one on https): one more
network round trip per request. Once the gateway is seen to close, a background thread
keeps as many connections open and idle in requests' pool as the last requests used at
once, topping them up whenever a request takes one; the request finds one as it would a
kept-alive connection (urllib3 checks that the gateway has not closed it meanwhile and
connects afresh if it has). Connections nobody used within `idle_s` are closed: gateways
drop a connection that sends nothing (Apache by default after 20 s), and an unused socket
should not sit on theirs.

The pool is urllib3's own, subclassed through `PoolManager.pool_classes_by_scheme`: a
used connection on a closing gateway is closed and put at the bottom of its LIFO queue, so
the next request takes an open one from the top.
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any

import requests
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger(__name__)


class _WarmPoolMixin:
    """What the pre-connector needs from a urllib3 pool (the mixin's `pool` is its LifoQueue)."""

    connector: PreConnector | None = None  # set on the per-connector subclass
    pool: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.connector is not None:
            self.connector.pools.add(self)

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        if self.connector is not None:
            self.connector.taken()
        return conn

    def _put_conn(self, conn: Any) -> None:
        q = self.pool
        if conn is not None and q is not None and self.connector is not None and self.connector.gateway_closes:
            conn.close()  # answered with Connection: close: no use until connected again
            with q.mutex:
                if len(q.queue) < q.maxsize:
                    q.queue.insert(0, conn)
                    q.not_empty.notify()
                    return
        super()._put_conn(conn)  # type: ignore[misc]

    def warm(self, count: int, connect_timeout: float) -> int:
        """Open connections until `count` idle ones are open; returns how many were opened."""
        q = self.pool
        if q is None:
            return 0
        with q.mutex:
            idle_open = sum(1 for c in q.queue if c is not None and c.sock is not None)
            grab = []
            while idle_open + len(grab) < count and q.queue and (q.queue[0] is None or q.queue[0].sock is None):
                grab.append(q.queue.pop(0))
        opened = 0
        for conn in grab:
            conn = conn or self._new_conn()  # type: ignore[attr-defined]
            try:
                conn.timeout = connect_timeout
                conn.connect()
                opened += 1
            except Exception as exc:  # noqa: BLE001 - the gateway may be down: the request will say so
                log.debug("preconnect: %s", type(exc).__name__)
                conn.close()
            finally:
                HTTPConnectionPool._put_conn(self, conn)  # type: ignore[arg-type] # on top, as any
        return opened


class WarmHTTPConnectionPool(_WarmPoolMixin, HTTPConnectionPool):
    pass


class WarmHTTPSConnectionPool(_WarmPoolMixin, HTTPSConnectionPool):
    pass


class PreConnector:
    """Keeps connections open ahead for `session` once its gateway answers `Connection: close`."""

    def __init__(self, session: requests.Session, connect_timeout: float, idle_s: float,
                 close_if_idle: Callable[[], None]) -> None:
        self.connect_timeout, self.idle_s = connect_timeout, idle_s
        self._close_if_idle = close_if_idle
        self._asks: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.pools: weakref.WeakSet[Any] = weakref.WeakSet()  # the live ones
        self.gateway_closes = False
        self.want = 1  # idle connections to keep: the most requests the last bursts sent at once
        self.opened = 0  # connections opened ahead, for the bench and the tests
        classes = {"http": type("WarmHTTP", (WarmHTTPConnectionPool,), {"connector": self}),
                   "https": type("WarmHTTPS", (WarmHTTPSConnectionPool,), {"connector": self})}
        for adapter in session.adapters.values():
            manager = getattr(adapter, "poolmanager", None)
            if manager is not None and hasattr(manager, "pool_classes_by_scheme"):
                manager.pool_classes_by_scheme = classes

    def answered(self, closes: bool) -> None:
        """The gateway answered; `closes` when it said `Connection: close`."""
        self.gateway_closes = closes
        if closes:
            self._ask()

    def taken(self) -> None:
        if self.gateway_closes:
            self._ask()

    def close(self) -> None:
        self._asks.put(None)

    def _ask(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="irbis-preconnect", daemon=True)
                self._thread.start()
        self._asks.put(self.want)

    def _run(self) -> None:
        ask = self._asks.get()  # blocks: an idle kiosk has this thread asleep
        while ask is not None:
            self._warm_all(ask)
            try:
                ask = self._asks.get(timeout=self.idle_s)
            except queue.Empty:
                self._close_if_idle()
                ask = self._asks.get()

    def _warm_all(self, count: int) -> None:
        for pool in list(self.pools):
            self.opened += pool.warm(count, self.connect_timeout)

    def close_pools(self) -> None:
        """Close the pools' idle connections (the caller knows none is in use). urllib3 2
        leaves a pool dropped from its manager to the garbage collector, and its idle
        sockets open on the gateway until then."""
        for pool in list(self.pools):
            pool.close()
