"""Negative facts (owl:NegativePropertyAssertion) as a page shows them: "IOM has no
mandate for protection of migrants' rights" is evidence too, and a page that left it out
would let a reader take silence for ignorance. Each carries its own quote."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from .common import OWL, RdfTerm, iri_node
from .view import Fact, Group, Node, View, dedupe_evidence

SOURCE_IND = iri_node(OWL + "sourceIndividual")
TARGET_IND = iri_node(OWL + "targetIndividual")
TARGET_VAL = iri_node(OWL + "targetValue")
ASSERTION_P = iri_node(OWL + "assertionProperty")


def negative_groups(v: View, term: RdfTerm) -> list[Group]:
    """What the sources say `term` is not or does not have (term as the subject), then
    what they say other things are not to it (term as the object, with an arrow)."""
    rows: dict[tuple[str, str], list] = defaultdict(list)
    preds: dict[tuple[str, str], Node] = {}
    for role, other_p, arrow in ((SOURCE_IND, (TARGET_IND, TARGET_VAL), ""),
                                 (TARGET_IND, (SOURCE_IND,), "← ")):
        for q in v.quads(None, role, term):
            npa = q.subject
            prop = v.value(npa, ASSERTION_P)
            other = next((o for p in other_p if (o := v.value(npa, p)) is not None), None)
            if not isinstance(prop, ox.NamedNode) or other is None:
                continue
            pnode = v.node(prop)
            key = (arrow, prop.value)
            preds[key] = Node(f"{arrow}not {pnode.text}", "iri", iri=pnode.iri, href=pnode.href)
            rows[key].append((other, v.evidence(npa)))
    groups = []
    for key, items in rows.items():
        by_value: dict[RdfTerm, list] = defaultdict(list)
        for other, ev in items:
            by_value[other].append(ev)
        facts = [Fact(v.node(o), dedupe_evidence(evs)) for o, evs in by_value.items()]
        facts.sort(key=lambda f: f.value.text.casefold())
        groups.append(Group(preds[key], facts))
    groups.sort(key=lambda g: g.predicate.text.casefold())
    return groups
