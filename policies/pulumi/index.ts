import { PolicyPack } from '@pulumi/policy';
import { ALL_PACKS } from '../packs/all';
import { buildPolicies } from './policies';

/**
 * Entry point of the CrossGuard pack: `pulumi up --policy-pack policies/pulumi` after
 * `npm run build` (PulumiPolicy.yaml and package.json live next to this file and point Node at the
 * compiled lib/policies/pulumi/index.js). Options come from the environment because a policy pack
 * has no command line: MLOPS_POLICY_PRODUCTION=true makes literal credentials mandatory, and
 * MLOPS_POLICY_PACKS=pss-baseline,platform selects packs.
 */
const production = /^(1|true|yes)$/i.test(process.env.MLOPS_POLICY_PRODUCTION ?? '');
const packIds = (process.env.MLOPS_POLICY_PACKS ?? '')
  .split(',')
  .map((id) => id.trim())
  .filter((id) => id !== '');
const unknown = packIds.filter((id) => !ALL_PACKS.some((p) => p.id === id));
if (unknown.length > 0) {
  throw new Error(
    `MLOPS_POLICY_PACKS names unknown packs (got ${JSON.stringify(unknown)}). ` +
      `Use some of ${ALL_PACKS.map((p) => p.id).join(', ')}.`,
  );
}

new PolicyPack('mlops-blueprint', {
  description:
    'Policy gate of the MLOps blueprint: Pod Security Standards (baseline, restricted) and ' +
    'platform rules for Kubernetes resources, with suppressions read from the ' +
    'policy.mlops-blueprint.dev/suppressions annotation.',
  policies: buildPolicies({
    production,
    packs: packIds.length === 0 ? ALL_PACKS : ALL_PACKS.filter((p) => packIds.includes(p.id)),
  }),
});
