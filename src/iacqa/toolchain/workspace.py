"""A throw-away copy of a TypeScript/JavaScript project wired to iacqa's Node toolchain.

Why a copy: tsc, synth and jest need `node_modules` beside the code (ESM resolution ignores NODE_PATH), and the
user's directory is never written. The copy holds the project's own files (same relative paths, so every compiler
position is already a project position) plus a `node_modules` symlink to the toolchain. What the TAP scaffold
provides and a response often omits is added, each noted: `tsconfig.json` (the scaffold's compiler options),
`package.json` (CommonJS, as the scaffold's), and the entry `bin/tap.ts` of the platform's template.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from iacqa.toolchain.node import Toolchain

SKIP = {"node_modules", "cdk.out", "cdktf.out", ".git", "coverage", "dist", ".gen", "__pycache__", ".venv",
        "cfn-outputs", ".pulumi"}
TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx")

# The TAP scaffold's compiler options (`tsc --skipLibCheck` is the pipeline's build; strict is its `build:strict`).
TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["es2022"],
        "declaration": True, "strict": True, "noImplicitAny": True, "strictNullChecks": True,
        "noImplicitThis": True, "alwaysStrict": True, "noUnusedLocals": False, "noUnusedParameters": False,
        "noImplicitReturns": True, "noFallthroughCasesInSwitch": False, "inlineSourceMap": True,
        "inlineSources": True, "experimentalDecorators": True, "strictPropertyInitialization": False,
        "typeRoots": ["./node_modules/@types"], "types": ["node", "jest"], "isolatedModules": True,
        "resolveJsonModule": True, "esModuleInterop": True, "outDir": "dist",
    },
    "include": ["lib/**/*", "bin/**/*", "test/**/*"],
    "exclude": ["node_modules", "cdk.out", "cdktf.out", "templates", "archive", "cli", "**/*.d.ts"],
}

# Entry points of the TAP templates per platform, written by iacqa (not copied) when the project has none.
ENTRIES = {
    "cdk": ("bin/tap.ts", """#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { TapStack } from '../lib/tap-stack';

const app = new cdk.App();
const environmentSuffix = app.node.tryGetContext('environmentSuffix') || 'dev';
new TapStack(app, `TapStack${environmentSuffix}`, {
  stackName: `TapStack${environmentSuffix}`,
  environmentSuffix: environmentSuffix,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
"""),
    "cdktf": ("bin/tap.ts", """#!/usr/bin/env node
import { App } from 'cdktf';
import { TapStack } from '../lib/tap-stack';

const app = new App();
const environmentSuffix = process.env.ENVIRONMENT_SUFFIX || 'dev';
new TapStack(app, `TapStack${environmentSuffix}`, {
  environmentSuffix: environmentSuffix,
  stateBucket: process.env.TERRAFORM_STATE_BUCKET || 'iac-rlhf-tf-states',
  stateBucketRegion: process.env.TERRAFORM_STATE_BUCKET_REGION || 'us-east-1',
  awsRegion: process.env.AWS_REGION || 'us-east-1',
  defaultTags: { tags: { Environment: environmentSuffix } },
});
app.synth();
"""),
    "pulumi": ("bin/tap.ts", """import * as pulumi from '@pulumi/pulumi';
import { TapStack } from '../lib/tap-stack';

const config = new pulumi.Config();
const environmentSuffix = config.get('env') || 'dev';
export const stack = new TapStack('pulumi-infra', {
  environmentSuffix: environmentSuffix,
  tags: { Environment: environmentSuffix },
});
"""),
}


# The JavaScript templates' entry points (ES modules importing lib/tap-stack.mjs).
JS_ENTRIES = {
    "cdk": ("bin/tap.mjs", """#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { TapStack } from '../lib/tap-stack.mjs';

const app = new cdk.App();
const environmentSuffix = app.node.tryGetContext('environmentSuffix') || 'dev';
new TapStack(app, `TapStack${environmentSuffix}`, {
  stackName: `TapStack${environmentSuffix}`,
  environmentSuffix,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
"""),
    "pulumi": ("bin/tap.mjs", """import * as pulumi from '@pulumi/pulumi';
import { TapStack } from '../lib/tap-stack.mjs';

const config = new pulumi.Config();
const environmentSuffix = config.get('env') || 'dev';
export const stack = new TapStack('pulumi-infra', { environmentSuffix, tags: { Environment: environmentSuffix } });
"""),
}


@dataclass
class Workspace:
    root: Path  # the copy
    source: Path  # the project
    files: list[str]  # project-relative TS/JS files (the copy's are at the same paths)
    notes: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # files iacqa wrote that the project does not have

    def ts_files(self) -> list[str]:
        return [f for f in self.files if f.endswith(TS_SUFFIXES) and not f.endswith(".d.ts")]

    def cleanup(self) -> None:
        shutil.rmtree(self.root.parent, ignore_errors=True)

    def project_path(self, path: str) -> str:
        """A path the tools printed (absolute in the copy, or relative) as the project knows it."""
        for base in (str(self.root) + "/", str(self.root.resolve()) + "/"):
            if path.startswith(base):
                return path[len(base):]
        return path


def code_files(root: Path) -> list[str]:
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part in SKIP or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if p.is_file() and p.suffix in TS_SUFFIXES + JS_SUFFIXES:
            out.append(rel.as_posix())
    return out


def _writable(root: Path) -> None:
    """The program and synth write beside the code (cdktf.out, cfn-outputs): the copy is the owner's to write.
    Inside the sandbox every capability is dropped, so a mode copied from a read-only source would stop them."""
    import os

    for dirpath, _dirs, files in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in files:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP}


def prepare(source: Path, toolchain: Toolchain, platform: str, language: str = "ts") -> Workspace:
    """Copy the project next to a node_modules link; add the scaffold files it lacks."""
    base = Path(tempfile.mkdtemp(prefix="iacqa-node-"))
    root = base / "p"
    shutil.copytree(source, root, symlinks=False, ignore=_ignore, dirs_exist_ok=False)
    _writable(root)  # a read-only source (a checked-out corpus, a mounted share) must not make the copy read-only
    (root / "node_modules").symlink_to(toolchain.node_modules, target_is_directory=True)
    ws = Workspace(root=root, source=source, files=[])
    has_ts = any(p.endswith(TS_SUFFIXES) and not p.endswith(".d.ts") for p in code_files(root))
    if (language == "ts" or has_ts) and not (root / "tsconfig.json").is_file():
        cfg = json.loads(json.dumps(TSCONFIG))
        # Files a response put outside lib/ bin/ test/ are type-checked too (they are its code; the scaffold
        # would never compile them, which the entry-point findings report).
        extra = sorted({p.split("/", 1)[0] + ("/**/*" if "/" in p else "") for p in code_files(root)
                        if p.endswith(TS_SUFFIXES) and not p.startswith(("lib/", "bin/", "test/"))})
        cfg["include"] += extra
        (root / "tsconfig.json").write_text(json.dumps(cfg, indent=2))
        ws.added.append("tsconfig.json")
        ws.notes.append("tsconfig.json: the TAP scaffold's compiler options (the project has none)")
    pkg = root / "package.json"
    if not pkg.is_file():
        pkg.write_text(json.dumps({"name": "tap", "version": "0.1.0", "private": True}, indent=2))
        ws.added.append("package.json")
    else:
        _pin_commonjs(pkg, ws)
    if not any((root / lock).is_file() for lock in LOCK_FILES):
        # The pipeline runs at the scaffold's root, which has a package-lock.json; NodejsFunction looks for one to
        # find the project root and its package manager, and the synth fails without it. An empty npm lock says
        # "npm, here", nothing more (nothing is installed from it).
        (root / "package-lock.json").write_text(json.dumps({"name": "tap", "lockfileVersion": 3, "requires": True,
                                                            "packages": {}}, indent=2))
        ws.added.append("package-lock.json")
    entry = ENTRIES.get(platform) if language == "ts" else JS_ENTRIES.get(platform)
    if entry and not _has_entry(root, platform) and (root / "lib").is_dir():
        (root / entry[0]).parent.mkdir(parents=True, exist_ok=True)
        (root / entry[0]).write_text(entry[1])
        ws.added.append(entry[0])
        ws.notes.append(f"{entry[0]} added: the TAP template's entry point (the project has none)")
    ws.files = code_files(root)
    return ws


LOCK_FILES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock")


def _pin_commonjs(pkg: Path, ws: Workspace) -> None:
    """A project package.json is kept; its scripts and dependencies are never run or installed."""
    try:
        json.loads(pkg.read_text())
    except (OSError, ValueError):
        ws.notes.append("package.json is not valid JSON: replaced in the analysis copy")
        pkg.write_text(json.dumps({"name": "tap", "version": "0.1.0", "private": True}))


def _has_entry(root: Path, platform: str) -> bool:
    return entry_script(root, platform) is not None


def app_command(root: Path, platform: str) -> str | None:
    name = "cdktf.json" if platform == "cdktf" else "cdk.json"
    try:
        return json.loads((root / name).read_text()).get("app")
    except (OSError, ValueError, AttributeError):
        return None


def pulumi_main(root: Path) -> str | None:
    """Pulumi.yaml `main` (file or directory with index.ts), else the TAP convention bin/tap.ts / index.ts."""
    import re

    try:
        text = (root / "Pulumi.yaml").read_text(errors="replace")
    except OSError:
        text = ""
    m = re.search(r"^main:\s*(\S+)", text, re.M)
    cands = []
    if m:
        main = m.group(1).strip("'\"")
        cands += [main] if not (root / main).is_dir() else [f"{main.rstrip('/')}/index.ts", f"{main.rstrip('/')}/index.js"]
    cands += ["bin/tap.ts", "bin/tap.mjs", "bin/tap.js", "index.ts", "index.js", "lib/index.ts"]
    return next((c for c in cands if (root / c).is_file()), None)


def entry_script(root: Path, platform: str) -> str | None:
    """The script the app command runs (`npx ts-node --prefer-ts-exts bin/tap.ts` -> bin/tap.ts)."""
    if platform == "pulumi":
        return pulumi_main(root)
    cmd = app_command(root, platform) or ""
    for tok in cmd.split():
        tok = tok.strip("'\"")
        if tok.endswith(TS_SUFFIXES + JS_SUFFIXES) and (root / tok).is_file():
            return tok
    for cand in ("bin/tap.ts", "bin/tap.mjs", "bin/tap.js", "main.ts", "main.js"):
        if (root / cand).is_file():
            return cand
    scripts = sorted(p.relative_to(root).as_posix() for p in (root / "bin").glob("*") if p.suffix in (".ts", ".mjs", ".js")) \
        if (root / "bin").is_dir() else []
    if len(scripts) == 1:
        return scripts[0]
    import re

    # A response that keeps its app beside the stack at the project root (`new App()` ... `app.synth()`)
    for cand in sorted(root.glob("*")):
        if cand.suffix in (".ts", ".mjs", ".js") and cand.is_file() and re.search(
                r"new\s+(cdk\.|cdktf\.)?App\s*\(", cand.read_text(errors="replace")):
            return cand.name
    return None
