"""Admission control's rules on their own (no server): lanes, fairness, budgets."""

from __future__ import annotations

import threading
import time

import pytest

from kg.core.settings import Settings
from kg.endpoint.admission import Admission, Rejected


def admission(**kw) -> Admission:
    return Admission(Settings(**kw), workers=2)  # one heavy slot


def test_a_heavy_query_keeps_its_worker_when_a_slot_is_free_else_it_is_requeued():
    a = admission()
    first = a.admit("c1", "Q1", 5)
    assert a.promote(first) is True  # the one heavy slot
    second = a.admit("c2", "Q2", 5)
    assert a.promote(second) is False  # no slot: stop it, queue it
    a.release(first)
    a.requeue(second)  # the slot is free now
    assert second.running
    a.release(second)
    assert a.snapshot()["heavy_running"] == 0


def test_known_heavy_queries_and_clients_go_straight_to_the_heavy_lane():
    a = admission()
    t = a.admit("c1", "Q", 5)
    a.promote(t)
    a.release(t)
    again = a.admit("c9", "Q", 5)  # same text, another client
    assert again.heavy and again.running
    a.release(again)
    other = a.admit("c1", "another text", 5)  # same client, a new text: one light try,
    assert not other.heavy and other.short  # with a shorter probe
    third = a.admit("c1", "a third text", 5)  # but only one at a time
    assert third.heavy
    a.release(third)
    a.release(other)


def test_the_wait_counts_against_the_time_limit():
    a = admission()
    holder = a.admit("c1", "Q1", 5)
    a.promote(holder)
    started = time.monotonic()
    waiter = a.admit("c2", "Q2", 0.4)
    assert not a.promote(waiter)
    with pytest.raises(Rejected) as exc:
        a.requeue(waiter)
    assert exc.value.status == 503
    assert time.monotonic() - started < 1.0
    a.release(waiter)
    a.release(holder)


def test_the_slot_goes_to_the_client_with_fewest_heavy_queries_running():
    a = Admission(Settings(client_heavy=3), workers=3)  # two heavy slots
    hog = a.admit("hog", "H1", 10)
    assert a.promote(hog)
    other = a.admit("x", "X1", 10)
    assert a.promote(other)
    order = []

    def wait(client: str, text: str) -> None:
        t = a.admit(client, text, 10)  # the hog is known heavy: it queues right here
        if not t.running:
            assert not a.promote(t)
            a.requeue(t)
        order.append(client)
        time.sleep(0.05)
        a.release(t)

    first = threading.Thread(target=wait, args=("hog", "H2"))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=wait, args=("polite", "P1"))
    second.start()
    time.sleep(0.1)
    assert a.snapshot()["heavy_waiting"] == 2
    a.release(other)  # one slot frees: the hog queued first, but already runs one
    time.sleep(0.02)
    a.release(hog)
    first.join(5)
    second.join(5)
    assert order == ["polite", "hog"], order


def test_budgets_answer_429_with_retry_after():
    a = admission(client_heavy=1)
    t = a.admit("c1", "Q1", 5)
    a.promote(t)
    trying = a.admit("c1", "Q2", 5)  # its one light-lane try
    with pytest.raises(Rejected) as exc:
        a.admit("c1", "Q3", 5)  # the client is heavy now, and holds its one heavy query
    assert exc.value.status == 429 and exc.value.retry_after >= 1
    assert not a.promote(trying)  # the try turns out heavy too: no room for it
    with pytest.raises(Rejected):
        a.requeue(trying)
    a.release(trying)
    a.release(t)

    b = admission(client_queries=1)
    t = b.admit("c1", "light", 5)
    with pytest.raises(Rejected):
        b.admit("c1", "light too", 5)
    b.release(t)

    c = admission(client_query_seconds=0.2)
    t = c.admit("c1", "Q", 5)
    c.promote(t)
    time.sleep(0.3)
    c.release(t)  # 0.3 s in the heavy lane, over its 0.2 s
    with pytest.raises(Rejected) as exc:
        c.admit("c1", "light", 5)
    assert exc.value.status == 429 and 50 <= exc.value.retry_after <= 61
