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

The fork, the pipe and the reaping are kg.core.forked's. A child is forked only from a
process with one thread (`available()`); elsewhere the caller runs conforms() itself,
one step after the other.
"""

from __future__ import annotations

import logging
import os  # noqa: F401 - tests refuse the fork through pending.os

from ..core.cache import Cache
from ..core.forked import Forked, available
from ..input.corpus import Corpus
from .verdict import conforms

log = logging.getLogger(__name__)


class Pending:
    """conforms(corpus, cache) running in a forked child; wait() for its answer
    (timings of the child's steps are added to `timings` then), cancel() to stop it.

    Started right after parsing, so it runs beside the checks, the coverage, the
    assembly and the writers of the parent, which publishes only on wait() == True."""

    def __init__(self, corpus: Corpus, cache: Cache, timings: dict[str, float]):
        self._timings = timings
        self._child = Forked(lambda: _verdict(corpus, cache))  # OSError: run in line

    @property
    def pid(self) -> int | None:
        """The child's process id while it has not been waited for (tests kill it)."""
        return self._child.pid

    @property
    def failure(self) -> str | None:
        """Why the answer is not known, when it is not."""
        return self._child.failure

    def done(self) -> bool:
        """True when the child has ended (wait() will not block)."""
        return self._child.done()

    def wait(self) -> bool:
        """True only when the child answered, whole, that the graph conforms."""
        whole, answer = self._child.wait()
        conforms_ = answer.get("conforms") if isinstance(answer, dict) else None
        if not whole or not isinstance(conforms_, bool):
            if self._child.failure is None:
                self._child.failure = "the child process gave no whole answer"
            log.info("the shapes' verdict is not known (%s): validating the slow way",
                     self._child.failure)
            return False
        self._timings.update(answer.get("timings", {}))
        return conforms_

    def cancel(self) -> None:
        """Stop the child if it still runs (the checks found something, or the build
        failed): nothing it would say is needed any more."""
        self._child.cancel()


def _verdict(corpus: Corpus, cache: Cache) -> dict:
    """In the child: the verdict and the timings of its steps."""
    timings: dict[str, float] = {}
    return {"conforms": bool(conforms(corpus, cache, timings)), "timings": timings}


__all__ = ["Pending", "available"]
