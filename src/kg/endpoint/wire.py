"""The wire between the server and a query worker: length-prefixed messages over a
connected Unix socket, with a receive deadline."""

from __future__ import annotations

import os
import select
import socket
import struct


class Channel:
    """Length-prefixed messages over a connected Unix socket, with a receive deadline.

    Hand-written rather than multiprocessing's Connection because every light query
    crosses it twice: one poll and usually one recv per message, and no per-call
    selector objects, keep the pool's overhead per query in the tens of microseconds.
    """

    _LEN = struct.Struct("!I")

    def __init__(self, sock: socket.socket):
        self.sock = sock
        sock.setblocking(True)
        self._poll = select.poll()
        self._poll.register(sock, select.POLLIN)

    def send(self, payload: bytes) -> None:
        # write(2), not send(2): a sandboxed worker may not call sendto/sendmsg at all.
        data = memoryview(self._LEN.pack(len(payload)) + payload)
        fd = self.sock.fileno()
        while data:
            data = data[os.write(fd, data):]

    def recv(self, timeout: float | None = None) -> bytes | None:
        """The next message; None if none began within timeout; EOFError if closed."""
        if timeout is not None and not self._poll.poll(max(0, int(timeout * 1000))):
            return None
        data = self.sock.recv(65536)
        while len(data) < 4:
            more = self.sock.recv(65536)
            if not more:
                raise EOFError
            data += more
        size = self._LEN.unpack_from(data)[0]
        if len(data) - 4 >= size:
            return data[4:4 + size]
        buf = bytearray(size)
        view = memoryview(buf)
        got = len(data) - 4
        view[:got] = data[4:]
        while got < size:
            n = self.sock.recv_into(view[got:])
            if n == 0:
                raise EOFError
            got += n
        return bytes(buf)

    def close(self) -> None:
        self.sock.close()
