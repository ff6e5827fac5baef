"""Stage 6, the web face: HTML and linked-data pages, one module per kind of resource
(things, sources, the ontology, the data set and downloads, the query page).

May import: the stages below (kg.core ... kg.endpoint). Reaches the running app through
`kg.endpoint.state`, never by importing kg.app.
"""

from .pages import bp

__all__ = ["bp"]
