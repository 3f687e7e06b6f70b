"""WIR001..WIR005 over hand-built graphs."""

from __future__ import annotations

import json

import pytest

from iacqa.rules.wiring.destinations import WrongDestinationKind as WIR005
from iacqa.rules.wiring.event_sources import StreamSourceMisconfigured as WIR002
from iacqa.rules.wiring.event_sources import VisibilityTimeoutBelowFunctionTimeout as WIR001
from iacqa.rules.wiring.fifo import FifoMismatch as WIR003
from iacqa.rules.wiring.references import DanglingReference as WIR004
from tests.rules.wiring import wiring_graphkit as gk


def sqs_pair(vt=None, timeout=None):
    q = gk.queue("q", **({"VisibilityTimeout": vt} if vt is not None else {}))
    fn = gk.function("fn", **({"Timeout": timeout} if timeout is not None else {}))
    return q, fn, gk.esm("m", q.outputs["Arn"], fn.outputs["Name"])


# -- WIR001 -------------------------------------------------------------------------------------------------------

def test_wir001_default_visibility_below_timeout():
    out = gk.run(WIR001, *sqs_pair(timeout=60))
    assert len(out) == 1
    assert out[0].error == ("InvalidParameterValueException: Queue visibility timeout: 30 seconds is less than "
                            "Function timeout: 60 seconds")
    assert out[0].resource == "fn"  # the queue sets nothing: point at the timeout the user wrote


def test_wir001_explicit_visibility_points_at_queue():
    out = gk.run(WIR001, *sqs_pair(vt=45, timeout=60))
    assert len(out) == 1 and out[0].resource == "q" and out[0].attribute == "VisibilityTimeout"


def test_wir001_good():
    assert gk.run(WIR001, *sqs_pair(vt=360, timeout=60)) == []
    assert gk.run(WIR001, *sqs_pair()) == []  # 30 vs 3
    assert gk.run(WIR001, *sqs_pair(vt=60, timeout=60)) == []


def test_wir001_function_by_arn_and_unrelated_sources():
    q, fn, _ = sqs_pair(vt=10, timeout=60)
    assert len(gk.run(WIR001, q, fn, gk.esm("m", q.outputs["Arn"], fn.outputs["Arn"]))) == 1
    t = gk.table("t")
    assert gk.run(WIR001, t, fn, gk.esm("m", t.outputs["StreamArn"], "fn", StartingPosition="LATEST")) == []


# -- WIR002 -------------------------------------------------------------------------------------------------------

def test_wir002_table_arn_instead_of_stream():
    t, fn = gk.table("t"), gk.function("fn")
    out = gk.run(WIR002, t, fn, gk.esm("m", t.outputs["Arn"], "fn", StartingPosition="LATEST"))
    assert len(out) == 1 and "not of its stream" in out[0].message


def test_wir002_missing_starting_position():
    t, fn = gk.table("t"), gk.function("fn")
    out = gk.run(WIR002, t, fn, gk.esm("m", t.outputs["StreamArn"], "fn"))
    assert len(out) == 1 and out[0].error == "InvalidParameterValueException: StartingPosition is required"


def test_wir002_stream_on_table_without_stream_spec():
    t = gk.table("t", stream=False)  # a hand-written stream ARN on a table without a stream
    fn = gk.function("fn")
    out = gk.run(WIR002, t, fn, gk.esm("m", t.outputs["Arn"] + "/stream/2026", "fn", StartingPosition="LATEST"))
    assert len(out) == 1 and out[0].resource == "t" and "no stream" in out[0].message
    with_stream = gk.table("t")
    assert gk.run(WIR002, with_stream, fn, gk.esm("m", with_stream.outputs["StreamArn"], "fn",
                                                  StartingPosition="LATEST")) == []


def test_wir002_empty_source_from_unset_stream_arn(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap_stack.py").write_text("x\nevent_source_arn=self.table.stream_arn,\n")
    t, fn = gk.table("t", stream=False), gk.function("fn")
    m = gk.esm("m", None, "fn", StartingPosition="LATEST")
    m.attr_locations = {"event_source_arn": gk.Location("lib/tap_stack.py", 2)}
    ctx = gk.ctx(t, fn, m)
    ctx.root = tmp_path
    out = list(WIR002().check(ctx))
    assert len(out) == 1 and out[0].line == 2 and "table t" in out[0].message


def test_wir002_sqs_with_starting_position_and_good_cases():
    q, fn = gk.queue("q"), gk.function("fn")
    out = gk.run(WIR002, q, fn, gk.esm("m", q.outputs["Arn"], "fn", StartingPosition="LATEST"))
    assert len(out) == 1
    assert gk.run(WIR002, q, fn, gk.esm("m", q.outputs["Arn"], "fn")) == []
    t = gk.table("t")
    assert gk.run(WIR002, t, fn, gk.esm("m", t.outputs["StreamArn"], "fn", StartingPosition="TRIM_HORIZON")) == []


# -- WIR003 -------------------------------------------------------------------------------------------------------

def redrive(dlq):
    return json.dumps({"deadLetterTargetArn": dlq.outputs["Arn"], "maxReceiveCount": 3})


def test_wir003_fifo_with_standard_dlq_and_reverse():
    dlq = gk.queue("dlq")
    src = gk.queue("src", FifoQueue=True, RedrivePolicy=redrive(dlq))
    out = gk.run(WIR003, dlq, src)
    assert len(out) == 1 and out[0].resource == "src" and "same type" in out[0].error
    fdlq = gk.queue("fdlq", FifoQueue=True)
    std = gk.queue("std", RedrivePolicy={"deadLetterTargetArn": fdlq.outputs["Arn"], "maxReceiveCount": 3})
    assert len(gk.run(WIR003, fdlq, std)) == 1
    ok = gk.queue("ok", FifoQueue=True, RedrivePolicy=redrive(fdlq))
    assert gk.run(WIR003, fdlq, ok) == []


def test_wir003_names():
    out = gk.run(WIR003, gk.queue("q", FifoQueue=True, QueueName="orders"))
    assert len(out) == 1 and ".fifo suffix" in out[0].error
    out = gk.run(WIR003, gk.queue("q", QueueName="orders.fifo", FifoQueue=False))
    assert len(out) == 1
    assert gk.run(WIR003, gk.queue("q", FifoQueue=True, QueueName="orders.fifo")) == []


def test_wir003_subscription_and_lambda_targets():
    fq, t = gk.queue("fq", FifoQueue=True), gk.topic("t")
    sub = gk.Resource(id="sub", type="AWS::SNS::Subscription", native_type="aws:sns/topicSubscription:TopicSubscription",
                      properties={"Protocol": "sqs", "Endpoint": fq.outputs["Arn"], "TopicArn": t.outputs["Arn"]})
    out = gk.run(WIR003, fq, t, sub)
    assert len(out) == 1 and "standard SNS topics" in out[0].error
    ft = gk.topic("ft", FifoTopic=True, TopicName="ft.fifo")
    sub.properties["TopicArn"] = ft.outputs["Arn"]
    assert gk.run(WIR003, fq, ft, sub) == []
    fn = gk.function("fn", DeadLetterConfig={"TargetArn": fq.outputs["Arn"]})
    cfg = gk.invoke_config("cfg", "fn", failure=fq.outputs["Arn"])
    out = gk.run(WIR003, fq, fn, cfg)
    assert {f.resource for f in out} == {"fn", "cfg"}


# -- WIR004 -------------------------------------------------------------------------------------------------------

def test_wir004_role_name_instead_of_arn():
    r = gk.role("fn-role")
    out = gk.run(WIR004, r, gk.function("fn", "fn-role"))
    assert len(out) == 1 and "not its ARN" in out[0].message and "ValidationException" in out[0].error
    assert gk.run(WIR004, r, gk.function("fn", r.outputs["Arn"])) == []
    assert gk.run(WIR004, r, gk.function("fn", "arn:aws:iam::123456789012:role/outside")) == []


def test_wir004_role_that_is_a_policy():
    mp = gk.managed_policy("p", [])
    out = gk.run(WIR004, mp, gk.function("fn", mp.outputs["Arn"]))
    assert len(out) == 1 and "not an IAM role" in out[0].message


def test_wir004_function_name_that_names_nothing():
    fn = gk.function("processor")
    q = gk.queue("q")
    out = gk.run(WIR004, fn, q, gk.esm("m", q.outputs["Arn"], "processer-dev"))
    assert len(out) == 1 and "Function not found" in out[0].error
    assert gk.run(WIR004, fn, q, gk.esm("m", q.outputs["Arn"], "processor")) == []
    assert gk.run(WIR004, q, gk.esm("m", q.outputs["Arn"], "external-fn")) == []  # no functions in the stack
    out = gk.run(WIR004, fn, q, gk.invoke_config("cfg", q.outputs["Arn"]))
    assert len(out) == 1 and "not a Lambda function" in out[0].message


def test_wir004_managed_policy_wrong_path():
    r = gk.role("r", ManagedPolicyArns=["arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"])
    att = gk.attachment("a", "r", "arn:aws:iam::aws:policy/AWSLambdaSQSQueueExecutionRole")
    out = gk.run(WIR004, r, att)
    assert {f.resource for f in out} == {"r", "a"}
    assert all("does not exist or is not attachable" in f.error for f in out)
    good = gk.role("r", ManagedPolicyArns=[gk.BASIC, "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"])
    assert gk.run(WIR004, good, gk.attachment("a", "r", gk.SQS_EXEC)) == []


def test_wir004_managed_policy_checked_against_the_real_list():
    """Names outside iacqa's own table are checked against the whole AWS managed policy list (moto's copy)."""
    pytest.importorskip("moto")
    from iacqa.knowledge.managed_policy_list import policy_list

    assert len(policy_list().paths) > 1000 and policy_list().as_of >= "2025-01-01"
    cases = {
        "arn:aws:iam::aws:policy/service-role/ConfigRole": ("critical", "service-role/AWS_ConfigRole"),  # misnamed
        "arn:aws:iam::aws:policy/AWS_ConfigRole": ("critical", "service-role/AWS_ConfigRole"),  # path left out
        "arn:aws:iam::aws:policy/aws-service-role/AWSConfigServiceRolePolicy": ("critical", "service-linked"),
        "arn:aws:iam::aws:policy/ZzqAcmeInventedPolicyXyz": ("high", "in the list of"),
    }
    for arn, (sev, text) in cases.items():
        out = gk.run(WIR004, gk.role("r", ManagedPolicyArns=[arn]))
        assert len(out) == 1 and out[0].severity.value == sev, (arn, out)
        assert text in out[0].message + out[0].fix, (arn, out[0])
        assert "moto" in out[0].extra["evidence"], out[0].extra
    real = ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole", "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess",
            "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert gk.run(WIR004, gk.role("r", ManagedPolicyArns=real)) == []


# -- WIR005 -------------------------------------------------------------------------------------------------------

def test_wir005_dlq_url_and_wrong_kind():
    q, t = gk.queue("dlq"), gk.table("t")
    out = gk.run(WIR005, q, gk.function("fn", DeadLetterConfig={"TargetArn": q.outputs["Url"]}))
    assert len(out) == 1 and "URL" in out[0].message
    out = gk.run(WIR005, t, gk.function("fn", DeadLetterConfig={"TargetArn": t.outputs["Arn"]}))
    assert len(out) == 1 and "DynamoDB table" in out[0].message
    assert gk.run(WIR005, q, gk.function("fn", DeadLetterConfig={"TargetArn": q.outputs["Arn"]})) == []


def test_wir005_invoke_config_and_mapping_destinations():
    q, tp, fn, t = gk.queue("q"), gk.topic("tp"), gk.function("fn"), gk.table("t")
    assert gk.run(WIR005, q, tp, fn, gk.invoke_config("c", "fn", tp.outputs["Arn"], q.outputs["Arn"])) == []
    out = gk.run(WIR005, q, fn, t, gk.invoke_config("c", "fn", t.outputs["Arn"]))
    assert len(out) == 1
    m = gk.esm("m", t.outputs["StreamArn"], "fn", StartingPosition="LATEST",
               DestinationConfig={"OnFailure": {"Destination": q.outputs["Arn"]}})
    assert gk.run(WIR005, q, fn, t, m) == []
    m = gk.esm("m", q.outputs["Arn"], "fn", DestinationConfig={"OnFailure": {"Destination": q.outputs["Arn"]}})
    out = gk.run(WIR005, q, fn, m)
    assert len(out) == 1 and "Unsupported DestinationConfig" in out[0].error


def test_wir005_redrive_to_topic():
    tp = gk.topic("tp")
    q = gk.queue("q", RedrivePolicy=json.dumps({"deadLetterTargetArn": tp.outputs["Arn"], "maxReceiveCount": 2}))
    out = gk.run(WIR005, tp, q)
    assert len(out) == 1 and out[0].attribute == "RedrivePolicy"


def test_wir002_placeholder_stream_arn_from_mocks():
    t, fn = gk.table("t", stream=False), gk.function("fn")
    t.outputs["StreamArn"] = "mock-stream-arn"  # what the mocks answer for a table without a stream
    out = gk.run(WIR002, t, fn, gk.esm("m", "mock-stream-arn", "fn", StartingPosition="LATEST"))
    assert len(out) == 1 and "no stream is enabled on table t" in out[0].message
