"""Prompt -> requirements: which sentences ask, on which line, how strongly, and what is conditional."""

from __future__ import annotations

from iacqa.requirements.extract import MAY, MUST, SHOULD, extract

PROMPT = """# Payments API

Hey team, hope you're well.

## Background
Right now everything runs on one EC2 box. The current setup must be replaced.

## Core Requirements
1. **Compute**
   - Lambda functions with 512MB memory
   - X-Ray tracing should be enabled
2. **Data**
   - DynamoDB table with point-in-time recovery

## Constraints
- All S3 buckets must have versioning enabled
- If EnableRds=true, create an RDS instance in private subnets
- Multi-AZ only for production
- Lambda memory: dev (256MB), staging (512MB), prod (1024MB)

```python
bucket = s3.Bucket(self, "Data", versioned=True)  # must not be read as a requirement
```

## Optional Enhancements
- Add an SNS topic for alerts

Please also make sure the API uses throttling. Could you add a dashboard? It would be great to have a WAF.
"""


def _by_text() -> dict[str, object]:
    return {r.text: r for r in extract(PROMPT)}


def test_lines_and_list_items_are_kept() -> None:
    reqs = _by_text()
    assert reqs["Lambda functions with 512MB memory"].line == 10
    assert reqs["DynamoDB table with point-in-time recovery"].line == 13
    assert reqs["All S3 buckets must have versioning enabled"].line == 16


def test_background_code_and_greetings_are_not_requirements() -> None:
    texts = " ".join(_by_text())
    assert "EC2 box" not in texts and "current setup" not in texts
    assert "versioned=True" not in texts
    assert "Hey team" not in texts
    assert "Could you add a dashboard?" not in texts  # a question


def test_bold_list_items_are_headings_not_requirements() -> None:
    reqs = _by_text()
    assert "Compute" not in reqs and "Data" not in reqs
    assert "Compute" in reqs["Lambda functions with 512MB memory"].section


def test_strength_follows_wording_and_section() -> None:
    reqs = _by_text()
    assert reqs["All S3 buckets must have versioning enabled"].strength == MUST
    assert reqs["X-Ray tracing should be enabled"].strength == SHOULD
    assert reqs["Add an SNS topic for alerts"].strength == MAY
    assert reqs["It would be great to have a WAF."].strength == MAY


def test_conditional_and_environment_specific() -> None:
    reqs = _by_text()
    assert reqs["If EnableRds=true, create an RDS instance in private subnets"].conditional
    assert reqs["Multi-AZ only for production"].env_specific
    assert reqs["Lambda memory: dev (256MB), staging (512MB), prod (1024MB)"].env_specific
    assert not reqs["All S3 buckets must have versioning enabled"].conditional


def test_inline_numbered_steps_are_split_and_ids_are_stable() -> None:
    reqs = extract("The configuration must: 1. Create a VPC. 2. Deploy a NAT gateway. 3. Enable flow logs.")
    assert [r.text for r in reqs] == ["Create a VPC.", "Deploy a NAT gateway.", "Enable flow logs."]
    assert all(r.strength == MUST for r in reqs)
    assert [r.id for r in extract(PROMPT)] == [r.id for r in extract(PROMPT)]  # deterministic


def test_empty_and_odd_input_give_no_traceback() -> None:
    assert extract("") == []
    assert extract("```\nunclosed fence\n") == []
    assert extract("####\n- \n* **\n") == []
