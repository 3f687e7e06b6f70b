"""iacqa: offline quality check for AI-generated AWS infrastructure-as-code."""

__version__ = "0.1.0"
