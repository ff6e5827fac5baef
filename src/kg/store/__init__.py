"""Stage 4, the store: the release loaded into pyoxigraph, and the one query path
(union of the named graphs as a set) that `kg query`, the pages and the tests share.

May import: kg.core, kg.input, kg.validation, kg.release (to build when no release exists).
"""
