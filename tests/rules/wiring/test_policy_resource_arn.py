"""WIR013 on CloudFormation and Terraform shapes: a policy Resource written as the bucket's name."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.pipeline import analyze

CFN = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DataBucket:
    Type: AWS::S3::Bucket
  ReaderRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: !Sub '${DataBucket}/*'
              - Effect: Allow
                Action: s3:ListBucket
                Resource: !GetAtt DataBucket.Arn
              - Effect: Allow
                Action: s3:GetObject
                Resource: !Sub 'arn:${AWS::Partition}:s3:::${DataBucket}/*'
  DataBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DataBucket
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: '*'
            Action: s3:*
            Resource: !Ref DataBucket
            Condition: {Bool: {aws:SecureTransport: 'false'}}
"""

TF = """
resource "aws_s3_bucket" "data" {
  bucket = "data-dev"
}

resource "aws_iam_role" "reader" {
  name = "reader-dev"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "read" {
  role = aws_iam_role.reader.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.data.id}/*" },
      { Effect = "Allow", Action = ["s3:ListBucket"], Resource = aws_s3_bucket.data.arn },
    ]
  })
}
"""


def _wir013(tmp_path: Path, platform: str, rel: str, text: str) -> list:
    (tmp_path / "lib").mkdir(parents=True, exist_ok=True)
    (tmp_path / "metadata.json").write_text(json.dumps({"platform": platform, "language": "yaml" if platform == "cfn"
                                                        else "hcl"}))
    (tmp_path / rel).write_text(text)
    return [f for f in analyze(tmp_path, stages=("ingest", "graph", "check")).findings if f.rule == "WIR013"]


def test_cloudformation_name_where_the_arn_was_meant(tmp_path: Path) -> None:
    found = _wir013(tmp_path, "cfn", "lib/TapStack.yml", CFN)
    assert sorted((f.resource, f.line) for f in found) == [("DataBucketPolicy", 37), ("ReaderRole", 21)]
    role = next(f for f in found if f.resource == "ReaderRole")
    assert role.error.startswith("MalformedPolicyDocument: Resource ") and role.error.endswith(
        'must be in ARN format or "*".')
    bucket = next(f for f in found if f.resource == "DataBucketPolicy")
    assert bucket.error == "MalformedPolicy: Policy has invalid resource"


def test_terraform_bucket_id_in_a_policy(tmp_path: Path) -> None:
    found = _wir013(tmp_path, "tf", "lib/main.tf", TF)
    assert [(f.resource, f.line) for f in found] == [("aws_iam_role_policy.read", 19)]
    fixed = TF.replace("aws_s3_bucket.data.id}/*", "aws_s3_bucket.data.arn}/*")
    assert _wir013(tmp_path / "good", "tf", "lib/main.tf", fixed) == []


def test_a_ref_whose_value_is_an_arn_is_not_judged(tmp_path: Path) -> None:
    # CDK's rds cluster secret: the policy names the SecretTargetAttachment's Ref, which is the secret's ARN; the
    # graph's stand-in id for it is not an ARN, but AWS returns one (cdk-py Pr7440 ideal)
    text = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
  Attachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref Secret
      TargetId: cluster-1
      TargetType: AWS::RDS::DBCluster
  Reader:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: !Ref Attachment
"""
    assert _wir013(tmp_path, "cfn", "lib/TapStack.yml", text) == []
