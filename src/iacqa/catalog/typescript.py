"""Ids emitted for TypeScript/JavaScript projects: the compiler (frontends/node/tsc.py), ESLint/Prettier (linters/eslint.py)
and the Node.js front ends (frontends/node, cdk_ts, pulumi_ts, cdktf_ts)."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity

_TSC = ("iacqa.frontends.node.tsc",)


class TsSdkApi(Entry):
    """The TypeScript compiler rejects a use of the IaC SDK (aws-cdk-lib, @pulumi/*, cdktf, @cdktf/provider-aws).

    What it finds: every `tsc --noEmit` diagnostic (TS2339 property does not exist, TS2353/TS2561 unknown property
    in a props object, TS2305/TS2724 no exported member, TS2307 module not found, TS2345/TS2322 wrong type,
    TS2554 argument count) whose expression or props object belongs to the IaC SDK, checked against the real type
    definitions of the versions the TAP scaffold pins.
    Why it breaks: `cdk synth` (ts-node), `pulumi up` and `npm run build` type-check first: the deploy stops here.
    Bad: `new sqs.Queue(this, 'q', { visibilityTimeoutSeconds: 30 })`
    Good: `new sqs.Queue(this, 'q', { visibilityTimeout: cdk.Duration.seconds(30) })`
    What AWS says: nothing: the compiler stops first (`error TS2353: Object literal may only specify known
    properties, and 'visibilityTimeoutSeconds' does not exist in type 'QueueProps'`).
    References: https://www.typescriptlang.org/tsconfig/#strict, https://docs.aws.amazon.com/cdk/api/v2/
    """

    id = "TSC001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "IaC SDK used in a way the compiler rejects"
    stage = "frontend"
    emitters = _TSC


class TsCompileError(Entry):
    """A type error in the project's own TypeScript (not an SDK name).

    What it finds: `tsc --noEmit` errors in lib/ and bin/ that are not about the IaC SDK: undefined names, wrong
    types between the project's own functions, missing returns.
    Why it breaks: the pipeline's `npm run build` (`tsc --skipLibCheck`) and ts-node's synth fail on any error.
    Bad: `const n: number = 'x';`
    Good: `const n: number = 1;`
    What AWS says: nothing: the build fails before deploy.
    References: https://www.typescriptlang.org/docs/handbook/2/everyday-types.html
    """

    id = "TSC002"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "TypeScript does not compile"
    stage = "frontend"
    emitters = _TSC


class TsSyntaxError(Entry):
    """A TypeScript/JavaScript file does not parse (TS1xxx).

    What it finds: parse errors reported by the compiler: unbalanced braces, a stray character, a truncated file.
    Why it breaks: nothing in the file can run; the build fails.
    Bad: `new Bucket(this, 'b', {` (never closed)
    Good: every bracket closed.
    What AWS says: nothing: the build fails before deploy.
    References: https://www.typescriptlang.org/
    """

    id = "TSC003"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "file does not parse"
    stage = "frontend"
    emitters = _TSC


class TsStrictOnly(Entry):
    """A diagnostic that only the strict flags raise (implicit any, possibly undefined values).

    What it finds: TS7006/TS7031/TS7053 (implicit any) and TS18047/TS18048/TS2531/TS2532 (possibly null or
    undefined) under the scaffold's `strict: true`.
    Why it breaks: the strict build (`npm run build:strict`) and a strict ts-node fail; the code itself runs.
    Bad: `function f(event) { ... }`
    Good: `function f(event: APIGatewayProxyEvent) { ... }`
    What AWS says: nothing.
    References: https://www.typescriptlang.org/tsconfig/#strict
    """

    id = "TSC004"
    category = Category.LINT
    severity = Severity.HIGH
    title = "strict-mode type error"
    stage = "frontend"
    emitters = _TSC


class TsTestCompileError(Entry):
    """A test file does not compile.

    What it finds: `tsc --noEmit` errors in test/ (jest with ts-jest type-checks each test file).
    Why it breaks: ts-jest reports the diagnostic and the whole test file fails; the build includes test/ too.
    Bad: `expect(template.hasResource('AWS::S3::Bucket'))` (the method takes two arguments)
    Good: `template.hasResourceProperties('AWS::S3::Bucket', {...})`
    What AWS says: nothing.
    References: https://kulshekhar.github.io/ts-jest/docs/getting-started/options/diagnostics
    """

    id = "TSC005"
    category = Category.TESTS_BROKEN
    severity = Severity.HIGH
    title = "test file does not compile"
    stage = "frontend"
    emitters = _TSC


class EslintError(Entry):
    """ESLint reports an error under the project's (or the scaffold's) configuration.

    What it finds: `npm run lint` errors: the ESLint rules the project configures (typescript-eslint, prettier).
    Why it breaks: the pipeline's lint gate fails the task.
    Bad: `const unused = 1;` with `@typescript-eslint/no-unused-vars`.
    Good: remove it, or prefix the name with `_`.
    What AWS says: nothing.
    References: https://eslint.org/docs/latest/rules/
    """

    id = "TSL001"
    category = Category.LINT
    severity = Severity.MEDIUM
    title = "ESLint error"
    stage = "lint"
    emitters = ("iacqa.linters.eslint",)


class PrettierUnformatted(Entry):
    """A file is not formatted as Prettier would (`npm run format:check`).

    What it finds: files in lib/ that `prettier --check` reports.
    Why it breaks: the pipeline's format check fails the lint gate.
    Bad: code with double quotes where the config says single.
    Good: run `npx prettier --write lib/`.
    What AWS says: nothing.
    References: https://prettier.io/docs/en/cli.html#--check
    """

    id = "TSL002"
    category = Category.LINT
    severity = Severity.LOW
    title = "not Prettier-formatted"
    stage = "lint"
    emitters = ("iacqa.linters.eslint",)


class NodeProgramError(Entry):
    """The Node.js program (CDK app, Pulumi program, CDKTF app) throws while it runs.

    What it finds: an exception thrown while synthesizing (CDK validation errors, TypeError on undefined, a file
    that does not exist), located at the first frame in the project's own files (source-mapped to the .ts line).
    Why it breaks: `cdk synth`, `pulumi preview` or `cdktf synth` stops at the first exception; nothing is deployed.
    Bad: `new lambda.Function(this, 'f', { code: lambda.Code.fromAsset('lambda') })` with no lambda/ directory.
    Good: ship the directory, or point the path at one that exists.
    What AWS says: nothing: synth fails before any API call.
    References: https://docs.aws.amazon.com/cdk/v2/guide/troubleshooting.html
    """

    id = "TSP001"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "program throws during synth"
    stage = "frontend"
    emitters = ("iacqa.frontends.node.program", "iacqa.frontends.cdk_ts.frontend")


class NodeProgramLimit(Entry):
    """The Node.js program did not finish: it hung past the time limit or grew past the memory limit.

    What it finds: synth/preview runs that are killed by iacqa's limits, or that exit on their own before
    finishing (`process.exit`).
    Why it breaks: the pipeline's synth would hang or die the same way.
    Bad: `while (true) {}` or an awaited promise that never settles.
    Good: the program returns once every resource is declared.
    What AWS says: nothing.
    References: https://nodejs.org/api/process.html
    """

    id = "TSP002"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "program did not finish"
    stage = "frontend"
    emitters = ("iacqa.frontends.node.program",)
