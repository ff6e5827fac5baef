"""Stage 3, the release: a validated corpus written atomically to dist/ in every
serialisation, with its VoID/DCAT description, checksums and build report.

May import: kg.core, kg.input, kg.validation.
"""
