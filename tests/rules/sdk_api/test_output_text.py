"""SDK009 on graph variants (the Node SDK's texts) and on TypeScript source the graph did not reach."""

from __future__ import annotations

from pathlib import Path

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.sdk_api.output_text import OutputRenderedAsText

NODE = ("Calling [toString] on an [Output<T>] is not supported.\n\nTo get the value of an Output<T> as an "
        "Output<string> consider either:\n...\nThis function may throw in a future version of @pulumi/pulumi.")
TS = """import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';

export interface NodeGroupsArgs {
  clusterName: pulumi.Output<string>;
  tags: { [key: string]: string };
}

export class NodeGroups extends pulumi.ComponentResource {
  constructor(name: string, args: NodeGroupsArgs) {
    const { clusterName, tags } = args;
    new aws.eks.NodeGroup('general', {
      clusterName: clusterName,
      tags: pulumi.all([tags]).apply(([t]) => ({
        ...t,
        [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned',
      })),
    });
    const arg = pulumi.interpolate`--discovery=k8s.io/cluster-autoscaler/${clusterName}`;
    const ok = args.clusterName.apply((cn) => `k8s.io/cluster-autoscaler/${cn}`);
    const label = `general-${name}`;
  }
}
"""


def _ctx(*res: Resource, root: Path | None = None) -> RuleContext:
    g = ResourceGraph(platform="pulumi")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root)


def test_node_text_in_a_tag_key_and_an_environment_value() -> None:
    ng = Resource(id="ng", type="AWS::EKS::Nodegroup", native_type="aws:eks/nodeGroup:NodeGroup",
                  native_properties={"tags": {f"k8s.io/cluster-autoscaler/{NODE}": "owned"}},
                  location=Location("lib/ng.ts", 12), attr_locations={"tags": Location("lib/ng.ts", 14)})
    fn = Resource(id="fn", type="AWS::Lambda::Function", native_type="aws:lambda/function:Function",
                  native_properties={"environment": {"variables": {"TABLE": f"{NODE}"}}},
                  location=Location("lib/fn.ts", 3))
    found = list(OutputRenderedAsText().check(_ctx(ng, fn)))
    got = {(f.resource, f.severity, f.line) for f in found}
    assert got == {("ng", Severity.CRITICAL, 14), ("fn", Severity.HIGH, 3)}
    assert all(f.symbol == "[toString]" for f in found)
    assert "tag keys must be at most 128" in next(f.error for f in found if f.resource == "ng")


def test_json_text_and_clean_values() -> None:
    text = "Calling [toJSON] on an [Output<T>] is not supported.\n..."
    pol = Resource(id="p", type="AWS::IAM::Policy", native_type="x", native_properties={"policy": text})
    clean = Resource(id="q", type="AWS::SQS::Queue", native_type="x", native_properties={"name": "jobs-dev"})
    found = list(OutputRenderedAsText().check(_ctx(pol, clean)))
    assert [(f.resource, f.severity) for f in found] == [("p", Severity.CRITICAL)]
    assert found[0].error.startswith("MalformedPolicyDocument")


def test_typescript_source_template_literal_over_an_output(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "node-groups.ts").write_text(TS)
    found = list(OutputRenderedAsText().check(_ctx(root=tmp_path)))
    # line 16 only: interpolate, the apply parameter and a plain string are fine
    assert [(f.file, f.line, f.severity) for f in found] == [("lib/node-groups.ts", 16, Severity.HIGH)]
