"""`/metrics` in Prometheus' text format, from the `prometheus_client` library.

One registry per app (not the library's global one), so that several apps in one
process (the tests run many) count apart. Counters that other parts already keep (the
pool's timeouts and worker restarts, admission's rejections) are read from them when
scraped, rather than mirrored, so the two can never disagree.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._children: dict[tuple, object] = {}
        self.requests = Counter("mgkg_http_requests", "HTTP requests answered, by status "
                                "class and route kind", ["status", "kind"], registry=r)
        self.queries = Counter("mgkg_queries", "SPARQL queries evaluated, by lane and "
                               "status", ["lane", "status"], registry=r)
        self.rejections = Counter("mgkg_query_rejections", "queries refused by admission "
                                  "control (429 budget, 503 waited its whole limit)",
                                  ["status"], registry=r)
        self.pages = Counter("mgkg_page_cache", "page requests by cache outcome",
                             ["outcome"], registry=r)
        self.reloads = Counter("mgkg_release_reloads", "releases swapped in while serving, "
                               "by outcome", ["outcome"], registry=r)
        self.connections_refused = Counter(
            "mgkg_connections_refused", "connections closed at once or for a deadline, by "
            "reason", ["reason"], registry=r)
        self.answers = Counter("mgkg_answer_cache", "SPARQL answers by cache outcome (hit, "
                               "miss, revalidated: a 304)", ["outcome"], registry=r)
        self.connections = Gauge("mgkg_connections_open", "open client connections",
                                 registry=r)
        r.register(_PoolCollector(runtime))

    def answered(self, answer, heavy: bool) -> None:
        self.queries.labels("heavy" if heavy else "light", str(answer.status)).inc()

    def answer_cache(self, outcome: str) -> None:
        self._child(self.answers, outcome).inc()

    def _child(self, metric, *labels: str):
        """A labelled child, looked up once: the fast path counts every request."""
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def rejected(self, status: int) -> None:
        self.rejections.labels(str(status)).inc()

    def request(self, status: int, kind: str) -> None:
        self._child(self.requests, f"{status // 100}xx", kind).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _PoolCollector:
    """The query pool's and admission's own counters, read at scrape time."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime

    def describe(self):
        return []

    def collect(self):
        pool = self.runtime.pool
        timeouts = CounterMetricFamily("mgkg_query_timeouts", "queries stopped at the "
                                       "time limit (their worker killed and replaced)")
        timeouts.add_metric([], getattr(pool, "timeouts", 0))
        yield timeouts
        restarts = CounterMetricFamily("mgkg_worker_restarts", "query workers replaced "
                                       "after a timeout, a crash or memory exhaustion")
        restarts.add_metric([], getattr(pool, "timeouts", 0) + getattr(pool, "crashes", 0))
        yield restarts
        alive = GaugeMetricFamily("mgkg_workers_alive", "query worker processes alive")
        alive.add_metric([], getattr(pool, "alive", 0))
        yield alive
        admission = self.runtime.admission
        if admission is not None:
            snap = admission.snapshot()
            for name in ("heavy_running", "heavy_waiting", "clients"):
                gauge = GaugeMetricFamily(f"mgkg_admission_{name}", f"admission: {name}")
                gauge.add_metric([], snap[name])
                yield gauge
            demoted = CounterMetricFamily("mgkg_queries_demoted", "light-lane queries found "
                                          "heavy (ran past light_seconds)")
            demoted.add_metric([], snap["demoted"])
            yield demoted
