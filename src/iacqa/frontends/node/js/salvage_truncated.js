// Salvage a TypeScript/JavaScript file that was cut off (the response hit its output limit), for the analysis copy:
// keep every complete statement / class member before the first syntax error, drop the one the cut fell in, and
// close the blocks still open, so what the file did declare can run. Parsed with the TypeScript compiler.
// Never finishes a half-written expression: it descends only through declaration bodies (class, constructor,
// method, function, namespace) and statement blocks (if/for/while/try/bare blocks); the statement the cut fell in
// (a `new X(this, 'id', {` without its end) is dropped whole.
// Usage: node salvage_truncated.js <root> <file>
// Prints {"ok": true, "kept_line": N, "cut_line": M, "closed": K} (the file rewritten) or {"ok": false, "why": ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
const rel = process.argv[3];
const ts = require(require.resolve('typescript', { paths: [root] }));

const say = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };
const abs = path.join(root, rel);
const text = fs.readFileSync(abs, 'utf8');
const isTs = /\.(ts|tsx|mts|cts)$/.test(rel);
const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, true, isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS);
const diags = sf.parseDiagnostics || [];
if (!diags.length) say({ ok: false, why: 'the file parses' });
const cut = Math.min(...diags.map((d) => d.start));
const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;

// The statement lists a cut may fall in, and how to go one level deeper from the child that holds the cut.
function items(node) {
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) return node.statements;
  if (ts.isClassDeclaration(node)) return node.members;
  return null;
}
function inner(child) {
  // the block-like node inside `child` to descend into, if the cut is inside it (past its opening brace)
  const cands = [];
  if (ts.isClassDeclaration(child)) cands.push(child);
  if ((ts.isConstructorDeclaration(child) || ts.isMethodDeclaration(child) || ts.isGetAccessor(child)
    || ts.isSetAccessor(child) || ts.isFunctionDeclaration(child)) && child.body) cands.push(child.body);
  if (ts.isModuleDeclaration(child) && child.body && ts.isModuleBlock(child.body)) cands.push(child.body);
  if (ts.isBlock(child)) cands.push(child);
  if (ts.isIfStatement(child)) cands.push(child.thenStatement, child.elseStatement);
  if (ts.isForStatement(child) || ts.isForOfStatement(child) || ts.isForInStatement(child)
    || ts.isWhileStatement(child)) cands.push(child.statement);
  if (ts.isTryStatement(child)) cands.push(child.tryBlock, child.catchClause && child.catchClause.block, child.finallyBlock);
  // the last one opened before the cut (`else {` after a closed `if {`); its end may lie before the cut, where the
  // parser's recovery closed it
  let found = null;
  for (const c of cands) {
    if (!c || !items(c)) continue;
    const open = ts.isClassDeclaration(c) ? text.indexOf('{', c.name ? c.name.end : c.getStart(sf)) : c.getStart(sf);
    if (open >= 0 && open < cut) found = { node: c, open };
  }
  return found;
}

// Whether `it` parses alone (wrapped as its container needs): with the error at the end of the text, the parser's
// recovery ends an unclosed `new X(this, 'id', {` before the cut, so an end before the cut does not prove it whole.
function parsesAlone(it, container) {
  const own = text.slice(it.getStart(sf), it.end);
  const wrapped = ts.isSourceFile(container) ? own
    : ts.isClassDeclaration(container) ? `class __iacqa {\n${own}\n}` : `async function __iacqa() { for (;;) {\n${own}\n} }`;
  const alone = ts.createSourceFile('x.ts', wrapped, ts.ScriptTarget.Latest, true, isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  return !(alone.parseDiagnostics || []).length;
}

let container = sf;
let keepEnd = 0;
for (;;) {
  const list = items(container);
  const before = list.filter((it) => it.getStart(sf) < cut && it.end <= cut);
  let holder = list.find((it) => it.getStart(sf) <= cut && it.end > cut) || null;
  // only the last item before the cut can be unfinished (an error inside an earlier one would come first)
  if (before.length && !parsesAlone(before[before.length - 1], container)) holder = before.pop();
  for (const it of before) keepEnd = Math.max(keepEnd, it.end);
  const next = holder && inner(holder);
  if (!next) break;
  container = next.node;
  keepEnd = Math.max(keepEnd, next.open + 1);
}
if (container === sf && keepEnd === 0) say({ ok: false, why: 'no complete statement before the cut' });

// The brackets still open at keepEnd, read with the compiler's scanner (strings, comments, templates skipped).
const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, isTs ? ts.LanguageVariant.Standard : ts.LanguageVariant.Standard,
  text.slice(0, keepEnd));
const stack = [];
const CLOSE = { '{': '}', '(': ')', '[': ']', '${': '}' };
for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
  if (k === ts.SyntaxKind.OpenBraceToken) stack.push('{');
  else if (k === ts.SyntaxKind.OpenParenToken) stack.push('(');
  else if (k === ts.SyntaxKind.OpenBracketToken) stack.push('[');
  else if (k === ts.SyntaxKind.TemplateHead) stack.push('${');
  else if (k === ts.SyntaxKind.CloseBraceToken || k === ts.SyntaxKind.CloseParenToken
    || k === ts.SyntaxKind.CloseBracketToken) {
    const top = stack.pop();
    if (top === '${') {
      // `}` of a template substitution: read the rest of the template literal
      const t = scanner.reScanTemplateToken(false);
      if (t === ts.SyntaxKind.TemplateMiddle) stack.push('${');
    }
  }
}
if (stack.some((b) => b !== '{')) say({ ok: false, why: 'the cut is inside an expression' });
const closers = stack.reverse().map((b) => CLOSE[b]);
const out = `${text.slice(0, keepEnd)}\n${closers.join('\n')}\n`;
const check = ts.createSourceFile(abs, out, ts.ScriptTarget.Latest, true, isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS);
if ((check.parseDiagnostics || []).length) say({ ok: false, why: 'the salvaged text does not parse either' });
fs.writeFileSync(abs, out);
say({ ok: true, kept_line: lineOf(keepEnd), cut_line: lineOf(cut), closed: closers.length });
