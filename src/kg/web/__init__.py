"""Stage 6, the web face: HTML and linked-data pages, one module per kind of resource:
things under /id/ (things.py), source documents and named graphs (sources.py), the
ontology (ontology.py), the data set and the downloads (dataset.py) and the query page
(querypage.py), on what they share (common.py: negotiation, responses; view.py: reading
the store for a page). Pictures: a thing's neighbourhood as JSON for static/graph.js
(neighbourhood.py), charts of a measure's figures (figchart.py), the class tree of the
browse index and the ontology page (classtree.py).

May import: the stages below (kg.core ... kg.endpoint). Reaches the running app through
`kg.endpoint.state`, never by importing kg.app.
"""

from . import (  # noqa: F401  (registers routes)
    api,
    citation,
    compare,
    dataset,
    mount,
    neighbourhood,
    ontology,
    querypage,
    search,
    sources,
    things,
    why,
)
from .common import bp

__all__ = ["bp"]
