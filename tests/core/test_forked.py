"""kg.core.forked: a function's answer from a forked child, and every way a child can
fail to give one (its error, a kill, a non-JSON answer, a cancel) read as a failure."""

from __future__ import annotations

import os
import signal
import time

from kg.core.forked import Forked


def test_the_answer_comes_from_another_process():
    child = Forked(lambda: {"pid": os.getpid(), "n": [1, 2]})
    whole, answer = child.wait()
    assert whole and answer["n"] == [1, 2] and answer["pid"] != os.getpid()
    assert child.pid is None and child.failure is None
    assert child.wait() == (True, answer)  # a second wait gives the same


def test_an_error_in_the_child_is_its_failure():
    def boom():
        raise ValueError("no such thing")

    child = Forked(boom)
    assert child.wait() == (False, None)
    assert child.failure == "ValueError: no such thing"


def test_a_killed_child_is_a_failure():
    child = Forked(lambda: time.sleep(60))
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == (False, None)
    assert "killed by signal 9" in child.failure


def test_an_answer_that_is_not_json_is_a_failure():
    child = Forked(lambda: object())
    assert child.wait() == (False, None)
    assert "status 1" in child.failure


def test_cancel_stops_and_reaps_the_child():
    child = Forked(lambda: time.sleep(60))
    pid = child.pid
    child.cancel()
    assert child.pid is None and child.wait() == (False, None)
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive


def test_done_says_when_the_child_has_ended_and_wait_still_answers():
    slow = Forked(lambda: time.sleep(0.5) or "late")
    assert not slow.done()
    quick = Forked(lambda: "soon")
    deadline = time.monotonic() + 10
    while not quick.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert quick.done() and quick.wait() == (True, "soon")
    assert slow.wait() == (True, "late") and slow.done()
