"""LIM015: values whose form the AWS API documentation (botocore's service models) rules out and the
CloudFormation schema does not: a security group name starting with `sg-`, an AWS Backup vault key given as a
KMS alias name instead of a key ARN."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.limits._botodoc import botocore_version, quote
from iacqa.rules.limits.api_combinations import field
from iacqa.rules.wiring._native import is_type, unknown_value

SECURITY_GROUP = ("AWS::EC2::SecurityGroup", "aws_security_group", "aws:ec2/securityGroup:SecurityGroup")
BACKUP_VAULT = ("AWS::Backup::BackupVault", "aws_backup_vault", "aws:backup/vault:Vault")
_SYNTHETIC = ("Calling __str__", "[object ", "{{resolve:")


def _literal(ctx: RuleContext, r: Resource, value: Any) -> bool:
    """A string the user wrote (or that resolved from what they wrote), not a placeholder or another resource's
    identity made up by the front end."""
    if not isinstance(value, str) or not value or unknown_value(value) or any(s in value for s in _SYNTHETIC):
        return False
    hit = ctx.graph.resolve(value)
    return hit is None or hit[0].id == r.id


class ApiValueForm(Rule):
    """A value in a form the AWS API documentation rules out, where the CloudFormation schema is silent.

    What it finds: (1) a security group whose `GroupName` (`name`, or `name_prefix`, which starts the name) begins
    with `sg-`; (2) an AWS Backup vault whose `EncryptionKeyArn` (`kms_key_arn`) is a KMS alias name (`alias/...`)
    instead of a key ARN. Unresolved values and names the tool generates are not judged.
    Why it breaks: EC2 reserves the `sg-` prefix for group ids and refuses CreateSecurityGroup; AWS Backup needs the
    key's ARN (the Terraform provider already refuses a value that is not an ARN at plan), so the vault is not
    created and everything that backs up into it fails after it.
    Bad: `aws_security_group { name_prefix = "sg-synthetics-" }`; `EncryptionKeyArn: alias/aws/backup`.
    Good: `name_prefix = "synthetics-"`; `EncryptionKeyArn: !GetAtt BackupKey.Arn` (or leave it out: the vault is
    encrypted with the AWS managed key `aws/backup` by default).
    What AWS says: EC2 `InvalidParameterValue: Value (sg-synthetics-...) for parameter GroupName is invalid. Group
    names may not be in the format sg-*.`; botocore ec2 CreateSecurityGroup GroupName: "Constraints: Up to 255
    characters in length. Can't start with sg-."; botocore backup CreateBackupVault EncryptionKeyArn: "The
    server-side encryption key that is used to protect your backups; for example,
    arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab."; the Terraform provider:
    `"kms_key_arn" (alias/aws/backup) is an invalid ARN`.
    References: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html ,
    https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html
    """

    id = "LIM015"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "value in a form the AWS API documentation rules out"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if is_type(r, SECURITY_GROUP):
                yield from self._group_name(ctx, r)
            elif is_type(r, BACKUP_VAULT):
                yield from self._vault_key(ctx, r)

    def _group_name(self, ctx: RuleContext, r: Resource) -> Iterator[Finding]:
        for cfn, native in (("GroupName", "name"), (None, "name_prefix")):
            value, attr = field(r, cfn, native)
            if not _literal(ctx, r, value) or not value.startswith("sg-"):
                continue
            doc = quote("ec2", "CreateSecurityGroup", "GroupName", r"^Constraints",
                        "Constraints: Up to 255 characters in length. Can't start with sg-.", sentences=2)
            yield self.finding(
                f"security group {r.id}: {attr} {value!r} starts with `sg-`, the prefix EC2 keeps for group ids",
                resource=r, attribute=attr,
                error=f"InvalidParameterValue: Value ({value}) for parameter GroupName is invalid. Group names may not "
                "be in the format sg-*.",
                fix=f"{attr} = {value[3:] or 'web'!r} (any name that does not start with sg-)",
                evidence=f"botocore {botocore_version()} ec2 model, CreateSecurityGroup GroupName: \"{doc}\"",
                check="security_group_name", value=value)
            return

    def _vault_key(self, ctx: RuleContext, r: Resource) -> Iterator[Finding]:
        value, attr = field(r, "EncryptionKeyArn", "kms_key_arn")
        if not isinstance(value, str) or not value.startswith("alias/"):
            return
        hit = ctx.graph.resolve(value)
        if not _literal(ctx, r, value) and not (hit and hit[0].type == "AWS::KMS::Alias" and not unknown_value(value)):
            return  # an alias resource's name is "alias/..." by construction: passing it is the mistake itself
        doc = quote("backup", "CreateBackupVault", "EncryptionKeyArn", r"arn:aws:kms",
                    "The server-side encryption key that is used to protect your backups; for example, "
                    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab.")
        yield self.finding(
            f"backup vault {r.id}: {attr} is the KMS alias name {value!r}; AWS Backup takes the key's ARN",
            resource=r, attribute=attr,
            error=f"CreateBackupVault refuses EncryptionKeyArn {value!r}: not a KMS key ARN"
            + (f" (Terraform: \"{attr}\" ({value}) is an invalid ARN)" if attr == "kms_key_arn" else ""),
            fix=f"remove {attr} to use the AWS managed key aws/backup, or pass a customer managed key's ARN "
            "(arn:aws:kms:<region>:<account>:key/<key-id>, e.g. the key resource's Arn attribute)",
            evidence=f"botocore {botocore_version()} backup model, CreateBackupVault EncryptionKeyArn: \"{doc}\"",
            check="backup_vault_key", value=value)
