"""Which IaC tool and language a project uses: metadata.json first, then the files themselves."""

from __future__ import annotations

import json
import re
from pathlib import Path

# metadata.json platform values seen in TAP tasks -> our short names
_PLATFORMS = {
    "pulumi": "pulumi", "cdktf": "cdktf", "tf": "tf", "terraform": "tf", "cdk": "cdk", "cfn": "cfn",
    "cloudformation": "cfn",
}
_LANGS = {"py": "py", "python": "py", "hcl": "hcl", "yaml": "yaml", "yml": "yaml", "json": "json", "ts": "ts",
          "typescript": "ts", "js": "js", "go": "go", "java": "java"}


def read_metadata(root: Path) -> dict:
    try:
        data = json.loads((root / "metadata.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def from_metadata(meta: dict) -> tuple[str, str]:
    platform = _PLATFORMS.get(str(meta.get("platform", "")).lower(), "")
    language = _LANGS.get(str(meta.get("language", "")).lower(), "")
    return platform, language


def sniff(files: dict[str, str]) -> tuple[str, str]:
    """Guess platform and language from file names and contents."""
    py = "\n".join(t for p, t in files.items() if p.endswith(".py"))
    if re.search(r"^\s*(import pulumi|from pulumi)", py, re.M):
        return "pulumi", "py"
    if re.search(r"^\s*(from cdktf|import cdktf)", py, re.M):
        return "cdktf", "py"
    if re.search(r"^\s*(import aws_cdk|from aws_cdk)", py, re.M):
        return "cdk", "py"
    if any(p.endswith(".tf") for p in files):
        return "tf", "hcl"
    for p, t in files.items():
        if p.endswith((".yml", ".yaml")) and re.search(r"^(AWSTemplateFormatVersion|Resources):", t, re.M):
            return "cfn", "yaml"
        if p.endswith(".json") and re.search(r'"(AWSTemplateFormatVersion|Resources)"\s*:', t):
            return "cfn", "json"
    return "", ""
