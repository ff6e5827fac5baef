"""A function run in a forked child process, its small JSON answer read back over a pipe.

Why fork: the build's parts are mostly Python, and two threads share one interpreter
lock, so on two cores a thread gains nothing; a forked child has its own interpreter
and a copy-on-write view of what the parent has built (nothing copied or re-parsed).
Used by the quick SHACL verdict (kg.validation.pending) and by the release writers
(kg.release.parallel), which both need only a small answer back.

The child sends {"answer": <JSON>} or {"error": "<type>: <message>"} and leaves with
os._exit, so none of the parent's cleanup (finally blocks, atexit, buffered output)
runs twice. Anything else (the child killed, crashed, exiting without a whole answer)
is a failure the caller reads in `failure`; never an answer.

A child is forked only from a process with one thread (`available()`): a fork copies
only the calling thread, and a lock another thread held at that moment would stay
held in the child.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any


def available() -> bool:
    """True where a child can be forked safely: os.fork exists and this process runs
    only one thread (a test's server thread, say, or a native library's thread pool,
    makes the caller run its work in line instead)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and _os_threads() == 1


def _os_threads() -> int:
    """Threads of this process as the kernel counts them (native ones too), where it
    says; else the interpreter's own count."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class Forked:
    """fn() running in a forked child; wait() for its answer, cancel() to stop it.
    A fork the system refuses raises OSError here (the caller then runs fn in line)."""

    def __init__(self, fn: Callable[[], Any]):
        self.failure: str | None = None  # why there is no answer, when there is none
        self._answer: Any = None
        sys.stdout.flush()  # else the child's copy of unwritten output is written twice
        sys.stderr.flush()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns into the caller's code
            os.close(read)
            _child(write, fn)
        os.close(write)
        self._pid: int | None = pid
        self._read: int | None = read
        self._status: int | None = None  # set by done() when it found the child ended

    @property
    def pid(self) -> int | None:
        """The child's process id while it has not been waited for (tests kill it)."""
        return self._pid

    def done(self) -> bool:
        """True when the child has ended (its answer, if any, waits in the pipe): what a
        caller asks before using the second core for something else."""
        if self._pid is None or self._status is not None:
            return True
        try:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
        except ChildProcessError:
            pid, status = self._pid, -1
        if pid == 0:
            return False
        self._status = status
        return True

    def wait(self) -> tuple[bool, Any]:
        """(True, answer) when the child answered whole; else (False, None), with the
        reason in `failure` (its error's text, or how it ended)."""
        if self._pid is None:
            return self.failure is None, self._answer
        chunks = []
        while chunk := os.read(self._read, 65536):  # until the child's end is closed
            chunks.append(chunk)
        status = self._reap()
        payload: dict = {}
        with contextlib.suppress(ValueError):
            found = json.loads(b"".join(chunks))
            payload = found if isinstance(found, dict) else {}
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and "answer" in payload):
            self.failure = str(payload.get("error") or _describe(status))
            return False, None
        self._answer = payload["answer"]
        return True, self._answer

    def cancel(self) -> None:
        """Stop the child if it still runs: nothing it would say is needed any more."""
        if self._pid is None:
            return
        with contextlib.suppress(ProcessLookupError):  # it had ended already
            os.kill(self._pid, signal.SIGKILL)
        self._reap()
        self.failure = self.failure or "cancelled"

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        os.close(self._read)
        self._read = None
        if self._status is not None:  # done() reaped it already
            return self._status
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:  # reaped elsewhere (a SIGCHLD handler): not known
            return -1


def _describe(status: int) -> str:
    if status == -1:
        return "the child process was reaped elsewhere"
    if os.WIFSIGNALED(status):
        return f"the child process was killed by signal {os.WTERMSIG(status)}"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        return f"the child process exited with status {os.WEXITSTATUS(status)}"
    return "the child process gave no whole answer"


def _child(write: int, fn: Callable[[], Any]) -> None:
    """In the forked child: fn's answer (or its error), written to the pipe; then _exit."""
    code = 1
    try:
        try:
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops it at once
            payload = {"answer": fn()}
        except BaseException as exc:  # noqa: BLE001 - reported, never raised here
            payload = {"error": f"{type(exc).__name__}: {exc}"[:4000]}
        data = json.dumps(payload).encode("utf-8")
        while data:
            data = data[os.write(write, data):]
        code = 0
    finally:
        os._exit(code)


__all__ = ["Forked", "available"]
