"""Stage 5, the SPARQL endpoint: the SPARQL 1.1 Protocol blueprint, content negotiation,
result serialisers, the sandboxed query workers and the service description.

May import: the stages below (kg.core ... kg.store). Reaches the running app through
`state()`, never by importing kg.app.
"""
