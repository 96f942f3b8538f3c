"""Job-matching engine for a public employment service."""

__version__ = "0.1.0"
