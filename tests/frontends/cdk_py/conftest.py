"""Shared fixtures: one synth per module (each costs ~10-20 s and ~1 GB for node)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CDK = FIXTURES / "cdk"
CONTRACT = FIXTURES / "contract" / "cdk"

needs_cdk = pytest.mark.skipif(importlib.util.find_spec("aws_cdk") is None, reason="cdk extra not installed")
needs_cfn = pytest.mark.skipif(importlib.util.find_spec("iacqa.frontends.cloudformation") is None
                               or importlib.util.find_spec("iacqa.frontends.cloudformation.graph") is None,
                               reason="the CloudFormation front end is not installed")


def py_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py") if "__pycache__" not in p.parts)
