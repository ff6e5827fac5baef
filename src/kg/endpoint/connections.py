"""Connections no client can hoard: deadlines a slow sender cannot reset, and a share of
the connection table per address.

Waitress is kept (its design already protects the worker threads: a request reaches a
thread only once its headers and body are in), but its defaults let one client deny
the server to all others: it stops accepting at `connection_limit` (100), and its only
deadline, `channel_timeout`, is an idle timer that every byte resets, so ~130
connections sending a header line now and then hold it forever. Subclassing its server
and channel (documented classes; `maintenance` and `handle_accept` are its hooks for
this) adds, measured from the moment a request's first byte arrived:

- `header_timeout`: the request line and headers complete within it;
- `body_timeout`: the body too;
- `request_timeout`: the response is sent within it (a client that reads a response
  slowly cannot hold a thread's output forever);
- `idle_timeout`: a kept-alive connection waits that long for its next request;

and per address, `client_connections` open at once: beyond it a connection is
answered 429 and closed at once, so one address cannot fill the table, whose size
(`max_connections`) is far above what one address may hold. A connection from the
trusted proxy is exempt (it carries many clients; the proxy limits them itself).

An answer sent before the request was read to its end (413 for an oversized body, 400
for a malformed request) is followed by a lingering close: the server stops writing,
then reads and discards what the client still sends for up to LINGER seconds, so the
client reads the 413 instead of a connection reset. Nothing discarded is kept.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import defaultdict

from waitress.buffers import OverflowableBuffer
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

LINGER = 2.0  # seconds a refused request's remaining body is read and discarded
LINGER_BYTES = 64 * 1024 * 1024
_WHY = b"this address has too many open connections; close some, then retry\n"
REFUSAL = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nConnection: close\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
           b"Content-Length: %d\r\n\r\n%s" % (len(_WHY), _WHY))


class GuardedChannel(HTTPChannel):
    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        self.kg_addr = addr[0] if isinstance(addr, tuple) else str(addr)
        self.kg_idle_since = time.monotonic()
        self.kg_refused = False  # a request errored before its end was read
        self.kg_linger: float | None = None
        self.kg_discarded = 0
        self.kg_fast_sent: float | None = None  # when the fast path last queued a response
        server.kg_opened(self)

    def received(self, data):
        fast = self.server.kg_fast
        if (fast is not None and self.request is None and not self.requests
                and not self.will_close and not self.close_when_flushed):
            reply = fast.answer_raw(data, self.kg_addr)  # one plain GET, a cache hit
            if reply is not None:
                self.kg_send_now(reply)
                return True
        result = super().received(data)
        now = time.monotonic()
        partial = self.request
        if partial is not None and not hasattr(partial, "kg_started"):
            partial.kg_started = now
        for request in self.requests:
            if not hasattr(request, "kg_started"):
                request.kg_started = now
            if request.error is not None:
                self.kg_refused = True
        return result

    def service(self):
        try:
            super().service()
        finally:
            self.kg_idle_since = time.monotonic()

    # -- the fast path (fastpath.py): a whole response written from the event loop

    def kg_send_now(self, data: bytes) -> None:
        """Queue a finished response behind whatever this channel still has to send
        (in order: no task is running for it) and try to send it at once."""
        with self.outbuf_lock:
            if self.current_outbuf_count >= self.adj.outbuf_high_watermark:
                self.outbufs.append(OverflowableBuffer(self.adj.outbuf_overflow))
                self.current_outbuf_count = 0
            self.outbufs[-1].append(data)
            self.current_outbuf_count += len(data)
            self.total_outbufs_len += len(data)
        self.kg_fast_sent = time.monotonic()  # request_timeout holds for this output too
        self._flush_exception(self._flush_some)
        self.kg_idle_since = time.monotonic()

    # -- lingering close

    def handle_close(self):
        if self.kg_refused and self.kg_linger is None and self.connected \
                and not self.total_outbufs_len:
            self.kg_linger = time.monotonic() + LINGER
            with contextlib.suppress(OSError):
                self.socket.shutdown(socket.SHUT_WR)
            self.will_close = self.close_when_flushed = False
            return
        super().handle_close()

    def readable(self):
        return True if self.kg_linger is not None else super().readable()

    def writable(self):
        if self.kg_linger is not None:
            return False
        return super().writable()

    def handle_read(self):
        if self.kg_linger is None:
            return super().handle_read()
        try:
            data = self.recv(65536)
        except OSError:
            data = b""
        self.kg_discarded += len(data)
        if not data or self.kg_discarded > LINGER_BYTES or time.monotonic() > self.kg_linger:
            self.kg_refused = False
            super().handle_close()
        return None

    def del_channel(self, map=None):
        if self._fileno is not None:
            self.server.kg_closed(self)
        super().del_channel(map)

    # -- deadlines

    def kg_overdue(self, now: float, s) -> str | None:
        """Why this connection must be closed now, if it must."""
        if self.kg_linger is not None:
            return "linger" if now > self.kg_linger else None
        partial = self.request
        if partial is not None and hasattr(partial, "kg_started"):
            took = now - partial.kg_started
            if not partial.headers_finished and took > s.header_timeout:
                return "header_timeout"
            if took > s.body_timeout:
                return "body_timeout"
        if self.requests:
            started = getattr(self.requests[0], "kg_started", None)
            if started is not None and now - started > s.request_timeout:
                return "request_timeout"
            return None
        if (self.total_outbufs_len and self.kg_fast_sent is not None
                and now - self.kg_fast_sent > s.request_timeout):
            return "request_timeout"  # a cached answer the client will not read
        if partial is None and not self.total_outbufs_len \
                and now - self.kg_idle_since > s.idle_timeout:
            return "idle_timeout"
        return None


class GuardedServer(TcpWSGIServer):
    """TcpWSGIServer with per-address connection shares and the deadlines above."""

    channel_class = GuardedChannel

    def __init__(self, application, kg_settings, kg_metrics=None, kg_fast=None, **kw):
        self.kg_settings = kg_settings
        self.kg_fast = kg_fast  # fastpath.FastPath: cache hits answered in the event loop
        self.kg_loop = threading.get_ident()  # the thread that runs the event loop
        self.kg_metrics = kg_metrics
        self.kg_per_addr: dict[str, int] = defaultdict(int)
        self.kg_exempt = {kg_settings.trusted_proxy} if kg_settings.trusted_proxy else set()
        super().__init__(application, **kw)

    def kg_opened(self, channel: GuardedChannel) -> None:
        self.kg_per_addr[channel.kg_addr] += 1
        if self.kg_metrics is not None:
            self.kg_metrics.connections.inc()

    def kg_closed(self, channel: GuardedChannel) -> None:
        left = self.kg_per_addr.get(channel.kg_addr, 0) - 1
        if left > 0:
            self.kg_per_addr[channel.kg_addr] = left
        else:
            self.kg_per_addr.pop(channel.kg_addr, None)
        if self.kg_metrics is not None:
            self.kg_metrics.connections.dec()

    def _refused(self, reason: str) -> None:
        if self.kg_metrics is not None:
            self.kg_metrics.connections_refused.labels(reason).inc()

    def add_task(self, channel):
        """A channel has a complete request: answer it here in the event loop if it is an
        answer-cache hit, else hand it to a thread as waitress does. Called in the loop
        with the channel's requests lock held, when its first request has just come in
        (so no task is running for it); from a task thread (the next pipelined request)
        it always goes to a thread."""
        fast = self.kg_fast
        if fast is not None and threading.get_ident() == self.kg_loop:
            while channel.requests and channel.connected:
                request = channel.requests[0]
                data = fast.answer(request, channel.kg_addr)
                if data is None:
                    break
                channel.requests.pop(0)
                request.close()
                channel.kg_send_now(data)
            if not channel.requests:
                return
        super().add_task(channel)

    def handle_accept(self):
        """Accept what is waiting (up to 64 at a time, so a flood is drained quickly),
        closing at once the connections of an address that holds its share."""
        cap = self.kg_settings.client_connections
        for _ in range(64):
            try:
                pair = self.accept()
                if pair is None:
                    return
                conn, addr = pair
                self.set_socket_options(conn)
            except OSError:
                return
            addr = self.fix_addr(addr)
            host = addr[0]
            if cap and host not in self.kg_exempt and self.kg_per_addr.get(host, 0) >= cap:
                with contextlib.suppress(OSError):  # best effort: a reason, then close
                    conn.setblocking(False)
                    with contextlib.suppress(BlockingIOError):
                        conn.recv(65536)  # what already came, so the close is no reset
                    conn.send(REFUSAL)
                    conn.shutdown(socket.SHUT_WR)
                conn.close()
                self._refused("client_connections")
                continue
            self.channel_class(self, conn, addr, self.adj, map=self._map)

    def maintenance(self, now):
        mono = time.monotonic()
        for channel in list(self.active_channels.values()):
            reason = channel.kg_overdue(mono, self.kg_settings)
            if reason is None:
                continue
            self._refused(reason)
            # Output a client will not read is never flushed, so waiting to close after
            # it (will_close) would wait for that client: close at once.
            if reason == "linger" or channel.requests or (
                    reason == "request_timeout" and channel.total_outbufs_len):
                channel.kg_refused = False
                channel.kg_linger = None
                channel.handle_close()
            else:
                channel.will_close = True
