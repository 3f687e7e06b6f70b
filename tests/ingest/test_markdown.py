"""Response markdown -> files: the labeling habits seen in real responses, with the line map back to the .md."""

from __future__ import annotations

import textwrap

from iacqa.ingest.markdown import extract
from iacqa.ingest.task import load

F = "```"


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n").replace("FENCE", F)


def test_file_headings_and_line_map() -> None:
    ex = extract(md("""
        # Answer

        ## File: lib/tap_stack.py

        FENCEpython
        import pulumi
        x = 1
        FENCE
        """))
    f = ex.files["lib/tap_stack.py"]
    assert f.text == "import pulumi\nx = 1\n"
    assert f.md_line(2) == 7  # `x = 1` is line 7 of the .md
    assert not ex.truncated


def test_label_styles() -> None:
    ex = extract(md("""
        ### `lib/a.py`
        FENCEpython
        a = 1
        FENCE
        **lib/b.py**
        FENCEpython
        b = 2
        FENCE
        1. lib/c.py:
        FENCEpython
        c = 3
        FENCE
        FENCEpython
        # lib/d.py
        d = 4
        FENCE
        ## File: lib\\_\\_init\\_\\_.py
        FENCEpython
        FENCE
        ### lib\\infrastructure\\api.py
        FENCEpython
        e = 5
        FENCE
        """))
    assert {"lib/a.py", "lib/b.py", "lib/c.py", "lib/d.py", "lib/__init__.py", "lib/infrastructure/api.py"} <= set(ex.files)


def test_prose_mention_is_not_a_label() -> None:
    ex = extract(md("""
        Now we update the stack so that it reads the configuration from `config.py` and exports every output:

        FENCEpython
        import pulumi
        class TapStack(pulumi.ComponentResource):
            pass
        FENCE
        """))
    assert list(ex.files) == ["lib/tap_stack.py"]


def test_nested_fences_in_markdown_block() -> None:
    ex = extract(md("""
        ## File: lib/README.md

        FENCEmarkdown
        # Readme
        FENCEbash
        pulumi up
        FENCE
        FENCE
        lib/
          tap_stack.py
        FENCE
        FENCE

        ## File: lib/tap_stack.py

        FENCEpython
        import pulumi
        FENCE
        """))
    assert ex.files["lib/tap_stack.py"].text == "import pulumi\n"
    assert "pulumi up" in ex.files["lib/README.md"].text
    assert "tap_stack.py" in ex.files["lib/README.md"].text


def test_unlabeled_blocks_placed_by_content() -> None:
    ex = extract(md("""
        FENCEpython
        import pulumi
        class TapStack(pulumi.ComponentResource):
            pass
        FENCE
        FENCEpython
        import unittest
        class TestStack(unittest.TestCase):
            pass
        FENCE
        FENCEbash
        pulumi up
        FENCE
        FENCEyaml
        AWSTemplateFormatVersion: '2010-09-09'
        Resources: {}
        FENCE
        """))
    assert set(ex.files) == {"lib/tap_stack.py", "tests/unit/test_tap_stack.py", "lib/TapStack.yml"}
    assert len(ex.unplaced) == 1  # the shell block


def test_truncated_response() -> None:
    ex = extract(md("""
        ## File: lib/tap_stack.py
        FENCEpython
        import pulumi
        def make(
        """))
    assert [f.path for f in ex.truncated] == ["lib/tap_stack.py"]


def test_raw_file_without_fences() -> None:
    ex = extract("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    assert list(ex.files) == ["lib/TapStack.yml"]
    assert ex.files["lib/TapStack.yml"].how == "raw"


def test_prose_only_has_no_files() -> None:
    ex = extract("# Model Response\n\nI have created a comprehensive implementation.\n")
    assert not ex.files


def test_later_version_of_a_file_wins() -> None:
    ex = extract(md("""
        ## File: lib/a.py
        FENCEpython
        a = 1
        FENCE
        ## File: lib/a.py
        FENCEpython
        a = 2
        FENCE
        """))
    assert ex.files["lib/a.py"].text == "a = 2\n"
    assert ex.notes


def test_fence_inside_an_indented_python_string_does_not_close_the_block() -> None:
    # CommonMark: a closing fence is indented at most three spaces; this one is inside a docstring.
    ex = extract(md('''
        ## lib/tap_stack.py
        FENCEpython
        def readme():
            return """
                FENCEbash
                make deploy
                FENCE
            """
        x = 1
        FENCE
        '''))
    text = ex.files["lib/tap_stack.py"].text
    assert "x = 1" in text and "make deploy" in text
    assert not ex.truncated


def test_equals_headers_label_fenced_and_bare_files() -> None:
    fenced = extract(md("""
        === lib/tap_stack.py ===
        FENCEpython
        a = 1
        FENCE
        """))
    assert list(fenced.files) == ["lib/tap_stack.py"]
    bare = extract("=== lib/a.py ===\nimport os\n\n=== lib/b.py ===\nimport sys\n")
    assert bare.files["lib/a.py"].text == "import os\n"
    assert bare.files["lib/b.py"].text == "import sys\n"
    assert bare.files["lib/b.py"].md_start == 5


def test_a_sentence_introducing_the_complete_file_labels_it() -> None:
    ex = extract(md("""
        Here's the complete `main.py` file with all your requirements:

        FENCEpython
        import aws_cdk
        FENCE
        """))
    assert list(ex.files) == ["main.py"]
    mention = extract(md("""
        Now update the `tap.py` so that it reads the environment suffix from the context and passes it on:

        FENCEpython
        import aws_cdk
        FENCE
        """))
    assert "tap.py" not in mention.files


def test_drafts_in_the_reasoning_trace_are_superseded_by_the_answer() -> None:
    ex = extract(md("""
        ### Reasoning Trace
        FENCEhcl
        resource "aws_s3_bucket" "a" {}
        FENCE
        ## variables.tf
        FENCEhcl
        variable "region" {}
        FENCE
        ### Answer
        FENCEterraform
        resource "aws_s3_bucket" "a" {}
        resource "aws_s3_bucket" "b" {}
        FENCE
        """))
    assert sorted(ex.files) == ["lib/main.tf", "variables.tf"]  # no lib/main_2.tf
    assert 'bucket" "b"' in ex.files["lib/main.tf"].text
    assert any("superseded" in n for n in ex.notes)


def test_unclosed_fence_in_the_trace_does_not_swallow_the_answer() -> None:
    ex = extract(md("""
        ### Reasoning Trace
        FENCEpython
        import pulumi
        ### Answer
        ## lib/tap_stack.py
        FENCEpython
        import pulumi
        bucket = 1
        FENCE
        """))
    assert "bucket = 1" in ex.files["lib/tap_stack.py"].text
    assert not ex.truncated


def test_unlabeled_typescript_and_javascript_blocks_take_the_tap_layout() -> None:
    # a response that is one unlabeled TypeScript block (cdk-ts Pr8450) used to be "no code block"
    ex = extract(md("""
        FENCEtypescript
        import * as cdk from 'aws-cdk-lib';
        export class TapStack extends cdk.Stack {}
        FENCE

        FENCEts
        const app = new cdk.App();
        FENCE

        FENCEtypescript
        describe('TapStack', () => { test('x', () => { expect(1).toBe(1); }); });
        FENCE

        FENCEjavascript
        const AWS = require('aws-sdk');
        exports.handler = async (event) => ({ statusCode: 200 });
        FENCE

        FENCEjs
        import * as pulumi from '@pulumi/pulumi';
        export const bucketName = 'x';
        FENCE

        FENCEtypescript
        const total = items.reduce((a, b) => a + b, 0);
        FENCE
        """))
    assert sorted(ex.files) == ["bin/tap.ts", "lib/lambda/index.js", "lib/tap-stack.mjs", "lib/tap-stack.ts",
                                "test/tap-stack.unit.test.ts"]


def test_a_heading_glued_to_the_text_before_it_still_labels_the_block() -> None:
    # "Insert here the Model Response that failed## lib/modules.ts" (cdktf-ts Pr4253): the heading lost its newline
    ex = extract(md("""
        Insert here the Model Response that failed## lib/modules.ts

        Let's define the reusable modules:

        FENCEtypescript
        export class NetworkModule {}
        FENCE

        ## lib/tap-stack.ts

        FENCEtypescript
        import { NetworkModule } from './modules';
        FENCE
        """))
    assert sorted(ex.files) == ["lib/modules.ts", "lib/tap-stack.ts"]
    assert ex.files["lib/modules.ts"].how == "labeled"


def test_an_unlabeled_module_goes_where_the_stack_imports_it_from() -> None:
    # cdktf-ts Pr5924: the modules block has no label; it was taken for a draft of tap-stack.ts and dropped
    ex = extract(md("""
        Let's define the reusable modules:

        FENCEtypescript
        import { Construct } from 'constructs';
        export interface VpcConfig { cidr: string }
        export class VpcModule extends Construct {}
        FENCE

        ## lib/tap-stack.ts

        FENCEtypescript
        import { TerraformStack } from 'cdktf';
        import { VpcModule, VpcConfig } from './modules';
        export class TapStack extends TerraformStack {}
        FENCE
        """))
    assert sorted(ex.files) == ["lib/modules.ts", "lib/tap-stack.ts"]
    assert "export class VpcModule" in ex.files["lib/modules.ts"].text
    # a block that does not export what is imported stays out
    ex = extract(md("""
        FENCEtypescript
        import { Construct } from 'constructs';
        export class Other extends Construct {}
        FENCE

        ## lib/tap-stack.ts

        FENCEtypescript
        import { VpcModule } from './modules';
        export class TapStack extends TerraformStack {}
        FENCE
        """))
    assert sorted(ex.files) == ["lib/tap-stack.ts"]


def test_a_file_cut_off_inside_a_closed_fence_or_without_fences_is_truncated() -> None:
    # cdk-ts Pr974: "new cloudwatch" then the fence; tf-hcl Pr8672: a bare .tf cut inside a block
    ex = extract(md("""
        ## lib/stack.ts

        FENCEtypescript
        export class Monitoring extends Construct {
          constructor(scope: Construct, id: string) {
            const name = "}";  // a brace in a string or comment counts for nothing: {
            new cloudwatch
        FENCE
        """))
    f = ex.files["lib/stack.ts"]
    assert f.truncated and f.open_blocks == 2
    raw = extract('resource "aws_config_configuration_recorder" "main" {\n  name = "rec"\n'
                  '  recording_group {\n    all_supported = true\n')
    assert [(f.path, f.open_blocks) for f in raw.truncated] == [("lib/main.tf", 2)]
    whole = extract(md("""
        ## lib/stack.ts

        FENCEtypescript
        export class Monitoring extends Construct {
          constructor(scope: Construct, id: string) {}
        }
        FENCE
        """))
    assert not whole.truncated


LOST_START = '''\
# Fixed stack

## Operational notes
- Keep the suffix short.
            self,
            "TableName",
            value=table.table_name,
        )
```

### File 2: lib/queue_construct.py

```python
"""queue_construct.py"""
from constructs import Construct


class QueueConstruct(Construct):
    pass
```
'''


def test_a_block_that_lost_its_opening_fence_does_not_swallow_the_next_file() -> None:
    ex = extract(LOST_START)
    # read as an opening fence, the bare ``` would make one block of the heading, its fence and the code
    assert list(ex.files) == ["lib/queue_construct.py"]
    assert ex.files["lib/queue_construct.py"].text.startswith('"""queue_construct.py"""')
    (orphan,) = ex.orphans
    assert (orphan.md_start, orphan.fence_line) == (5, 9) and orphan.text.startswith("            self,")


def test_a_lost_start_is_a_critical_ingest_finding(tmp_path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "metadata.json").write_text('{"platform": "cdk", "language": "py"}')
    (tmp_path / "lib" / "MODEL_RESPONSE.md").write_text(LOST_START)
    proj = load(tmp_path, response="model")
    (f,) = [f for f in proj.findings if "lost the start" in f.message]
    assert f.rule == "SYN001" and f.md_line == 5
    assert (proj.root / "lib" / "queue_construct.py").is_file()
