// Preloaded (-r, after guard.js) into a CDKTF app: when a stack has resources of a provider it has no provider
// construct for (a TerraformStack created inside another stack does not inherit the parent's AwsProvider), cdktf's
// own validation (ValidateProviderPresence) makes `cdktf synth` throw "Found resources without a matching provider
// construct". Here the validation still runs and its message is recorded as an event ("missing-provider", with the
// frames of the stack's construction, so the finding points at the project's line); then the provider is supplied
// to that stack, a copy of the same provider class the app uses elsewhere (its region kept), so synth goes on and
// the rest of the app is checked. The copy written is the analysis copy's; the finding stays.
'use strict';
const root = process.env.IACQA_ROOT || process.cwd();

const { frames } = require('./stack_frames');

function load(spec) {
  try { return require(require.resolve(spec, { paths: [root] })); } catch (e) { return null; }
}

const cdktf = load('cdktf'); // first: the package's modules import each other in its index's order
const vpp = cdktf && load('cdktf/lib/validations/validate-provider-presence');
if (vpp && cdktf && vpp.ValidateProviderPresence) {
  const Orig = vpp.ValidateProviderPresence;
  const reported = new Set();
  const providerName = (p) => p && p.terraformGeneratorMetadata && p.terraformGeneratorMetadata.providerName;

  function existing(app, name) {
    return app.node.findAll().find((c) => cdktf.TerraformProvider.isTerraformProvider(c) && providerName(c) === name);
  }

  function supply(stack, name) {
    const app = stack.node.root;
    const model = existing(app, name);
    let Cls = model && model.constructor;
    const cfg = {};
    if (model && typeof model.region === 'string') cfg.region = model.region;
    if (!Cls && name === 'aws') {
      const mod = load('@cdktf/provider-aws/lib/provider');
      Cls = mod && mod.AwsProvider;
    }
    if (!Cls) return false;
    try {
      new Cls(stack, `iacqa_supplied_${name}_provider`, cfg);
      return true;
    } catch (e) {
      return false;
    }
  }

  class IacqaProviderPresence extends Orig {
    constructor(host) {
      super(host);
      this.__iacqaCreated = new Error().stack; // inside the stack's constructor: its frames reach the project's line
    }

    validate() {
      const errors = super.validate();
      if (!errors.length) return errors;
      const stack = cdktf.TerraformStack.of(this.host);
      const missing = Array.from(this.providerNames).filter(
        (n) => !this.foundProviders.some((p) => providerName(p) === n));
      const parent = stack.node.scope && cdktf.TerraformStack.isStack(stack.node.scope) ? stack.node.scope : null;
      const supplied = missing.filter((n) => supply(stack, n));
      // a provider iacqa cannot supply: cdktf's own error stops the synth and is reported as such
      if (supplied.length !== missing.length) return errors;
      if (!reported.has(stack.node.path) && globalThis.__iacqaEmit) {
        reported.add(stack.node.path);
        globalThis.__iacqaEmit({
          kind: 'missing-provider', message: `[${stack.node.path}] ${errors[0]}`, stack: stack.node.path,
          stack_class: stack.constructor && stack.constructor.name, parent: parent ? parent.node.path : null,
          parent_class: parent && parent.constructor && parent.constructor.name, providers: missing, supplied,
          frames: frames(this.__iacqaCreated),
        });
      }
      // the provider construct was added: validate again, as cdktf would on the fixed app
      this.providerNames = new Set();
      this.foundProviders = [];
      return super.validate();
    }
  }
  vpp.ValidateProviderPresence = IacqaProviderPresence;
}
