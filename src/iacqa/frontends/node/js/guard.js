// Preloaded (-r) into every Node program iacqa runs: records what went wrong as JSON lines in $IACQA_EVENTS
// (uncaught exceptions, unhandled rejections, process.exit with a non-zero code) with stack frames already
// source-mapped to the .ts lines by ts-node's source-map-support, and refuses sockets to anything but loopback.
'use strict';
const fs = require('fs');
const net = require('net');
const eventsFile = process.env.IACQA_EVENTS;
const root = process.env.IACQA_ROOT || process.cwd();

function emit(obj) {
  if (!eventsFile) return;
  try { fs.appendFileSync(eventsFile, JSON.stringify(obj) + '\n'); } catch (e) { /* nothing to do */ }
}

function frames(stack) {
  const out = [];
  // A SyntaxError's first line is the file:line V8 could not parse (not an `at` frame).
  const head = String(stack || '').split('\n')[0].match(/^((?:\/|file:\/\/)[^():]+):(\d+)$/);
  if (head) out.push([head[1].replace(/^file:\/\//, ''), Number(head[2]), 0, 'syntax']);
  for (const line of String(stack || '').split('\n')) {
    const m = line.match(/\(?((?:\/|file:\/\/)[^():]+):(\d+):(\d+)\)?\s*$/);
    if (!m) continue;
    let file = m[1].replace(/^file:\/\//, '');
    out.push([file, Number(m[2]), Number(m[3]), line.trim()]);
  }
  return out;
}

function describe(kind, err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind, type: e.name || e.constructor?.name || 'Error', message: String(e.message || e),
           code: e.code, frames: frames(e.stack), stack: String(e.stack || '').slice(0, 4000) };
}
globalThis.__iacqaEmit = emit;
globalThis.__iacqaDescribe = describe;

function fatal(kind, err) {
  emit(describe(kind, err));
  process.__iacqaExiting = true; // our own exit is not the program's process.exit()
  process.exit(1);
}
process.on('uncaughtException', (err) => fatal('exception', err));
process.on('unhandledRejection', (err) => fatal('rejection', err));
globalThis.__iacqaFatal = fatal;
const realExit = process.exit.bind(process);
process.exit = (code) => {
  if (code && code !== 0 && !process.__iacqaExiting) {
    process.__iacqaExiting = true;
    emit({ kind: 'exit', code, frames: frames(new Error().stack) });
  }
  return realExit(code);
};

// Loopback only: a program that calls AWS or the internet at synth is refused here, not sent anywhere.
const allowed = (host) => !host || host === 'localhost' || host === '127.0.0.1' || host === '::1';
const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === 'object' ? args[0] : { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
  if (opts && !opts.path && !allowed(opts.host)) {
    emit({ kind: 'network', host: String(opts.host), port: opts.port, frames: frames(new Error().stack) });
    const err = new Error(`iacqa sandbox: connection to ${opts.host}:${opts.port} refused (no network during analysis)`);
    err.code = 'ECONNREFUSED';
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return realConnect.apply(this, args);
};
void root;
