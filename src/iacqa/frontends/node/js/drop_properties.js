// tsc reports one wrong property of an object literal and stops checking the rest of that literal against its type
// (`serverSideEncryptionConfiguration: [...]` TS2322 hides `blockPublicAcls: true` TS2353 a few lines below). For one
// more type check, the properties tsc already rejected are blanked (spaces, newlines kept, so every other position
// keeps its line), each with its trailing comma. Parsed with the TypeScript compiler.
// Usage: node drop_properties.js <root> <file> <line:col>...   (1-based, as tsc prints them); the text is read from
// $IACQA_TEXT_FILE when set (the file as an earlier pass rewrote it), else from <root>/<file>.
// Prints {"ok": true, "text": <new text>, "dropped": [[line, col], ...]} or {"ok": false, "why": ...}; never writes.
'use strict';
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
const rel = process.argv[3];
const ts = require(require.resolve('typescript', { paths: [root] }));
const say = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };

const abs = path.join(root, rel);
const text = fs.readFileSync(process.env.IACQA_TEXT_FILE || abs, 'utf8');
const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, true,
  /\.(ts|tsx|mts|cts)$/.test(rel) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
if ((sf.parseDiagnostics || []).length) say({ ok: false, why: 'the file does not parse' });

function propertyAt(pos) {
  // the innermost property of an object literal whose name starts at pos
  let best = null;
  (function visit(node) {
    if (node.getStart(sf) > pos || node.end < pos) return;
    if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isObjectLiteralExpression(node.parent)
      && node.name.getStart(sf) === pos) best = node;
    ts.forEachChild(node, visit);
  })(sf);
  return best;
}

const spans = [];
const dropped = [];
for (const arg of process.argv.slice(4)) {
  const [line, col] = arg.split(':').map(Number);
  let pos;
  try { pos = sf.getPositionOfLineAndCharacter(line - 1, col - 1); } catch (e) { continue; }
  const prop = propertyAt(pos);
  if (!prop) continue;
  let end = prop.end;
  const rest = text.slice(end).match(/^\s*,/);
  if (rest) end += rest[0].length;
  spans.push([prop.getStart(sf), end]);
  dropped.push([line, col]);
}
if (!spans.length) say({ ok: false, why: 'no object literal property at those positions' });
spans.sort((a, b) => b[0] - a[0]);
let out = text;
for (const [s, e] of spans) out = out.slice(0, s) + out.slice(s, e).replace(/[^\n]/g, ' ') + out.slice(e);
say({ ok: true, text: out, dropped });
