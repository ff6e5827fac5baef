"""mgkg: the Migration Governance Knowledge Graph."""

__version__ = "0.1.0"
