"""A new release swapped in while the server runs, without a restart.

`kg build` switches the `dist` link to a complete release folder in one rename
(kg.release.swap). The server checks the link every `reload_interval` seconds (and at
once on SIGHUP); when it names another folder, the new release is loaded beside the old
one: the server's own store (pages, downloads) and, through the zygote, the query
workers' (executor.QueryPool.reload). Only then does it become current. A request is
pinned to the release that was current when it began (state.pin), a query to the
worker that runs it, and each response names its release (X-MGKG-Release), so no
response ever mixes two. The old release's folder stays on disk (swap keeps the one
before the current) for requests still reading it.

A release that fails to load is logged and skipped; the server keeps answering from the
one it has, and tries again only when the link changes again.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from ..release.swap import release_id
from ..store.store import RELEASE_DATASET, load_store
from .state import AppState, Runtime

log = logging.getLogger("kg.live")


class Live:
    def __init__(self, runtime: Runtime, link: Path, interval: float):
        self.runtime = runtime
        self.link = link
        self.interval = interval
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._failed: Path | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> Live:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kg-live", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.wake.wait(self.interval if self.interval > 0 else None)
            self.wake.clear()
            if self._stop.is_set():
                return
            try:
                self.check()
            except Exception:  # never let the watcher die; the next tick tries again
                log.exception("checking %s for a new release failed", self.link)

    def check(self) -> bool:
        """Swap in the release the link names now, if it is another one; True if done."""
        with self._lock:
            current = self.runtime.current
            try:
                target = self.link.resolve(strict=True)
            except OSError:
                return False
            if target == current.settings.dist_dir or target == self._failed:
                return False
            dataset = target / RELEASE_DATASET
            if not dataset.is_file():
                return False
            release = release_id(target)
            started = time.perf_counter()
            metrics = self.runtime.metrics
            try:
                settings = current.settings.with_(dist_dir=target)
                store = load_store(settings, dataset)
                if current.pool is not None:
                    current.pool.reload(dataset, release)
            except Exception as exc:
                self._failed = target
                log.error("the new release in %s did not load, still serving %s: %s",
                          target, current.release, exc)
                if metrics is not None:
                    metrics.reloads.labels("failed").inc()
                return False
            self._failed = None
            if self.runtime.admission is not None:
                self.runtime.admission.forget_queries()
            self.runtime.current = AppState(settings, store, current.pool, {}, release)
            for hook in self.runtime.extras.get("on_swap", ()):
                hook(release)  # e.g. the page cache drops the old release's pages
            if metrics is not None:
                metrics.reloads.labels("ok").inc()
            log.info("now serving release %s (was %s), swapped in in %.2f s", release,
                     current.release, time.perf_counter() - started)
            return True
