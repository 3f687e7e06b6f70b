// `at X (/path/file.ts:12:5)` lines of a JavaScript stack (source-mapped by --enable-source-maps) as
// [file, line, column, text], outermost last, as guard.js reads them. Shared by the preloads that report where in
// the project something happened (pulumi_harness.js, cdktf_provider.js, cdktf_depends_on.js).
'use strict';

function frames(stack) {
  const out = [];
  for (const line of String(stack || '').split('\n')) {
    const m = line.match(/\(?((?:\/|file:\/\/)[^():]+):(\d+):(\d+)\)?\s*$/);
    if (m) out.push([m[1].replace(/^file:\/\//, ''), Number(m[2]), Number(m[3]), line.trim()]);
  }
  return out;
}

module.exports = { frames };
