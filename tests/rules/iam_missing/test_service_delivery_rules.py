"""PRM005 (EventBridge targets) and PRM006 (CloudTrail bucket policy) over hand-built graphs in the shapes each
front end produces: CloudFormation `Targets` on the rule and mapped trails, Pulumi/Terraform separate targets and
unmapped `aws_cloudtrail` resources."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.model import Location, Resource, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing.event_targets import EventTargetNotAllowed as PRM005
from iacqa.rules.iam_missing.trail_bucket import TrailBucketPolicy as PRM006
from tests.rules.wiring import wiring_graphkit as gk

ACCT, REG = gk.ACCT, gk.REG


def _res(rid, cfn, native="", props=None, outputs=None, native_props=None, depends_on=None, mapped=True,
         loc=None) -> Resource:
    return Resource(id=rid, type=cfn, native_type=native or cfn, properties=props or {},
                    native_properties=native_props or {}, outputs=outputs or {"Id": rid},
                    depends_on=list(depends_on or []), mapped=mapped, location=loc or Location("main.tf", 1))


def doc(*stmts) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def events_allow(action, resource, principal=None):
    return {"Effect": "Allow", "Principal": principal or {"Service": "events.amazonaws.com"}, "Action": action,
            "Resource": resource}


def cfn_rule(rid="Rule", *targets):
    arn = f"arn:aws:events:{REG}:{ACCT}:rule/{rid}"
    return _res(rid, "AWS::Events::Rule", props={"Targets": [dict(t) for t in targets]},
                outputs={"Arn": arn, "Name": rid, "Id": rid})


def tf_rule(rid="aws_cloudwatch_event_rule.r"):
    name = rid.split(".")[-1]
    return _res(rid, "AWS::Events::Rule", "aws_cloudwatch_event_rule",
                outputs={"Arn": f"arn:aws:events:{REG}:{ACCT}:rule/{name}", "Name": name, "Id": name})


def tf_target(rid, rule, arn, **extra):
    # the front ends copy the target ARN into the target's own outputs: the rule must not take it for the queue
    return _res(rid, "AWS::Events::Target", "aws_cloudwatch_event_target", props={"Rule": rule, "Arn": arn, **extra},
                outputs={"Arn": arn, "Id": rid})


def queue_policy(rid, queue_ref, policy):
    return _res(rid, "AWS::SQS::QueuePolicy", "aws_sqs_queue_policy",
                props={"Queues": [queue_ref], "PolicyDocument": policy})


def topic_policy(rid, topic_arn, policy):
    return _res(rid, "AWS::SNS::TopicPolicy", "aws_sns_topic_policy",
                props={"Topics": [topic_arn], "PolicyDocument": policy})


def permission(rid, fn_name, principal="events.amazonaws.com", **extra):
    return _res(rid, "AWS::Lambda::Permission", "aws_lambda_permission",
                props={"FunctionName": fn_name, "Action": "lambda:InvokeFunction", "Principal": principal, **extra})


# -- PRM005: SQS and SNS ------------------------------------------------------------------------------------------

def test_prm005_cfn_rule_to_queue_without_policy():
    q = gk.queue("Q")
    out = gk.run(PRM005, q, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"}))
    assert len(out) == 1
    f = out[0]
    assert f.rule == "PRM005" and f.severity == Severity.HIGH
    assert f.resource == "Rule" and f.attribute == "Targets.0.Arn"
    assert "no queue policy" in f.message and "sqs:SendMessage" in f.message
    assert "FailedInvocations" in f.error and '"events.amazonaws.com"' in f.fix


def test_prm005_queue_policy_by_url_allows():
    q = gk.queue("Q")
    pol = queue_policy("P", q.outputs["Url"], doc(events_allow("sqs:SendMessage", q.outputs["Arn"])))
    assert gk.run(PRM005, q, pol, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"})) == []


def test_prm005_queue_policy_for_another_principal_or_action():
    q = gk.queue("Q")
    s3_only = queue_policy("P", q.outputs["Url"], doc(events_allow(
        "sqs:SendMessage", q.outputs["Arn"], {"Service": "s3.amazonaws.com"})))
    out = gk.run(PRM005, q, s3_only, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"}))
    assert len(out) == 1 and "its queue policy (P)" in out[0].message
    wrong_action = queue_policy("P", q.outputs["Url"], doc(events_allow("sqs:ReceiveMessage", q.outputs["Arn"])))
    assert len(gk.run(PRM005, q, wrong_action, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"}))) == 1
    other_queue = gk.queue("Other")
    elsewhere = queue_policy("P", other_queue.outputs["Url"], doc(events_allow("sqs:SendMessage", "*")))
    assert len(gk.run(PRM005, q, other_queue, elsewhere, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"}))) == 1


def test_prm005_public_principal_and_conditions_count_as_allow():
    q = gk.queue("Q")
    stmt = events_allow("sqs:*", q.outputs["Arn"], "*")
    stmt["Condition"] = {"ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/other"}}
    pol = queue_policy("P", q.outputs["Url"], doc(stmt))
    assert gk.run(PRM005, q, pol, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"})) == []


def test_prm005_silent_when_unsure():
    q = gk.queue("Q")
    rule = cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"})
    unread = queue_policy("P", q.outputs["Url"], "<unresolved Output>")
    assert gk.run(PRM005, q, unread, rule) == []
    unknown_queue = queue_policy("P", "<unresolved Output>", doc(events_allow("sqs:SendMessage", "*")))
    assert gk.run(PRM005, q, unknown_queue, rule) == []
    with_role = cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q",
                                  "RoleArn": f"arn:aws:iam::{ACCT}:role/events"})
    assert gk.run(PRM005, q, with_role) == []
    outside = cfn_rule("Rule", {"Arn": f"arn:aws:sqs:{REG}:{ACCT}:not-in-stack", "Id": "q"})
    assert gk.run(PRM005, outside) == []


def test_prm005_terraform_target_to_topic():
    t = gk.topic("aws_sns_topic.alerts")
    rule = tf_rule()
    target = tf_target("aws_cloudwatch_event_target.t", rule.outputs["Name"], t.outputs["Arn"])
    out = gk.run(PRM005, t, rule, target)
    assert len(out) == 1 and out[0].resource == target.id and out[0].attribute == "Arn"
    assert "sns:Publish" in out[0].message and "rule aws_cloudwatch_event_rule.r" in out[0].message
    subscribe_only = topic_policy("aws_sns_topic_policy.p", t.outputs["Arn"],
                                  doc(events_allow("sns:Subscribe", t.outputs["Arn"])))
    assert len(gk.run(PRM005, t, rule, target, subscribe_only)) == 1
    publish = topic_policy("aws_sns_topic_policy.p", t.outputs["Arn"],
                           doc(events_allow("sns:Publish", t.outputs["Arn"])))
    assert gk.run(PRM005, t, rule, target, publish) == []


def test_prm005_inline_queue_policy_argument():
    q = gk.queue("aws_sqs_queue.q")
    q.native_properties["policy"] = doc(events_allow("sqs:SendMessage", q.outputs["Arn"]))
    rule = tf_rule()
    assert gk.run(PRM005, q, rule, tf_target("t", rule.outputs["Name"], q.outputs["Arn"])) == []


# -- PRM005: Lambda -------------------------------------------------------------------------------------------------

def _lambda_case(*extra):
    fn = gk.function("fn")
    rule = tf_rule()
    target = tf_target("t", rule.outputs["Name"], fn.outputs["Arn"])
    return gk.run(PRM005, fn, rule, target, *extra), fn, rule


def test_prm005_lambda_without_permission():
    out, _, _ = _lambda_case()
    assert len(out) == 1 and "lambda:InvokeFunction" in out[0].error and "no lambda permission" in out[0].message


def test_prm005_lambda_permissions():
    fn = gk.function("fn")
    rule_arn = f"arn:aws:events:{REG}:{ACCT}:rule/r"
    assert _lambda_case(permission("p", fn.outputs["Name"]))[0] == []
    assert _lambda_case(permission("p", fn.outputs["Arn"], SourceArn=rule_arn))[0] == []
    assert _lambda_case(permission("p", "<unresolved Output>"))[0] == []
    assert len(_lambda_case(permission("p", fn.outputs["Name"], principal="s3.amazonaws.com"))[0]) == 1
    other_rule = f"arn:aws:events:{REG}:{ACCT}:rule/other"
    assert len(_lambda_case(permission("p", fn.outputs["Name"], SourceArn=other_rule))[0]) == 1
    other_fn = gk.function("other")
    assert len(_lambda_case(other_fn, permission("p", other_fn.outputs["Name"]))[0]) == 1


# -- PRM006 ---------------------------------------------------------------------------------------------------------

def bucket(rid, **native):
    name = rid.split(".")[-1]
    return _res(rid, "AWS::S3::Bucket", "aws_s3_bucket", native_props=native,
                outputs={"Arn": f"arn:aws:s3:::{name}", "Name": name, "Id": name})


def bucket_policy(rid, bucket_name, policy, **kw):
    return _res(rid, "AWS::S3::BucketPolicy", "aws_s3_bucket_policy",
                props={"Bucket": bucket_name, "PolicyDocument": policy}, **kw)


def tf_trail(rid="aws_cloudtrail.t", bucket_name="logs", depends_on=None, loc=None, **native):
    return _res(rid, "aws_cloudtrail", native_props={"s3_bucket_name": bucket_name, **native}, mapped=False,
                depends_on=depends_on, loc=loc,
                outputs={"Arn": f"arn:aws:cloudtrail:{REG}:{ACCT}:trail/t", "Name": "t", "Id": "t"})


def cfn_trail(rid="Trail", bucket_name="logs", depends_on=None, **props):
    return _res(rid, "AWS::CloudTrail::Trail", props={"S3BucketName": bucket_name, "IsLogging": True, **props},
                depends_on=depends_on, outputs={"Arn": f"arn:aws:cloudtrail:{REG}:{ACCT}:trail/{rid}", "Id": rid})


def trail_doc(bucket_arn, object_resource=None, acl=True):
    ct = {"Service": "cloudtrail.amazonaws.com"}
    stmts = [{"Effect": "Allow", "Principal": ct, "Action": "s3:PutObject",
              "Resource": object_resource or f"{bucket_arn}/AWSLogs/{ACCT}/*"}]
    if acl:
        stmts.insert(0, {"Effect": "Allow", "Principal": ct, "Action": "s3:GetBucketAcl", "Resource": bucket_arn})
    return doc(*stmts)


def test_prm006_no_bucket_policy():
    b = bucket("aws_s3_bucket.logs")
    out = gk.run(PRM006, b, tf_trail())
    assert len(out) == 1
    f = out[0]
    assert f.severity == Severity.CRITICAL and f.attribute == "s3_bucket_name"
    assert f.error == "InsufficientS3BucketPolicyException: Incorrect S3 bucket policy is detected for bucket: logs"
    assert "no bucket policy" in f.message and "s3:GetBucketAcl" in f.fix and "AWSLogs/123456789012/*" in f.fix


def test_prm006_missing_acl_check():
    b = bucket("aws_s3_bucket.logs")
    pol = bucket_policy("aws_s3_bucket_policy.p", "logs", trail_doc(b.outputs["Arn"], acl=False))
    out = gk.run(PRM006, b, pol, tf_trail(depends_on=["aws_s3_bucket_policy.p"]))
    assert len(out) == 1 and out[0].extra["actions"] == ["s3:GetBucketAcl"]


def test_prm006_complete_and_ordered():
    b = bucket("aws_s3_bucket.logs")
    pol = bucket_policy("aws_s3_bucket_policy.p", "logs", trail_doc(b.outputs["Arn"]))
    assert gk.run(PRM006, b, pol, tf_trail(depends_on=["aws_s3_bucket_policy.p"])) == []
    # through another resource, and inside a module
    mid = _res("aws_kms_key.k", "AWS::KMS::Key", depends_on=["aws_s3_bucket_policy.p"])
    assert gk.run(PRM006, b, pol, mid, tf_trail(depends_on=["aws_kms_key.k"])) == []
    mb = bucket("module.audit.aws_s3_bucket.logs")
    mpol = bucket_policy("module.audit.aws_s3_bucket_policy.p", "logs", trail_doc(mb.outputs["Arn"]))
    assert gk.run(PRM006, mb, mpol, tf_trail("module.audit.aws_cloudtrail.t",
                                             depends_on=["aws_s3_bucket_policy.p"])) == []
    # a dependency on something the graph does not hold (a Pulumi component, a module): may hold the policy
    assert gk.run(PRM006, b, pol, tf_trail(depends_on=["audit-component"])) == []


def test_prm006_not_ordered_is_medium():
    b = bucket("aws_s3_bucket.logs")
    pol = bucket_policy("aws_s3_bucket_policy.p", "logs", trail_doc(b.outputs["Arn"]))
    out = gk.run(PRM006, b, pol, tf_trail())
    assert len(out) == 1 and out[0].severity == Severity.MEDIUM and out[0].extra["policy"] == pol.id
    assert out[0].attribute is None


def test_prm006_reference_in_source_orders(tmp_path: Path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.logs.id\n}\n'
        'resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = aws_s3_bucket_policy.p.bucket\n}\n')
    b = bucket("aws_s3_bucket.logs")
    pol = bucket_policy("aws_s3_bucket_policy.p", "logs", trail_doc(b.outputs["Arn"]), loc=Location("main.tf", 1, 3))
    trail = tf_trail(loc=Location("main.tf", 4, 7))
    ctx = RuleContext(graph=gk.graph(b, pol, trail), root=tmp_path)
    assert list(PRM006().check(ctx)) == []


def test_prm006_pulumi_variable_in_call_orders(tmp_path: Path):
    (tmp_path / "stack.py").write_text(
        "policy = aws.s3.BucketPolicy('p', bucket=logs.id, policy=doc)\n"
        "trail = aws.cloudtrail.Trail(\n    't',\n    s3_bucket_name=policy.bucket,\n)\n")
    b = bucket("logs")
    pol = bucket_policy("p", "logs", trail_doc(b.outputs["Arn"]), loc=Location("stack.py", 1))
    trail = tf_trail("t", loc=Location("stack.py", 2))
    ctx = RuleContext(graph=gk.graph(b, pol, trail), root=tmp_path)
    assert list(PRM006().check(ctx)) == []


def test_prm006_cfn_key_prefix():
    b = bucket("Logs")
    b.outputs.update(Name="logs", Arn="arn:aws:s3:::logs")
    no_prefix = bucket_policy("Policy", "logs", trail_doc(b.outputs["Arn"]))
    out = gk.run(PRM006, b, no_prefix, cfn_trail(S3KeyPrefix="trail", depends_on=["Policy"]))
    assert len(out) == 1 and out[0].attribute == "S3BucketName" and out[0].extra["actions"] == ["s3:PutObject"]
    assert "S3KeyPrefix is `trail`" in out[0].message
    prefixed = bucket_policy("Policy", "logs", trail_doc(b.outputs["Arn"], f"arn:aws:s3:::logs/trail/AWSLogs/{ACCT}/*"))
    assert gk.run(PRM006, b, prefixed, cfn_trail(S3KeyPrefix="trail", depends_on="Policy".split())) == []
    whole = bucket_policy("Policy", "logs", trail_doc(b.outputs["Arn"], "arn:aws:s3:::logs/*"))
    assert gk.run(PRM006, b, whole, cfn_trail(S3KeyPrefix="trail", depends_on=["Policy"])) == []


def test_prm006_literal_account_in_policy_is_trusted():
    b = bucket("aws_s3_bucket.logs")
    pol = bucket_policy("aws_s3_bucket_policy.p", "logs",
                        trail_doc(b.outputs["Arn"], "arn:aws:s3:::logs/AWSLogs/111122223333/*"))
    assert gk.run(PRM006, b, pol, tf_trail(depends_on=["aws_s3_bucket_policy.p"])) == []


def test_prm006_silent_when_unsure():
    b = bucket("aws_s3_bucket.logs")
    opaque = bucket_policy("aws_s3_bucket_policy.p", "logs", "<unresolved Output>")
    assert gk.run(PRM006, b, opaque, tf_trail(depends_on=["aws_s3_bucket_policy.p"])) == []
    elsewhere = bucket_policy("aws_s3_bucket_policy.p", "<unresolved Output>", trail_doc("arn:aws:s3:::x"))
    assert gk.run(PRM006, b, elsewhere, tf_trail()) == []
    assert gk.run(PRM006, tf_trail(bucket_name="bucket-outside-the-stack")) == []
    assert gk.run(PRM006, b, tf_trail(bucket_name="${var.bucket}")) == []


def test_prm006_inline_bucket_policy_needs_no_ordering():
    b = bucket("aws_s3_bucket.logs")
    b.native_properties["policy"] = trail_doc(b.outputs["Arn"])
    assert gk.run(PRM006, b, tf_trail()) == []


# -- partial graphs -------------------------------------------------------------------------------------------------

def test_partial_graph_claims_no_missing_policy():
    """A front end that stopped early may not hold the policy: nothing is claimed missing; a graph built on a copy
    with the blocking error fixed (`revealed_by`) is whole again."""
    q = gk.queue("Q")
    b = bucket("aws_s3_bucket.logs")
    resources = (q, cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"}), b, tf_trail())
    partial = RuleContext(graph=gk.graph(*resources), graph_status="failed")
    assert list(PRM005().check(partial)) == [] and list(PRM006().check(partial)) == []
    partial.graph.revealed_by = "SDK001:abc"
    assert len(list(PRM005().check(partial))) == 1 and len(list(PRM006().check(partial))) == 1


def test_prm005_cloudformation_inline_policy_types():
    q, t = gk.queue("Q"), gk.topic("T")
    rule = cfn_rule("Rule", {"Arn": q.outputs["Arn"], "Id": "q"}, {"Arn": t.outputs["Arn"], "Id": "t"})
    assert len(gk.run(PRM005, q, t, rule)) == 2
    qp = _res("QP", "AWS::SQS::QueueInlinePolicy", props={
        "Queue": q.outputs["Url"], "PolicyDocument": doc(events_allow("sqs:SendMessage", q.outputs["Arn"]))})
    tp = _res("TP", "AWS::SNS::TopicInlinePolicy", props={
        "TopicArn": t.outputs["Arn"], "PolicyDocument": doc(events_allow("sns:Publish", t.outputs["Arn"]))})
    assert gk.run(PRM005, q, t, rule, qp, tp) == []
