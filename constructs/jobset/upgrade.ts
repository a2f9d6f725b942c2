import { UpgradeStep } from '../core/component';
import { JOBSET_NAMES, JOBSET_SELECTOR, JOBSET_SELECTOR_V0_10 } from './names';
import { JOBSET_VERSION } from './versions';

/**
 * The upgrade from JobSet v0.10.x to v0.11.0 as an `UpgradeStep`: the manager Deployment's
 * `spec.selector` went from one label (`JOBSET_SELECTOR_V0_10`) to four (`JOBSET_SELECTOR`), and
 * a selector cannot change in place, so the Deployment is deleted before the apply creates it
 * again. Kubeflow documents the same step for 26.03 (community-distribution README, "26.03 ->
 * next release", issue #3428). The webhooks fail closed while no manager runs: JobSets and their
 * pods are refused for the seconds until the new pod is ready.
 *
 * `version` is compared with the version recorded for the component that registers the step
 * (its first declared version): pass that component's version when JobSet is not its first.
 */
export function jobSetSelectorUpgrade(
  namespace: string,
  version: string = JOBSET_VERSION,
): UpgradeStep {
  const from = Object.keys(JOBSET_SELECTOR_V0_10).length;
  const to = Object.keys(JOBSET_SELECTOR).length;
  return {
    version,
    description: `JobSet ${JOBSET_VERSION}: the controller manager Deployment's selector changed from ${from} label to ${to} (immutable), so the Deployment is replaced`,
    deleteBeforeApply: [{ resource: 'deployment', namespace, name: JOBSET_NAMES.deployment }],
  };
}
