"""Stage 2, validation: the evidence checks (quotes in their sources, IRIs, labels) and
the SHACL shapes, reported as diagnostics with file:line.

May import: kg.core, kg.input.
"""
