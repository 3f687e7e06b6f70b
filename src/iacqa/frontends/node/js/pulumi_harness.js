// Runs a Pulumi TypeScript/JavaScript program under Pulumi's own Node mock runtime (pulumi.runtime.setMocks).
// Every registration is recorded (type, name, inputs, the .ts line that declared it) in $IACQA_PULUMI_OUT; the
// mock answers (ids, ARNs, URLs) come from iacqa's Python identity tables over a unix socket, so the Node and
// Python Pulumi front ends see the same cloud. Usage: node -r guard.js -r ts-node/... pulumi_harness.js <entry>
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');

const root = process.env.IACQA_ROOT || process.cwd();
const outFile = process.env.IACQA_PULUMI_OUT;
const sockPath = process.env.IACQA_PULUMI_SOCK;
const entry = path.resolve(root, process.argv[2]);
const req = (m) => require(require.resolve(m, { paths: [root] }));
const emit = (o) => fs.appendFileSync(outFile, JSON.stringify(o) + '\n');

// -- answers from the Python side ------------------------------------------------------------------------------
let sock = null;
let buf = '';
let nextId = 1;
const pending = new Map();
function ask(msg) {
  if (!sock) {
    sock = net.connect({ path: sockPath });
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = JSON.parse(line);
        const p = pending.get(m.rid);
        if (p) { pending.delete(m.rid); p(m.result); }
        if (pending.size === 0) sock.unref();
      }
    });
    sock.on('error', () => { for (const p of pending.values()) p(null); pending.clear(); });
  }
  sock.ref();
  const rid = nextId++;
  return new Promise((resolve) => { pending.set(rid, resolve); sock.write(JSON.stringify({ ...msg, rid }) + '\n'); });
}

// -- serializing inputs (assets and archives as the Python harness writes them) ------------------------------
const ASSET_SIG = 'c44067f5952c0a294b673a41bacd8c17';
const ARCHIVE_SIG = '0def7320c3a5731c473e5ecbe6d01bc7';
const SIG_KEY = '4dabf18193072939515e22adb298388d';
// Inputs as the Python harness records them. Assets and archives reach the mocks either serialized (the
// signature key) or as SDK objects whose fields are promises (FileAsset.path, AssetArchive.assets...).
async function plain(v, depth = 0) {
  if (depth > 40) return null;
  if (v && typeof v.then === 'function') v = await v;
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return Promise.all(v.map((x) => plain(x, depth + 1)));
  if (typeof v === 'object') {
    const sig = v[SIG_KEY];
    const name = v.constructor && v.constructor.name;
    const isAsset = sig === ASSET_SIG || /^(FileAsset|StringAsset|RemoteAsset)$/.test(name || '');
    const isArchive = sig === ARCHIVE_SIG || /^(FileArchive|AssetArchive|RemoteArchive)$/.test(name || '');
    if (isAsset || isArchive) {
      const f = {};
      for (const k of ['path', 'text', 'uri', 'assets']) if (k in v) f[k] = await v[k];
      if (isArchive && f.assets) {
        const a = {};
        for (const [k, x] of Object.entries(f.assets)) a[k] = await plain(x, depth + 1);
        return { __archive: 'assets', assets: a };
      }
      if (isArchive) return f.path !== undefined ? { __archive: 'file', path: f.path } : { __archive: 'remote', uri: f.uri };
      if (f.text !== undefined) return { __asset: 'string', text: f.text };
      if (f.path !== undefined) return { __asset: 'file', path: f.path };
      return { __asset: 'remote', uri: f.uri };
    }
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = await plain(x, depth + 1);
    return o;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

const { frames } = require('./stack_frames');

// The constructor's inputs already known when it runs (literals; not Outputs, promises or resources), read
// synchronously: when the program throws before the mocks see the resolved inputs, the resource keeps these
// (the Python harness's `props`). A top-level unknown is left out, a nested one becomes a placeholder that rules skip.
const UNKNOWN = '<unresolved Output>';
function known(v, depth = 0) {
  if (depth > 40 || v === undefined) return undefined;
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return undefined;
    return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  }
  if (typeof v.then === 'function' || v.__pulumiOutput || v.__pulumiResource || v.__pulumiCustomResource) return UNKNOWN;
  if (v[SIG_KEY] !== undefined || v.constructor && /Asset|Archive/.test(v.constructor.name || '')) return UNKNOWN;
  if (Array.isArray(v)) return v.map((x) => { const k = known(x, depth + 1); return k === undefined ? null : k; });
  const o = {};
  for (const [k, x] of Object.entries(v)) { const kv = known(x, depth + 1); if (kv !== undefined) o[k] = kv; }
  return o;
}
function knownProps(props) {
  const out = {};
  if (!props || typeof props !== 'object') return out;
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('__')) continue;
    const kv = known(v);
    if (kv !== undefined && kv !== UNKNOWN) out[k] = kv;
  }
  return out;
}

// A value the keep-going continuation stubbed (stub_statement.js, pulumi flavour) stands for code that threw: in
// a resource's inputs it is recorded as an unresolved value (rules skip it), not as the proxy's empty object.
const STUB = '<unresolved stub>';
const isStub = (v) => { try { return !!v && typeof v === 'object' && v.__iacqaStub === true; } catch (e) { return false; } };
function unstub(o, depth = 0) {
  if (depth > 40 || !o || typeof o !== 'object' || o.__pulumiOutput || o.__pulumiResource || typeof o.then === 'function') return;
  for (const k of Object.keys(o)) {
    if (isStub(o[k])) o[k] = STUB;
    else unstub(o[k], depth + 1);
  }
}

// -- where each resource is declared: wrap the SDK's registerResource (called synchronously by the constructor)
const rtRes = req('@pulumi/pulumi/runtime/resource');
const origRegister = rtRes.registerResource;
rtRes.registerResource = function (res, parent, t, name, custom, remote, newDependency, props, opts, ...rest) {
  try { unstub(props); } catch (e) { /* a frozen input object: left as it is */ }
  try {
    let given = {};
    try { given = knownProps(props); } catch (e) { /* an odd input object: record none */ }
    emit({ kind: 'site', type: t, name, custom: !!custom, frames: frames(new Error().stack), props: given,
           protect: !!(opts && opts.protect), retain_on_delete: !!(opts && opts.retainOnDelete) });
  } catch (e) { /* recording must never break the program */ }
  return origRegister.call(this, res, parent, t, name, custom, remote, newDependency, props, opts, ...rest);
};

const pulumi = req('@pulumi/pulumi');
const project = process.env.IACQA_PULUMI_PROJECT || 'TapStack';
pulumi.runtime.setMocks({
  newResource: async (args) => {
    const inputs = await plain(args.inputs || {});
    const ans = (await ask({ op: 'resource', type: args.type, name: args.name, inputs })) || {};
    const id = ans.id || `${args.name}-id`;
    const state = ans.state || inputs;
    if (args.type === 'aws:eks/cluster:Cluster') {
      // what EKS computes and kubeconfig builders read (the identity tables have no EKS entry)
      state.endpoint = state.endpoint || `https://${id}.gr7.us-east-1.eks.amazonaws.com`;
      state.certificateAuthority = state.certificateAuthority || { data: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' };
      state.identities = state.identities || [{ oidcs: [{ issuer: `https://oidc.eks.us-east-1.amazonaws.com/id/${id}` }] }];
      state.version = state.version || inputs.version || '1.31';
    }
    emit({ kind: 'resource', type: args.type, name: args.name, custom: args.custom !== false, inputs,
           outputs: state, id });
    return { id, state };
  },
  call: async (args) => {
    const inputs = await plain(args.inputs || {});
    emit({ kind: 'invoke', token: args.token });
    return (await ask({ op: 'invoke', token: args.token, args: inputs })) || {};
  },
}, project, process.env.IACQA_PULUMI_STACK || 'dev', false);

async function main() {
  let mod;
  if (entry.endsWith('.mjs')) mod = await import('file://' + entry);
  else mod = require(entry);
  const exported = mod && typeof mod === 'object' ? Object.entries(mod) : [];
  for (const [k, v] of exported) {
    if (k === 'default' || k === '__esModule') continue;
    try {
      pulumi.output(v).apply((x) => {
        try { emit({ kind: 'output', name: k, value: JSON.parse(JSON.stringify(x === undefined ? null : x)) }); }
        catch (e) { emit({ kind: 'output', name: k, value: String(x) }); }
      });
    } catch (e) { /* an export that is not a value */ }
  }
}
main().catch((err) => globalThis.__iacqaFatal('exception', err));
