"""Admission control: which query runs when, so that no client can deny the endpoint to
the others.

A query's cost is not known before it runs, so it is learnt while it runs. Every query
starts in the *light lane*, where it may take any idle worker. One still running after
`light_seconds` is heavy: it may go on only if it gets one of the *heavy slots*, of
which there are one fewer than workers, so at least one worker is always free of heavy
work and a light query never waits behind a heavy one. A heavy query that finds no free
slot (or a queue ahead of it) is stopped and queued for a slot, fairly (the client with
fewest heavy queries running goes first, then the earliest), and run again within the
time limit it arrived with: the wait counts against the limit, so a query cannot wait
10 s and then run 10 s more.

What was heavy is remembered: the query text (by hash, for this release) and, for a
minute, the client. A known text goes straight to the heavy lane, so a client looping
an expensive query costs the light lane nothing after its first one. A known client's
new texts may still try the light lane, one at a time and with a fifth of the probe, so
its light queries stay light while one varying its heavy ones gains at most that.

Per client (its socket address; X-Forwarded-For only from a configured trusted proxy,
which the server resolves before this sees it), three budgets answer 429 with a
Retry-After beyond them: queries in the server at once, heavy queries running or
queued, and heavy query-seconds per minute: the time its queries spent in the heavy
lane, queued or running, since both hold what others wait for. Light queries are not
charged: they cannot hold a worker long, and a client sending many is served in turn
with the others.
Every limit of 0 means none.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from ..core.settings import Settings

WINDOW = 60.0  # seconds over which heavy query-seconds are counted
REMEMBER = 60.0  # seconds a client stays known as heavy after its last heavy query
KNOWN_QUERIES = 4096  # query texts remembered as heavy


class Rejected(Exception):
    """A query not admitted: the status (429 or 503), why, and when to come back."""

    def __init__(self, status: int, message: str, retry_after: float):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass
class _Client:
    inside: int = 0  # queries of this client in the server
    heavy: int = 0  # heavy ones, running or queued
    running_heavy: int = 0
    probing: int = 0  # its queries in the light lane while it is known as heavy
    spent: deque = field(default_factory=deque)  # (monotonic time, heavy seconds)
    heavy_until: float = 0.0


@dataclass(eq=False)
class Ticket:
    client: str
    key: str  # hash of the query text
    arrived: float
    deadline: float
    heavy: bool = False  # counted in the client's heavy queries
    running: bool = False  # holds a heavy slot
    heavy_since: float | None = None  # when it entered the heavy lane
    probing: bool = False  # counted in the client's light-lane tries
    short: bool = False  # the client is known heavy: a shorter probe
    order: int = 0


class Admission:
    def __init__(self, settings: Settings, workers: int):
        self.settings = settings
        self.slots = max(1, workers - 1)  # heavy queries running at once
        self.rejected = 0
        self.demoted = 0
        self._clients: dict[str, _Client] = {}
        self._known: OrderedDict[str, None] = OrderedDict()
        self._waiting: list[Ticket] = []
        self._running = 0
        self._order = 0
        self._cond = threading.Condition()

    # -- the three steps of a query: admit, (promote | requeue), release

    def admit(self, client: str, query: str, timeout: float) -> Ticket:
        """A ticket for one query, in the heavy lane (waited for) when the query or the
        client is known to be heavy; Rejected beyond a budget or the time limit."""
        s = self.settings
        now = time.monotonic()
        key = hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        with self._cond:
            c = self._clients.setdefault(client, _Client())
            spent = self._spent(c, now)
            if s.client_query_seconds and spent >= s.client_query_seconds:
                self._refuse(client, c)
                oldest = c.spent[0][0] if c.spent else now
                raise Rejected(429, f"this client used its {s.client_query_seconds:g} s of "
                                    f"heavy query time for the last minute; try again "
                                    f"later", oldest + WINDOW - now)
            if s.client_queries and c.inside >= s.client_queries:
                self._refuse(client, c)
                raise Rejected(429, f"this client already has {c.inside} queries in the "
                                    f"server, the most one client may have", 1)
            c.inside += 1
            ticket = Ticket(client, key, now, now + timeout)
            marked = c.heavy_until > now
            if marked and key not in self._known and not c.probing:
                ticket.probing = ticket.short = True
                c.probing += 1
            elif key in self._known or marked:
                try:
                    self._queue(ticket, c)
                except Rejected:
                    self._leave(ticket, c)
                    raise
        if ticket.heavy:
            try:
                self._wait(ticket)
            except Rejected:
                self.release(ticket)
                raise
        return ticket

    def promote(self, ticket: Ticket) -> bool:
        """A light query has run past light_seconds: True if it may go on running (a heavy
        slot was free and nobody waits for one), False if it must be stopped and requeued."""
        with self._cond:
            c = self._clients[ticket.client]
            self._unprobe(ticket, c)
            self.demoted += 1
            self._remember(ticket, c)
            if (self._running >= self.slots or self._waiting
                    or not self._may_add_heavy(c)):
                return False
            ticket.heavy = ticket.running = True
            ticket.heavy_since = time.monotonic()
            c.heavy += 1
            c.running_heavy += 1
            self._running += 1
            return True

    def requeue(self, ticket: Ticket) -> None:
        """Wait in the heavy lane for a query stopped by promote(); Rejected if it may not."""
        with self._cond:
            self._queue(ticket, self._clients[ticket.client])
        self._wait(ticket)

    def release(self, ticket: Ticket) -> None:
        """The query is answered (or refused): the time it spent in the heavy lane,
        queued or running, is charged to its client."""
        now = time.monotonic()
        with self._cond:
            c = self._clients[ticket.client]
            if ticket.heavy_since is not None:
                c.spent.append((now, now - ticket.heavy_since))
            self._leave(ticket, c)
            self._cond.notify_all()

    # -- inside

    def _may_add_heavy(self, c: _Client) -> bool:
        return not self.settings.client_heavy or c.heavy < self.settings.client_heavy

    def _queue(self, ticket: Ticket, c: _Client) -> None:
        s = self.settings
        if not self._may_add_heavy(c):
            self._refuse(ticket.client, c)
            raise Rejected(429, f"this client already has {c.heavy} heavy queries running "
                                f"or queued, the most one client may have; send them one "
                                f"after another", 2)
        if s.heavy_queue and len(self._waiting) >= s.heavy_queue:
            self._refuse(ticket.client, c)
            raise Rejected(429, f"{len(self._waiting)} heavy queries are already waiting "
                                f"for a worker; try again later", 5)
        ticket.heavy = True
        if ticket.heavy_since is None:
            ticket.heavy_since = time.monotonic()
        c.heavy += 1
        self._order += 1
        ticket.order = self._order
        self._waiting.append(ticket)

    def _wait(self, ticket: Ticket) -> None:
        with self._cond:
            while True:
                if self._running < self.slots and self._next() is ticket:
                    self._waiting.remove(ticket)
                    ticket.running = True
                    self._clients[ticket.client].running_heavy += 1
                    self._running += 1
                    return
                left = ticket.deadline - time.monotonic()
                if left <= 0:
                    self._waiting.remove(ticket)
                    c = self._clients[ticket.client]
                    c.heavy -= 1
                    ticket.heavy = False
                    self._cond.notify_all()
                    raise Rejected(503, f"the query waited {time.monotonic() - ticket.arrived:.1f}"
                                        f" s for a worker free of other heavy queries, its "
                                        f"whole time limit; try again later", 5)
                self._cond.wait(left)

    def _next(self) -> Ticket | None:
        if not self._waiting:
            return None
        return min(self._waiting,
                   key=lambda t: (self._clients[t.client].running_heavy, t.order))

    def _unprobe(self, ticket: Ticket, c: _Client) -> None:
        if ticket.probing:
            ticket.probing = False
            c.probing -= 1

    def _leave(self, ticket: Ticket, c: _Client) -> None:
        self._unprobe(ticket, c)
        c.inside -= 1
        if ticket.heavy:
            c.heavy -= 1
        if ticket.running:
            c.running_heavy -= 1
            self._running -= 1
        ticket.heavy = ticket.running = False
        if not c.inside and not c.spent and c.heavy_until <= time.monotonic():
            self._clients.pop(ticket.client, None)

    def _remember(self, ticket: Ticket, c: _Client) -> None:
        c.heavy_until = time.monotonic() + REMEMBER
        self._known[ticket.key] = None
        self._known.move_to_end(ticket.key)
        while len(self._known) > KNOWN_QUERIES:
            self._known.popitem(last=False)

    def _refuse(self, client: str, c: _Client) -> None:
        self.rejected += 1
        if not c.inside and not c.spent and c.heavy_until <= time.monotonic():
            self._clients.pop(client, None)

    @staticmethod
    def _spent(c: _Client, now: float) -> float:
        while c.spent and c.spent[0][0] < now - WINDOW:
            c.spent.popleft()
        return sum(s for _, s in c.spent)

    def forget_queries(self) -> None:
        """A new release: what was heavy on the old one may not be on this one."""
        with self._cond:
            self._known.clear()

    def snapshot(self) -> dict:
        with self._cond:
            return {"heavy_running": self._running, "heavy_waiting": len(self._waiting),
                    "heavy_slots": self.slots, "clients": len(self._clients),
                    "rejected": self.rejected, "demoted": self.demoted}
