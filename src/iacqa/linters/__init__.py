"""Adapters: external linters and scanners -> Findings."""
