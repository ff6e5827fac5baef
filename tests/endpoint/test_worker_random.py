"""Query workers forked from one zygote draw different random numbers.

pyoxigraph's RAND(), UUID() and STRUUID() (and its fresh blank-node ids) come from a
per-thread generator that is not reseeded on fork. The zygote's thread has used it
before the first worker exists (loading a release with blank nodes does, and so does its
warm-up), so two workers answering from that thread would give the same "random" values,
the same UUIDs included. Each worker therefore evaluates in a thread of its own, whose
generator is seeded from the operating system when first used (zygote.py).
"""

from __future__ import annotations

import json

from kg.endpoint.evaluate import Job
from kg.endpoint.executor import QueryPool
from kg.store.store import load_store

RANDOM = "SELECT (STRUUID() AS ?u) (STR(RAND()) AS ?r) WHERE {}"


def _values(answer) -> tuple[str, str]:
    assert answer.status == 200, answer.body
    row = json.loads(answer.body)["results"]["bindings"][0]
    return row["u"]["value"], row["r"]["value"]


def test_two_workers_first_uuid_and_rand_differ(mini_settings):
    pool = QueryPool(load_store(mini_settings), mini_settings.with_(workers=2)).start()
    try:
        assert pool.size == 2
        # Idle workers are taken first in, first out, so the first two jobs go to the
        # two workers, each its first query, and the next two to each one again.
        answers = [_values(pool.run(Job(RANDOM, format="json"), 10)) for _ in range(4)]
    finally:
        pool.close()
    uuids = [u for u, _ in answers]
    rands = [r for _, r in answers]
    assert len(set(uuids)) == 4, uuids
    assert len(set(rands)) == 4, rands


def test_a_replacement_worker_draws_its_own_values(mini_settings):
    """A worker forked later (after a timeout, a crash or a heavy query) is a fresh fork
    of the same zygote, so it too must not repeat the first worker's values."""
    pool = QueryPool(load_store(mini_settings), mini_settings.with_(workers=1)).start()
    try:
        first = _values(pool.run(Job(RANDOM, format="json"), 10))
        stuck = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        assert pool.run(Job(stuck, format="json"), 0.5).status == 503  # killed, replaced
        second = _values(pool.run(Job(RANDOM, format="json"), 10))
    finally:
        pool.close()
    assert first[0] != second[0] and first[1] != second[1]
