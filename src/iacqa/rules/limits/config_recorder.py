"""LIM008: an AWS Config recording group PutConfigurationRecorder rejects (AllSupported with a resource list...)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value

TYPES = ("AWS::Config::ConfigurationRecorder", "aws_config_configuration_recorder",
         "aws:cfg/recorder:Recorder")
_ERROR = "InvalidRecordingGroupException: The recording group provided is not valid"
# botocore's config model (service-2.json, 2014-11-12), RecordingGroup members and InvalidRecordingGroupException.
_DOC_ALL = ("If you set this field to true, you cannot enumerate specific resource types to record in the "
            "resourceTypes field of RecordingGroup, or to exclude in the resourceTypes field of "
            "ExclusionByResourceTypes.")
_DOC_EXCLUSION = ("Setting the allSupported field of RecordingGroup to true, but also setting the useOnly field of "
                  "RecordingStrategy to EXCLUSION_BY_RESOURCE_TYPES.")
_DOC_GLOBAL = "Before you set this field to true, set the allSupported field of RecordingGroup to true."


def _flag(value: Any) -> bool | None:
    """True/False as written (bools, "true"/"false" strings); None when absent or unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _group(r: Resource) -> tuple[dict[str, Any] | None, str]:
    value, path = prop(r, "RecordingGroup", "recording_group")
    value = one(value)
    return (value if isinstance(value, dict) else None), path


def _get(group: dict[str, Any], *names: str) -> tuple[Any, str | None]:
    for n in names:
        if n in group:
            return group[n], n
    return None, None


class ConfigRecordingGroupConflict(Rule):
    """An AWS Config configuration recorder whose recording group combines settings Config rejects.

    What it finds: a `recording_group` (CloudFormation `RecordingGroup`) with `all_supported = true` together with
    a non-empty `resource_types` list, or with `recording_strategy.use_only = "EXCLUSION_BY_RESOURCE_TYPES"`; and
    `include_global_resource_types = true` with `all_supported = false` written out.
    Why it breaks: PutConfigurationRecorder validates the recording group as a whole and refuses these
    combinations: the recorder is not created and the deploy stops there (the delivery channel and the rules that
    need a recorder fail after it).
    Bad: `recording_group { all_supported = true  resource_types = ["AWS::S3::Bucket"] }`;
    `recording_group { all_supported = false  include_global_resource_types = true  resource_types = [...] }`.
    Good: `recording_group { all_supported = true  include_global_resource_types = true }` to record everything,
    or `recording_group { all_supported = false  resource_types = ["AWS::S3::Bucket", "AWS::IAM::Role"] }` to
    record a list (global IAM types are recorded by naming them).
    What AWS says: `InvalidRecordingGroupException: The recording group provided is not valid`. botocore's Config
    model (RecordingGroup.allSupported): "If you set this field to true, you cannot enumerate specific resource
    types to record in the resourceTypes field of RecordingGroup"; (InvalidRecordingGroupException): "Setting the
    allSupported field of RecordingGroup to true, but providing a non-empty list for the resourceTypes field of
    RecordingGroup"; (includeGlobalResourceTypes): "Before you set this field to true, set the allSupported field
    of RecordingGroup to true."
    References: https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html ,
    https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html
    """

    id = "LIM008"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "Config recording group combines settings PutConfigurationRecorder rejects"
    resource_types = ("AWS::Config::ConfigurationRecorder",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not is_type(r, TYPES):
                continue
            group, path = _group(r)
            if not group:
                continue
            f = self._judge(r, group, path)
            if f is not None:
                yield f

    def _judge(self, r: Resource, group: dict[str, Any], path: str) -> Finding | None:
        all_v, all_k = _get(group, "AllSupported", "all_supported")
        types_v, types_k = _get(group, "ResourceTypes", "resource_types")
        global_v, global_k = _get(group, "IncludeGlobalResourceTypes", "include_global_resource_types")
        strategy, strategy_k = _get(group, "RecordingStrategy", "recording_strategy")
        use_only, use_k = _get(one(strategy) if isinstance(one(strategy), dict) else {}, "UseOnly", "use_only")
        all_supported = _flag(all_v)
        types = [t for t in many(types_v) if t not in (None, "")]
        if all_supported and types and not unknown_value(types):
            shown = ", ".join(str(t) for t in types[:5]) + (" ..." if len(types) > 5 else "")
            return self.finding(
                f"configuration recorder {r.id} sets {all_k} = true and lists {len(types)} resource type(s) in "
                f"{types_k} ({shown}): Config records either everything or a list, and rejects both at once",
                resource=r, attribute=f"{path}.{types_k}", error=_ERROR,
                fix=f"remove {types_k} to record every supported type, or set {all_k} = false (and "
                f"{global_k or 'include_global_resource_types'} = false) to record only the listed types",
                evidence=f"botocore config model, RecordingGroup.allSupported: \"{_DOC_ALL}\"",
                authority="botocore config model (PutConfigurationRecorder / RecordingGroup)")
        if all_supported and isinstance(use_only, str) and use_only == "EXCLUSION_BY_RESOURCE_TYPES":
            return self.finding(
                f"configuration recorder {r.id} sets {all_k} = true with the recording strategy "
                "EXCLUSION_BY_RESOURCE_TYPES: Config rejects the combination", resource=r,
                attribute=f"{path}.{strategy_k}.{use_k}", error=_ERROR,
                fix=f"set {all_k} = false to record all types but the excluded ones, or drop the exclusion "
                "strategy to record everything",
                evidence=f"botocore config model, InvalidRecordingGroupException: \"{_DOC_EXCLUSION}\"",
                authority="botocore config model (PutConfigurationRecorder / RecordingGroup)")
        if all_supported is False and _flag(global_v) is True:
            return self.finding(
                f"configuration recorder {r.id} sets {global_k} = true with {all_k} = false: the global IAM "
                "types are only a switch on top of recording everything", resource=r,
                attribute=f"{path}.{global_k}", error=_ERROR,
                fix=f"set {global_k} = false and list the IAM types you need in {types_k or 'resource_types'} "
                f"(AWS::IAM::Role, AWS::IAM::Policy, ...), or set {all_k} = true without a resource list",
                evidence=f"botocore config model, RecordingGroup.includeGlobalResourceTypes: \"{_DOC_GLOBAL}\"",
                authority="botocore config model (PutConfigurationRecorder / RecordingGroup)")
        return None
