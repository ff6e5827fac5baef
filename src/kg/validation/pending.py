"""The quick SHACL verdict (kg.validation.verdict.conforms) in a forked child process.

Why a process and not a thread: the verdict is mostly Python until the engine starts
(the shapes' lint parses every SPARQL query with rdflib, the graph is converted to
N-Triples text), and in a thread that Python competes with the build's own assembly
and writers for the interpreter lock (on the real graph the shapes' loading took
1.5-1.9 s in a thread against 0.6 s alone). A forked child has its own interpreter on
the second core and a copy-on-write view of the parsed corpus: nothing is pickled or
parsed again.

What comes back over the pipe is only the verdict: {"conforms": bool, "timings": {...}}
or {"error": "<type>: <message>"}. Anything else (the child killed, crashed, exiting
without a whole answer, an error inside it) is "not known to be valid": the caller then
validates the slow way, whose report says why (a refused shape is refused there again,
with the same message), and never publishes on such an answer.

A child is forked only from a process with one thread (`available()`): a fork copies
only the calling thread, and a lock another thread held at that moment would stay held
in the child. Elsewhere the caller runs conforms() itself, one step after the other.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading

from ..core.cache import Cache
from ..input.corpus import Corpus
from .verdict import conforms

log = logging.getLogger(__name__)


def available() -> bool:
    """True where the verdict can be forked safely: os.fork exists and this process
    runs only one thread (a test's server thread, say, or a native library's thread
    pool, makes it run in line instead)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and _os_threads() == 1


def _os_threads() -> int:
    """Threads of this process as the kernel counts them (native ones too), where it
    says; else the interpreter's own count."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class Pending:
    """conforms(corpus, cache) running in a forked child; wait() for its answer
    (timings of the child's steps are added to `timings` then), cancel() to stop it.

    Started right after parsing, so it runs beside the checks, the coverage, the
    assembly and the writers of the parent, which publishes only on wait() == True."""

    def __init__(self, corpus: Corpus, cache: Cache, timings: dict[str, float]):
        self._timings = timings
        self._answer: bool | None = None
        self.failure: str | None = None  # why the answer is not known, when it is not
        sys.stdout.flush()  # else the child's copy of unwritten output is written twice
        sys.stderr.flush()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process or memory to fork with: the caller runs in line
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns into the caller's code
            os.close(read)
            _child(write, corpus, cache)
        os.close(write)
        self._pid: int | None = pid
        self._read: int | None = read

    @property
    def pid(self) -> int | None:
        """The child's process id while it has not been waited for (tests kill it)."""
        return self._pid

    def wait(self) -> bool:
        """True only when the child answered, whole, that the graph conforms."""
        if self._pid is None:
            return bool(self._answer)
        chunks = []
        while chunk := os.read(self._read, 65536):  # until the child's end is closed
            chunks.append(chunk)
        status = self._reap()
        payload: dict = {}
        with contextlib.suppress(ValueError):
            found = json.loads(b"".join(chunks))
            payload = found if isinstance(found, dict) else {}
        answer = payload.get("conforms")
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
                and isinstance(answer, bool)):
            self.failure = str(payload.get("error") or _describe(status))
            log.info("the shapes' verdict is not known (%s): validating the slow way",
                     self.failure)
            self._answer = False
            return False
        self._timings.update(payload.get("timings", {}))
        self._answer = answer
        return answer

    def cancel(self) -> None:
        """Stop the child if it still runs (the checks found something, or the build
        failed): nothing it would say is needed any more."""
        if self._pid is None:
            return
        with contextlib.suppress(ProcessLookupError):  # it had ended already
            os.kill(self._pid, signal.SIGKILL)
        self._reap()
        self._answer = False

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        os.close(self._read)
        self._read = None
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


def _child(write: int, corpus: Corpus, cache: Cache) -> None:
    """In the forked child: the verdict, written to the pipe; then _exit, so none of the
    parent's cleanup (finally blocks, atexit, buffered output) runs twice."""
    code = 1
    try:
        try:
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops it at once
            timings: dict[str, float] = {}
            payload = {"conforms": bool(conforms(corpus, cache, timings)),
                       "timings": timings}
        except BaseException as exc:  # noqa: BLE001 - reported, never raised here
            payload = {"error": f"{type(exc).__name__}: {exc}"[:4000]}
        data = json.dumps(payload).encode("utf-8")
        while data:
            data = data[os.write(write, data):]
        code = 0
    finally:
        os._exit(code)


__all__ = ["Pending", "available"]
