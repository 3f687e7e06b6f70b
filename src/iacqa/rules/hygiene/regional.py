"""HYG006, HYG007: identifiers that exist in one region only (Availability Zones, AMI ids) written into a stack whose
region is a setting.

The front ends resolve values with made-up identities (Pulumi's mock answers us-east-1a for
`get_availability_zones()`), so a value in the graph does not say whether the user wrote it: these rules report a
value only when it is both written in a source file and used by a resource of the graph (or when no graph was
built at all), at the line where it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from iacqa.knowledge.regions import REGION
from iacqa.model import Category, Finding, Location, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import project_files, resource_at
from iacqa.rules.hygiene._text import Written, code_lines, strings, text_sources
from iacqa.rules.hygiene.hardcoded import region_setting
from iacqa.rules.leaves import leaves

_AZ = re.compile(rf"(?<![\w-])({REGION})([a-z])(?![\w-])")
# An AZ name built from the region and a letter: f"{region}a", `${region}a`, "${var.region}a",
# f"{self.region}{'abc'[i]}", region + "a" (Availability Zone letters are mapped per account; us-west-1a and
# ap-northeast-1b do not exist for newer accounts).
_AZ_BUILT = re.compile(r"""(?i)\{[^{}\n]*region[^{}\n]*\}\s*(?:[a-f](?=["'`])|\{\s*["'][a-f]{2,6}["']\s*\[)|"""
                       r"""\bregion\w*\s*\+\s*["'`][a-f]["'`]""")
_AMI = re.compile(r"(?<![\w-])(ami-(?:[0-9a-f]{8}|[0-9a-f]{17}))(?![\w-])")
# How a program or template reads the region it deploys to, beyond what HYG003 reads in Python.
_REGION_READ = re.compile(
    r"var\.\w*region\w*|local\.\w*region\w*|process\.env\.(?:AWS_REGION|AWS_DEFAULT_REGION|CDK_DEFAULT_REGION)|"
    r"\bAWS_REGION\b|\bAWS_DEFAULT_REGION\b|CDK_DEFAULT_REGION|Aws\.REGION|AWS::Region|data\.aws_region\.|"
    r"DataAwsRegion|getRegion(?:Output)?\(|"
    r"Stack\.of\([^)]*\)\.region|(?:get|require)\w*\(\s*[\"'](?:aws[:_])?region[\"']")
# A line that keys the value by region (a region map: {"us-east-1": "ami-..."}, `us-east-1 = "ami-..."`,
# a CloudFormation Mappings entry): the region-aware way to write per-region ids.
# `region="us-east-1"`, `region: 'eu-west-1'`, `self.primary_region = 'us-east-1'` (then passed to the provider).
_REGION_PINNED = re.compile(rf"""(?i)(?<![\w-])(?:\w+_)?region\w*["']?\s*[:=]\s*["']{REGION}["']""")
_REGION_KEY = re.compile(rf"""["']?{REGION}["']?\s*[:=]""")


def region_source(ctx: RuleContext) -> str | None:
    """Where the stack's region comes from (a variable, config, the environment), or None when the program pins
    it to one region with a literal (`region="us-east-1"` on the provider or the CDK environment)."""
    found = region_setting(ctx, project_files(ctx))
    if found:
        return found
    files = text_sources(ctx)
    for file in files:
        for no, line in code_lines(ctx, file):
            m = _REGION_READ.search(line)
            if m:
                return f"`{m.group(0)}` ({file}:{no})"
    if ctx.platform == "cfn":
        return "the region the template is deployed to (a template carries no region)"
    for file in files:
        for _, line in code_lines(ctx, file):
            if _REGION_PINNED.search(line):
                return None
    # No region written at all: the provider takes it from the deploy environment (AWS_REGION, the profile, the
    # pipeline's `aws:region` / CDK_DEFAULT_REGION).
    return "the deploy environment (the program sets no region)"


def pins_region(ctx: RuleContext, file: str) -> bool:
    """Whether the file itself fixes a region with a literal (`AwsProvider(region="us-east-1")`): values written
    next to it are meant for that region (a multi-file project may pin one stack and parametrize another)."""
    return any(_REGION_PINNED.search(line) for _, line in code_lines(ctx, file))


def _graph_values(ctx: RuleContext, rx: re.Pattern[str]) -> dict[str, tuple[Resource, str]]:
    """Values matching `rx` in the resources' properties -> (first resource, property path)."""
    out: dict[str, tuple[Resource, str]] = {}
    for r in ctx.graph:
        # Unmapped resources (types iacqa has no CloudFormation mapping for) keep their values in native form.
        for path, value in [*leaves(r.properties), *leaves(r.native_properties)]:
            if isinstance(value, str):
                for m in rx.finditer(value):
                    out.setdefault(m.group(0), (r, path))
    return out


def _owner(ctx: RuleContext, w: Written, used: dict[str, tuple[Resource, str]], value: str
           ) -> tuple[Resource | None, str | None]:
    if w.file.endswith(".py"):
        res = resource_at(ctx, w.file, w.line)
        if res is not None:
            return res, next((p for p, v in leaves(res.properties) if isinstance(v, str) and value in v), None)
    hit = used.get(value)
    return (hit[0], hit[1]) if hit else (None, None)


def _config_key_read(ctx: RuleContext, file: str, line: str) -> bool:
    """Whether a stack config file's line (`project:ami_id: ami-...`) sets a key the program read."""
    if not Path(file).name.startswith("Pulumi") or not file.endswith((".yaml", ".yml")):
        return False
    m = re.match(r"^\s*([\w.:/-]+?)\s*:\s", line)
    if not m:
        return False
    key = m.group(1).rsplit(":", 1)[-1]
    return any(k.rsplit(":", 1)[-1] == key for k in ctx.graph.config_needs)


def _in_cfn_mappings(ctx: RuleContext, file: str, line: int) -> bool:
    """Whether `line` of a template lies in its top-level `Mappings` section (YAML or JSON)."""
    lines = ctx.lines(file)
    for i in range(min(line, len(lines)) - 1, -1, -1):
        text = lines[i]
        m = re.match(r"""^(\s*)["']?(\w+)["']?\s*:""", text)
        if not m:
            continue
        indent = len(m.group(1))
        top = indent == 0 if file.endswith((".yaml", ".yml")) else indent <= 2
        if top:
            return m.group(2) == "Mappings"
    return False


def _grouped(findings: list[Finding]) -> Iterator[Finding]:
    """One finding per file (the first line), every line and value in `extra.lines` / `extra.values`."""
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.file, []).append(f)
    for items in groups.values():
        items.sort(key=lambda f: f.line or 0)
        first = items[0]
        if len(items) == 1:
            yield first
            continue
        more = ", ".join(f"`{f.extra['value']}` (line {f.line})" for f in items[1:8])
        yield first.with_(message=f"{first.message}; also {more}" + (f" and {len(items) - 8} more"
                                                                      if len(items) > 8 else ""),
                          extra={**first.extra, "count": len(items), "values": [f.extra["value"] for f in items],
                                 "lines": sorted({f.line for f in items if f.line})})


class HardcodedAvailabilityZone(Rule):
    """Availability Zone names are written into a stack whose region is a setting.

    What it finds: AZ names written as literals (`"us-east-1a"`, `["us-west-2a", "us-west-2b"]`) and AZ names built
    from the region and a letter (`f"{region}a"`, `` `${region}b` ``) in the files that define the stack, when
    the value reaches a resource (a subnet, an instance, a volume, a database) and the stack takes its region
    from a variable, config key or the environment (the TAP scaffolds all do: `AWS_REGION`, `var.aws_region`,
    `CDK_DEFAULT_REGION`). CloudFormation templates are left to cfn-lint's W3010 (reported as CFN005).
    Why it breaks: an AZ belongs to one region; deployed to any other region the subnet or instance is
    rejected. Built names are not safe either: not every letter exists in every region (ca-central-1 has zones
    a, b and d; us-west-1 and ap-northeast-1 offer each account only some of their letters).
    Bad: `aws.ec2.Subnet("a", vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")`
    Good: `azs = aws.get_availability_zones(state="available")` then `availability_zone=azs.names[0]`
    (Terraform `data "aws_availability_zones"`, CDK `self.availability_zones`, CloudFormation
    `!Select [0, !GetAZs ""]`).
    What AWS says: `InvalidParameterValue: Value (us-east-1a) for parameter availabilityZone is invalid. Subnets
    can currently only be created in the following availability zones: us-west-2a, us-west-2b, ...`
    References: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html
    """

    id = "HYG006"
    category = Category.HYGIENE
    severity = Severity.MEDIUM
    title = "hard-coded Availability Zone in a stack whose region is a setting"
    docs_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.platform == "cfn":
            return  # cfn-lint W3010 reports the same literal (CFN005)
        setting = region_source(ctx)
        if setting is None:
            return
        used = _graph_values(ctx, _AZ)
        built_ok = len(ctx.graph) == 0 or bool(used)
        out: list[Finding] = []
        seen: set[tuple[str, int, str]] = set()
        for file in text_sources(ctx):
            if pins_region(ctx, file):
                continue
            for w in strings(ctx, file):
                for m in _AZ.finditer(w.text):
                    az = m.group(0)
                    if (file, w.line, az) in seen or (len(ctx.graph) and az not in used):
                        continue
                    seen.add((file, w.line, az))
                    res, attr = _owner(ctx, w, used, az)
                    out.append(self._finding(az, setting, Location(file, w.line), res, attr))
            if not built_ok:
                continue
            for no, line in code_lines(ctx, file):
                m = _AZ_BUILT.search(line)
                if m and not any(k[:2] == (file, no) for k in seen):
                    seen.add((file, no, m.group(0)))
                    out.append(self._finding(m.group(0).strip(), setting, Location(file, no), None, None,
                                             built=True))
        yield from _grouped(out)

    def _finding(self, az: str, setting: str, loc: Location, res: Resource | None, attr: str | None,
                 built: bool = False) -> Finding:
        where = f" ({res.id}" + (f".{res.native_name(attr)}" if attr else "") + ")" if res is not None else ""
        if built:
            msg = (f"Availability Zone built from the region and a letter `{az}`{where}: not every letter exists in "
                   "every region (ca-central-1 has a, b and d; us-west-1 offers each account two of a, b, c)")
            error = "InvalidParameterValue: Value (ca-central-1c) for parameter availabilityZone is invalid"
        else:
            region = _AZ.match(az).group(1) if _AZ.match(az) else az[:-1]  # type: ignore[union-attr]
            msg = (f"Availability Zone `{az}` is written into the stack{where} while its region comes from "
                   f"{setting}; deployed to any region but {region} the resource is rejected")
            error = (f"InvalidParameterValue: Value ({az}) for parameter availabilityZone is invalid. Subnets can "
                     "currently only be created in the following availability zones: ...")
        return self.finding(msg, resource=res, attribute=attr, location=loc, error=error,
                            fix="read the zones of the deploy region: aws.get_availability_zones(state=\"available\")"
                            ".names[i] (Terraform data \"aws_availability_zones\", CDK self.availability_zones)",
                            value=az)


class HardcodedAmi(Rule):
    """An AMI id is written into a stack whose region is a setting.

    What it finds: `ami-...` ids written as literals (also as the default of a config lookup) in the files that
    define the stack, when the id reaches a resource (an instance, a launch template, a node group) and the stack
    takes its region from a variable, config key or the environment. Ids keyed by region (a region map, a
    CloudFormation `Mappings` section read with `Fn::FindInMap` and `AWS::Region`) are the region-aware pattern
    and are not reported.
    Why it breaks: an AMI id exists in one region (and is often deregistered when a newer image is published);
    deployed to another region, or months later, the launch fails.
    Bad: `aws.ec2.Instance("web", ami="ami-0c55b159cbfafe1f0", instance_type="t3.micro")`
    Good: `aws.ec2.get_ami(most_recent=True, owners=["amazon"], filters=[...]).id`, or the public SSM parameter
    `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64` (CDK
    `ec2.MachineImage.latest_amazon_linux2023()`, CloudFormation `{{resolve:ssm:...}}`).
    What AWS says: `InvalidAMIID.NotFound: The image id '[ami-0c55b159cbfafe1f0]' does not exist`
    References: https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html
    """

    id = "HYG007"
    category = Category.HYGIENE
    severity = Severity.MEDIUM
    title = "hard-coded AMI id in a stack whose region is a setting"
    docs_url = "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        setting = region_source(ctx)
        if setting is None:
            return
        used = _graph_values(ctx, _AMI)
        out: list[Finding] = []
        seen: set[tuple[str, int]] = set()
        for file in text_sources(ctx):
            if pins_region(ctx, file):
                continue
            template = ctx.platform == "cfn" and Path(file).suffix in (".yaml", ".yml", ".json")
            lines = ctx.lines(file)
            for w in strings(ctx, file):
                for m in _AMI.finditer(w.text):
                    ami = m.group(1)
                    raw = lines[w.line - 1] if 0 < w.line <= len(lines) else ""
                    if (file, w.line) in seen or (len(ctx.graph) and ami not in used
                                                  and not _config_key_read(ctx, file, raw)):
                        continue
                    if _REGION_KEY.search(raw) or (template and _in_cfn_mappings(ctx, file, w.line)):
                        continue  # a per-region map: the region-aware pattern
                    seen.add((file, w.line))
                    res, attr = _owner(ctx, w, used, ami)
                    where = f" ({res.id}" + (f".{res.native_name(attr)}" if attr else "") + ")" if res else ""
                    out.append(self.finding(
                        f"AMI id `{ami}` is written into the stack{where} while its region comes from {setting}; "
                        "the id exists in one region only (and disappears when the image is deregistered)",
                        resource=res, attribute=attr, location=Location(file, w.line),
                        error=f"InvalidAMIID.NotFound: The image id '[{ami}]' does not exist",
                        fix="look the image up at deploy time: aws.ec2.get_ami(most_recent=True, owners=[...], "
                        "filters=[...]) or the SSM parameter /aws/service/ami-amazon-linux-latest/"
                        "al2023-ami-kernel-default-x86_64", value=ami))
        yield from _grouped(out)
