// Runs one Node.js Lambda handler on one event the way the Lambda Node runtime does, against the emulator.
// Usage: node -r guard.js lambda_handler.js <code_root> <handler> <event.json> <ctx.json>
// Events (JSON lines, $IACQA_EVENTS): every AWS SDK v3 call (service, operation, the parameters that name the
// resource), logs, and how it ended: import-error / handler-missing / exception / result.
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

const [codeRoot, handlerSpec, eventFile, ctxFile] = process.argv.slice(2);
const emit = (o) => globalThis.__iacqaEmit(o);
const KEEP = new Set(['TableName', 'QueueUrl', 'TopicArn', 'TargetArn', 'Bucket', 'Key', 'FunctionName', 'SecretId',
  'Name', 'Names', 'Path', 'StreamName', 'StateMachineArn', 'KeyId', 'EventBusName', 'LogGroupName',
  'DeliveryStreamName', 'IndexName', 'Message', 'Subject', 'MessageBody', 'InvocationType', 'Payload', 'Entries',
  'RequestItems', 'TransactItems', 'Prefix', 'Input', 'MessageGroupId', 'PhoneNumber', 'MessageAttributes',
  'Destination', 'Source', 'ResourceArn', 'ClusterName', 'ApiId', 'ConnectionId']);
const PREFIX = { 'dynamodb': 'dynamodb', 'sqs': 'sqs', 'sns': 'sns', 's3': 's3', 'lambda': 'lambda',
  'eventbridge': 'events', 'sfn': 'states', 'secretsmanager': 'secretsmanager', 'ssm': 'ssm',
  'cloudwatch': 'monitoring', 'cloudwatchlogs': 'logs', 'kinesis': 'kinesis', 'kms': 'kms', 'sts': 'sts',
  'firehose': 'firehose', 'sesv2': 'ses', 'ses': 'ses', 'dynamodbstreams': 'dynamodb', 'xray': 'xray' };
const SERVICE = { 'events': 'events', 'states': 'stepfunctions', 'monitoring': 'cloudwatch' };
// lib-dynamodb's commands marshal the item and run the DynamoDB operation through the document client's own send:
// recorded under the DynamoDB operation they perform (what IAM and the emulator see).
const DOC_COMMANDS = { PutCommand: 'PutItem', GetCommand: 'GetItem', UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem', QueryCommand: 'Query', ScanCommand: 'Scan', BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem', TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems' };

function frames(stack) {
  const out = [];
  for (const line of String(stack || '').split('\n')) {
    const m = line.match(/\(?((?:\/|file:\/\/)[^():]+):(\d+):(\d+)\)?\s*$/);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (file.startsWith(codeRoot + '/') && !file.includes('/node_modules/')) {
      out.push([path.relative(codeRoot, file), Number(m[2]), line.trim()]);
    }
  }
  return out.reverse(); // outermost first, like a Python traceback: the last frame is where it failed
}

function jsonable(v, depth = 0) {
  if (depth > 6) return '…';
  if (v === undefined) return null;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 2000 ? v.slice(0, 2000) : v;
  if (typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => jsonable(x, depth + 1));
  if (typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v).slice(0, 100)) o[k] = jsonable(x, depth + 1);
    return o;
  }
  return String(v);
}

// -- record every SDK v3 call: patch each @smithy/smithy-client Client.send the runtime's SDK can load -------
function patchClient(modPath) {
  let sc;
  try { sc = require(modPath); } catch (e) { return; }
  const proto = sc.Client && sc.Client.prototype;
  if (!proto || proto.__iacqaPatched) return;
  const orig = proto.send;
  proto.send = function (command, ...rest) {
    const name = command && command.constructor ? command.constructor.name : 'Command';
    const sid = String((this.config && this.config.serviceId) || '').toLowerCase().replace(/[^a-z0-9]/g, '');
    const prefix = PREFIX[sid] || sid;
    const params = {};
    for (const [k, x] of Object.entries((command && command.input) || {})) if (KEEP.has(k)) params[k] = jsonable(x);
    const fr = frames(new Error().stack);
    const doc = Object.prototype.hasOwnProperty.call(DOC_COMMANDS, name) && prefix === 'dynamodb';
    const rec = { kind: 'call', service: SERVICE[prefix] || prefix, prefix,
                  operation: doc ? DOC_COMMANDS[name] : name.replace(/Command$/, ''),
                  params, frame: fr.length ? fr[fr.length - 1].slice(0, 2) : null };
    const p = orig.call(this, command, ...rest);
    if (!p || typeof p.then !== 'function') { emit(rec); return p; }
    return p.then((out) => {
      if (['Publish', 'SendMessage', 'PutEvents'].includes(rec.operation) && out) {
        const r = {};
        for (const [k, x] of Object.entries(out)) if (k !== '$metadata') r[k] = jsonable(x);
        rec.response = r;
      }
      emit(rec);
      return out;
    }, (err) => {
      rec.error = `${err && err.name}: ${err && err.message}`.slice(0, 500);
      emit(rec);
      throw err;
    });
  };
  proto.__iacqaPatched = true;
}
// The SDK's Client class: @smithy/core/client in current releases, @smithy/smithy-client before.
for (const dir of (process.env.IACQA_SMITHY_CLIENTS || '').split(path.delimiter)) {
  if (!dir) continue;
  for (const spec of ['@smithy/core/client', '@smithy/smithy-client']) {
    try { patchClient(require.resolve(spec, { paths: [dir] })); } catch (e) { /* not in this SDK generation */ }
  }
}

// -- environment variables the code reads and the function does not set ---------------------------------------
const ENV_IGNORED = /^(AWS_|NODE_|LAMBDA_|_X_AMZN|_HANDLER$|TZ$|LANG$|PATH$|HOME$|TMPDIR$|IACQA_|DEBUG$|CI$|TS_NODE|FORCE_COLOR|NO_COLOR|TERM)/;
const realEnv = process.env;
process.env = new Proxy(realEnv, {
  get(target, key) {
    const v = target[key];
    if (v === undefined && typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key) && !ENV_IGNORED.test(key)) {
      const fr = frames(new Error().stack);
      if (fr.length) emit({ kind: 'env-missing', name: key, frame: fr[fr.length - 1].slice(0, 2) });
    }
    return v;
  },
});

// -- logs ------------------------------------------------------------------------------------------------------
let nLogs = 0;
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARNING'], ['error', 'ERROR']]) {
  const orig = console[method].bind(console);
  console[method] = (...args) => {
    if (nLogs++ < 30) {
      const err = args.find((a) => a instanceof Error);
      const msg = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch (e) { return String(a); } })())).join(' ');
      const fr = frames(new Error().stack);
      emit({ kind: 'log', level, message: msg.slice(0, 1000), frame: fr.length ? fr[fr.length - 1].slice(0, 2) : null,
             exc: err ? { type: err.name, message: String(err.message).slice(0, 1000), frames: frames(err.stack) } : null });
    }
    return orig(...args);
  };
}

// -- load the module as the runtime does ------------------------------------------------------------------------
async function load() {
  const dot = handlerSpec.lastIndexOf('.');
  const modName = handlerSpec.slice(0, dot);
  const fnName = handlerSpec.slice(dot + 1);
  const base = path.resolve(codeRoot, modName);
  const cand = ['.js', '.mjs', '.cjs'].map((s) => base + s).find((f) => fs.existsSync(f));
  if (!cand) {
    emit({ kind: 'import-error', missing: modName, own_module: true,
           message: `Cannot find module '${modName}'`, frames: [] });
    return null;
  }
  let mod;
  try {
    const isEsm = cand.endsWith('.mjs') || (cand.endsWith('.js') && pkgType(path.dirname(cand)) === 'module');
    mod = isEsm ? await import('file://' + cand) : require(cand);
  } catch (err) {
    const m = /Cannot find (?:module|package) '([^']+)'/.exec(String(err && err.message));
    if (m && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      const missing = m[1];
      const own = missing.startsWith('.') || missing.startsWith('/');
      emit({ kind: 'import-error', missing, own_module: false, relative: own, message: String(err.message).split('\n')[0],
             frames: frames(err.stack) });
      return null;
    }
    emit({ kind: 'exception', phase: 'init', type: err && err.name || 'Error', message: String(err && err.message).slice(0, 2000),
           frames: frames(err && err.stack) });
    return null;
  }
  const fn = mod && (mod[fnName] || (mod.default && mod.default[fnName]));
  if (typeof fn !== 'function') {
    emit({ kind: 'handler-missing', module: modName, function: fnName,
           defined: Object.keys(mod || {}).filter((k) => typeof mod[k] === 'function') });
    return null;
  }
  return fn;
}

function pkgType(dir) {
  for (let d = dir; d.startsWith(codeRoot); d = path.dirname(d)) {
    try { return JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).type || 'commonjs'; } catch (e) { /* up */ }
    if (d === codeRoot) break;
  }
  return 'commonjs';
}

async function main() {
  const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
  const c = JSON.parse(fs.readFileSync(ctxFile, 'utf8'));
  const t0 = Date.now();
  const fn = await load();
  emit({ kind: 'init', seconds: (Date.now() - t0) / 1000 });
  if (!fn) return;
  const deadline = Date.now() + c.timeout * 1000;
  const context = {
    functionName: c.name, functionVersion: '$LATEST', invokedFunctionArn: c.arn, memoryLimitInMB: String(c.memory),
    awsRequestId: 'iacqa-0000-4000-8000-000000000000', logGroupName: `/aws/lambda/${c.name}`,
    logStreamName: '2026/01/01/[$LATEST]iacqa', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    callbackWaitsForEmptyEventLoop: true, done() {}, succeed() {}, fail() {},
  };
  const t1 = Date.now();
  let result;
  try {
    result = await new Promise((resolve, reject) => {
      const cb = (err, value) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value));
      let r;
      try { r = fn(event, context, cb); } catch (e) { reject(e); return; }
      if (r && typeof r.then === 'function') r.then(resolve, reject);
      else if (fn.length < 3) resolve(r);
    });
  } catch (err) {
    emit({ kind: 'exception', phase: 'invoke', type: (err && err.name) || 'Error',
           message: String(err && err.message !== undefined ? err.message : err).slice(0, 2000), frames: frames(err && err.stack) });
    return;
  }
  try {
    JSON.stringify(result === undefined ? null : result);
  } catch (err) {
    emit({ kind: 'exception', phase: 'marshal', type: 'Runtime.MarshalError', message: String(err.message), frames: [] });
    return;
  }
  emit({ kind: 'result', value: jsonable(result === undefined ? null : result), seconds: (Date.now() - t1) / 1000 });
}
main().then(() => process.exit(0), (err) => globalThis.__iacqaFatal('exception', err));
void Module;
