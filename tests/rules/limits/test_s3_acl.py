"""LIM012 on CloudFormation and Terraform shapes: ACLs on buckets whose ACLs are disabled, CloudFront logging."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

CFN = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  LogsBucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: LogDeliveryWrite
  CdnLogs:
    Type: AWS::S3::Bucket
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultCacheBehavior:
          TargetOriginId: o
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
        Origins:
          - Id: o
            DomainName: example.com
            CustomOriginConfig: {OriginProtocolPolicy: https-only}
        Logging:
          Bucket: !GetAtt CdnLogs.DomainName
"""

TF = """
resource "aws_s3_bucket" "logs" {
  bucket = "logs-dev"
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  acl    = "log-delivery-write"
}
"""

OWNED = """
resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}
"""


def _lim012(root: Path, platform: str, rel: str, text: str) -> list:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "metadata.json").write_text(json.dumps({"platform": platform,
                                                   "language": "yaml" if platform == "cfn" else "hcl"}))
    (root / rel).write_text(text)
    return [f for f in analyze(root, stages=("ingest", "graph", "check")).findings if f.rule == "LIM012"]


def test_cloudformation_bucket_acl_and_cloudfront_logging(tmp_path: Path) -> None:
    found = _lim012(tmp_path / "bad", "cfn", "lib/TapStack.yml", CFN)
    assert sorted((f.resource, f.line) for f in found) == [("Cdn", 22), ("LogsBucket", 6)]
    assert next(f for f in found if f.resource == "Cdn").error.startswith(
        "InvalidArgument: The S3 bucket that you specified for CloudFront logs does not enable ACL access")
    owned = CFN.replace("      AccessControl: LogDeliveryWrite\n",
                        "      AccessControl: LogDeliveryWrite\n      OwnershipControls:\n        Rules:\n"
                        "          - ObjectOwnership: BucketOwnerPreferred\n").replace(
        "    Type: AWS::S3::Bucket\n  Cdn:", "    Type: AWS::S3::Bucket\n    Properties:\n      OwnershipControls:\n"
        "        Rules:\n          - ObjectOwnership: ObjectWriter\n  Cdn:")
    assert _lim012(tmp_path / "good", "cfn", "lib/TapStack.yml", owned) == []


def test_terraform_acl_resource_needs_ownership_controls(tmp_path: Path) -> None:
    found = _lim012(tmp_path / "bad", "tf", "lib/main.tf", TF)
    assert [(f.resource, f.line, f.error) for f in found] == [
        ("aws_s3_bucket_acl.logs", 8, "AccessControlListNotSupported: The bucket does not allow ACLs")]
    assert _lim012(tmp_path / "good", "tf", "lib/main.tf", TF + OWNED) == []
