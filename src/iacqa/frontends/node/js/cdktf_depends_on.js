// Preloaded (-r, after guard.js) into a CDKTF app: `resource.addOverride('depends_on', [otherResource])` puts a
// Construct into the raw override, and `cdktf synth` throws when it resolves it ("Trying to 'resolve()' a Construct
// at '/resource/<type>/<id>/depends_on/0/node'"), after the whole app ran, at `app.synth()`: no line of the project
// is named and nothing is written. Here the call is recorded as an event ("override-construct": cdktf's own error
// text for that path, and the frames of the addOverride call) and the Constructs are replaced by what `dependsOn`
// would write (cdktf's `dependable()`), so synth goes on in the analysis copy and the rest of the app is checked.
'use strict';
const root = process.env.IACQA_ROOT || process.cwd();

function load(spec) {
  try { return require(require.resolve(spec, { paths: [root] })); } catch (e) { return null; }
}

const { frames } = require('./stack_frames');

const cdktf = load('cdktf'); // first: the package's modules import each other in its index's order
const constructs = cdktf && load('constructs');
const errors = cdktf && load('cdktf/lib/errors');
const tfx = cdktf && load('cdktf/lib/tfExpression');
if (cdktf && constructs && errors && tfx && cdktf.TerraformElement && errors.constructsCannotBeResolved) {
  const proto = cdktf.TerraformElement.prototype;
  const original = proto.addOverride;
  proto.addOverride = function (p, value) {
    const isDeps = /(^|\.)depends_on$/.test(String(p)) && Array.isArray(value);
    const at = isDeps ? value.findIndex((v) => constructs.Construct.isConstruct(v) && typeof v.fqn === 'string') : -1;
    if (at < 0) return original.call(this, p, value);
    const kind = this.terraformResourceType ? `resource/${this.terraformResourceType}` : 'data';
    const where = `/${kind}/${this.friendlyUniqueId}/${String(p).split('.').join('/')}/${at}/node`;
    if (globalThis.__iacqaEmit) {
      globalThis.__iacqaEmit({
        kind: 'override-construct', message: errors.constructsCannotBeResolved(where).message, path: String(p),
        resource: this.node.path, target: value[at].node.path, frames: frames(new Error('').stack),
      });
    }
    const fixed = value.map((v) => (constructs.Construct.isConstruct(v) && typeof v.fqn === 'string' ? tfx.dependable(v) : v));
    return original.call(this, p, fixed);
  };
}
