// Keep a Node app going past the statement that threw: the innermost simple statement spanning <line> of <file>
// becomes `<binding> = __iacqa_stub()` (a declaration), `return __iacqa_stub()` or `;`, padded with newlines so
// every other line keeps its number; the stub (a Proxy that absorbs property reads) is appended
// as a hoisted function. Parsed with the TypeScript compiler.
// Usage: node stub_statement.js <root> <file> <line> [cdk|pulumi]
// Prints {"ok": true, "kind": ...} or {"ok": false, "why": ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
const rel = process.argv[3];
const line = parseInt(process.argv[4], 10);
const flavour = process.argv[5] || 'cdk';
const ts = require(require.resolve('typescript', { paths: [root] }));

const abs = path.join(root, rel);
const text = fs.readFileSync(abs, 'utf8');
const isTs = /\.(ts|tsx|mts|cts)$/.test(rel);
const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, true,
  isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS);
const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;

let best = null;
function visit(node) {
  const start = lineOf(node.getStart(sf));
  const end = lineOf(node.getEnd());
  if (start <= line && line <= end) {
    if (ts.isVariableStatement(node) || ts.isExpressionStatement(node) || ts.isReturnStatement(node)) {
      best = node; // deeper matches (a statement inside an arrow function body) overwrite outer ones
    }
    ts.forEachChild(node, visit);
  }
}
visit(sf);
if (!best) {
  process.stdout.write(JSON.stringify({ ok: false, why: 'no simple statement at that line' }));
  process.exit(0);
}
const start = best.getStart(sf);
const end = best.getEnd();
const newlines = '\n'.repeat((text.slice(start, end).match(/\n/g) || []).length);
let repl;
let kind;
if (ts.isVariableStatement(best)) {
  const flags = best.declarationList.flags;
  const kw = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
  const names = best.declarationList.declarations.map((d) => d.name.getText(sf));
  repl = `${kw} ${names.map((n) => `${n} = __iacqa_stub()`).join(', ')};`;
  kind = 'declaration';
} else if (ts.isReturnStatement(best)) {
  repl = 'return __iacqa_stub();';
  kind = 'return';
} else {
  const e = best.expression;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    repl = `${e.left.getText(sf)} = __iacqa_stub();`; // this.vpc = new ec2.Vpc(...)
    kind = 'assignment';
  } else {
    repl = ';';
    kind = 'expression';
  }
}
// An object (not a function: CDK refuses to resolve functions) that reads as a CDK token (`resolve()`), so values
// taken from it (`archive.queueName`) still synthesize; a method call on it throws at the user's line, and that
// statement is stubbed in turn.
const body = '{ const arr = new Set(["forEach", "map", "filter", "flatMap", "reduce", "some", "every", "find", "findIndex", "includes", "indexOf", "join", "slice", "concat", "push", "keys", "values", "entries"]); const p = new Proxy({}, { get(_t, k) { if (k === "resolve" || k === "toString" || k === Symbol.toPrimitive) return () => "iacqa-stub"; if (k === "then" || k === "toJSON") return undefined; if (k === "creationStack") return []; if (k === "length") return 0; if (k === Symbol.iterator) return function* () {}; if (typeof k === "string" && arr.has(k)) return (...a) => (["map", "filter", "flatMap", "slice", "concat", "keys", "values", "entries"].includes(k) ? [] : (k === "join" ? "" : undefined)); if (typeof k === "string" && /^(add|grant|try|get|with|bind|attach|connect|metric|apply|select|on|set|allow|create|export|to)[A-Z]/.test(k)) return () => p; return p; } }); return p; }';
// Pulumi: the stub reads as an unresolved value ('<unresolved stub>', which rules skip), says what it is
// (`__iacqaStub`, so the harness records it as that string in resource inputs), passes through pulumi.output() and
// interpolate as itself (Pulumi keeps an Unknown as is; an object would be copied to {} and print '[object Object]'),
// and `x.apply(fn)` on it is callable.
const pulumiBody = body.replace('if (k === "resolve" || k === "toString" || k === Symbol.toPrimitive) return () => "iacqa-stub";',
  'if (k === "toString" || k === Symbol.toPrimitive) return () => "<unresolved stub>"; if (k === "__iacqaStub" || k === "__pulumiUnknown") return true; if (k === "apply") return () => p;');
const fnBody = flavour === 'pulumi' ? pulumiBody : body;
const stubFn = isTs ? `\nfunction __iacqa_stub(): any ${fnBody.replace('const p =', 'const p: any =').replace('get(_t, k)', 'get(_t: any, k: any)').replace('(...a) =>', '(...a: any[]) =>')}\n`
  : `\nfunction __iacqa_stub() ${fnBody}\n`;
let out = text.slice(0, start) + repl + newlines + text.slice(end);
if (!out.includes('function __iacqa_stub(')) out += stubFn;
fs.writeFileSync(abs, out);
const names = ts.isVariableStatement(best) ? best.declarationList.declarations.map((d) => d.name.getText(sf))
  : (kind === 'assignment' ? [best.expression.left.getText(sf)] : []);
process.stdout.write(JSON.stringify({ ok: true, kind, from: lineOf(start), to: lineOf(end), names,
  text: text.slice(start, end).slice(0, 4000) }));
