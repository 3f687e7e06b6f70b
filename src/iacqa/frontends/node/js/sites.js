// Every `new X(a, b, {...})` in the given TS/JS files, read with the TypeScript compiler's own parser:
// the constructor as written, the string (or template) arguments, and the object literal's keys with their lines.
// Usage: node sites.js <root> <file>...   -> JSON on stdout: [{file, line, endLine, cls, args: [..], keys: {..}}]
'use strict';
const fs = require('fs');
const path = require('path');
const root0 = process.argv[2];
const ts = require(require.resolve('typescript', { paths: [root0] }));

const root = process.argv[2];
const out = [];

function pattern(node) {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let s = node.head.text;
    for (const span of node.templateSpans) s += '*' + span.literal.text;
    return s;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = pattern(node.left);
    const r = pattern(node.right);
    return (l === null ? '*' : l) + (r === null ? '*' : r);
  }
  return null;
}

function propName(p, sf) {
  if (!p.name) return null;
  if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name)) return p.name.text;
  return null;
}

function walkObject(obj, prefix, sf, keys) {
  for (const p of obj.properties) {
    const name = ts.isShorthandPropertyAssignment(p) ? p.name.text : propName(p, sf);
    if (!name) continue;
    const key = prefix ? prefix + '.' + name : name;
    const start = sf.getLineAndCharacterOfPosition(p.getStart(sf));
    const end = sf.getLineAndCharacterOfPosition(p.getEnd());
    keys[key] = [start.line + 1, end.line + 1, start.character + 1];
    if (ts.isPropertyAssignment(p)) {
      let init = p.initializer;
      while (init && (ts.isAsExpression(init) || ts.isParenthesizedExpression(init) || ts.isSatisfiesExpression?.(init))) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init)) walkObject(init, key, sf, keys);
      else if (init && ts.isArrayLiteralExpression(init)) {
        for (const el of init.elements) if (ts.isObjectLiteralExpression(el)) walkObject(el, key, sf, keys);
      } else if (init && ts.isNewExpression(init) && init.arguments) {
        // Props given as `new lambda.Function(...)` belong to that call; `{ ... }` wrapped in a helper call: keep keys.
      }
    }
  }
}

function calleeText(expr, sf) {
  return expr.getText(sf).replace(/\s+/g, '');
}

for (const rel of process.argv.slice(3)) {
  const abs = path.join(root, rel);
  let text;
  try { text = fs.readFileSync(abs, 'utf8'); } catch (e) { continue; }
  const kind = rel.endsWith('.ts') || rel.endsWith('.tsx') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, true, kind);
  const visit = (node) => {
    if (ts.isNewExpression(node) && node.arguments) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      const end = sf.getLineAndCharacterOfPosition(node.getEnd());
      const args = node.arguments.slice(0, 3).map((a) => {
        const p = pattern(a);
        if (p !== null) return { s: p };
        if (ts.isIdentifier(a) || ts.isPropertyAccessExpression(a)) return { v: a.getText(sf) };
        if (a.kind === ts.SyntaxKind.ThisKeyword) return { v: 'this' };
        return {};
      });
      const keys = {};
      for (const a of node.arguments) {
        let x = a;
        while (x && (ts.isAsExpression(x) || ts.isParenthesizedExpression(x))) x = x.expression;
        if (x && ts.isObjectLiteralExpression(x)) { walkObject(x, '', sf, keys); break; }
      }
      out.push({ file: rel, line: start.line + 1, endLine: end.line + 1, cls: calleeText(node.expression, sf), args, keys });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
process.stdout.write(JSON.stringify(out));
