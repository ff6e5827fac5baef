"""Stage 0, shared by all: errors, IRI namespaces and the one Settings object.

May import: nothing of kg.
"""
