"""Stage 1, the inputs: the source texts (seeds) and the curated Turtle files of data/,
read with line numbers so that every later error can name a file and line.

May import: kg.core.
"""
