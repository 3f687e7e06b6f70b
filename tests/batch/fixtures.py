"""Small inputs of the batch, audit, quality and dashboard tests, written by the tests themselves: a CloudFormation
task whose model response has two blockers and a naming slip that the ideal response fixes, with a written failure
analysis, and fake result lines in the shape of the JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MODEL = """Here is the template.

```yaml
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  EnvironmentSuffix:
    Type: String
    Default: dev
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub 'orders-${EnvironmentSuffix}'
      MessageRetentionPeriod: 30
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub 'jobs-${EnvironmentSuffix}'
      VisibilityTimeout: 50000
  AlertsTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
Outputs:
  QueueUrl:
    Value: !Ref OrdersQueue
```
"""

IDEAL = """```yaml
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  EnvironmentSuffix:
    Type: String
    Default: dev
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub 'orders-${EnvironmentSuffix}'
      MessageRetentionPeriod: 345600
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub 'jobs-${EnvironmentSuffix}'
      VisibilityTimeout: 300
  AlertsTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub 'alerts-${EnvironmentSuffix}'
Outputs:
  QueueUrl:
    Value: !Ref OrdersQueue
```
"""

# Claim 1: quoted value in MODEL (present) and a real blocker (LIM001 on OrdersQueue confirms it).
# Claim 2: the fix is only in IDEAL (fixed-in-ideal), confirmed by HYG001 (environment suffix).
# Claim 3: quotes code that is in neither response (absent: a generic checklist item).
# Claim 4: advice with nothing to check (not-checkable).
# The VisibilityTimeout blocker on JobsQueue is not mentioned: a missed blocker.
FAILURES = """# Model Failures

## Critical Failures

### 1. SQS retention below the minimum (Category B - Configuration)

**Problem**: the queue sets `MessageRetentionPeriod: 30`; SQS rejects anything under 60 seconds.

**Fix**: keep messages four days.

### 2. Topic name without the environment suffix

**Problem**: two stacks of the same template collide on the topic name.

**Fix**:
```yaml
      TopicName: !Sub 'alerts-${EnvironmentSuffix}'
```

### 3. Lambda timeout above the queue visibility

**Problem**: the function sets `Timeout: 900` while the queue keeps messages invisible for 30 seconds.

### 4. Observability could be better

Consider adding dashboards and more alarms for operations.

## What the Model Got Right

### 1. Outputs

The stack exports `QueueUrl`.
"""


def write_task(root: Path, name: str = "Pr0001", platform: str = "cfn-yaml", training_quality: Any = 8,
               failures: str | None = FAILURES) -> Path:
    """A task directory like the corpus ones: metadata.json and lib/{PROMPT,MODEL_RESPONSE,IDEAL_RESPONSE,
    MODEL_FAILURES}.md."""
    task = root / platform / name
    (task / "lib").mkdir(parents=True, exist_ok=True)
    meta = {"platform": "cfn", "language": "yaml", "aws_services": ["SQS", "SNS"]}
    if training_quality is not None:
        meta["training_quality"] = training_quality
    (task / "metadata.json").write_text(json.dumps(meta))
    (task / "lib" / "PROMPT.md").write_text("Create two SQS queues and an SNS topic in us-east-1.\n")
    (task / "lib" / "MODEL_RESPONSE.md").write_text(MODEL)
    (task / "lib" / "IDEAL_RESPONSE.md").write_text(IDEAL)
    if failures is not None:
        (task / "lib" / "MODEL_FAILURES.md").write_text(failures)
    return task


def finding(rule: str, category: str, severity: str = "high", blocking: bool = False, **kw: Any) -> dict[str, Any]:
    base = {"rule": rule, "category": category, "severity": severity, "title": kw.pop("title", f"{rule} title"),
            "message": kw.pop("message", f"{rule} message"), "file": kw.pop("file", "lib/TapStack.yml"),
            "line": kw.pop("line", 1), "md_line": kw.pop("md_line", None), "resource": kw.pop("resource", None),
            "attribute": kw.pop("attribute", None), "symbol": kw.pop("symbol", None), "suppressed": None,
            "blocking": blocking, "fingerprint": kw.pop("fingerprint", f"fp-{rule}-{kw.get('n', 0)}")}
    kw.pop("n", None)
    base.update(kw)
    return base


def result(task: str, response: str, platform: str = "cfn", language: str = "yaml",
           findings: list[dict[str, Any]] | None = None, seconds: float = 1.0, by_type: dict[str, int] | None = None,
           error: str | None = None, graph_status: str = "ok", **extra: Any) -> dict[str, Any]:
    """A result line in the shape `iacqa batch` writes."""
    findings = findings or []
    if error:
        return {"task": {"path": task, "response": response}, "findings": [], "error": error,
                "batch_seconds": seconds}
    by_type = {"AWS::SQS::Queue": 1} if by_type is None else by_type
    blockers = [f["fingerprint"] for f in findings if f.get("blocking")]
    data = {"schema_version": "1.0", "task": {"path": task, "platform": platform, "language": language,
                                              "response": response},
            "stages": [{"name": "ingest", "status": "ok", "seconds": 0.01, "detail": ""},
                       {"name": "graph", "status": graph_status, "seconds": seconds * 0.7, "detail": ""},
                       {"name": "check", "status": "ok", "seconds": seconds * 0.2, "detail": ""}],
            "verdict": {"deployable": not blockers, "blockers": blockers},
            "summary": {"total": len(findings)},
            "graph": {"resources": sum(by_type.values()), "by_type": by_type},
            "findings": findings, "error": None, "batch_seconds": seconds}
    data.update(extra)
    return data


def write_results(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
