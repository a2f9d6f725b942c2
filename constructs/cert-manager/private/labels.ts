import { ComponentLabelOptions, ComponentLabels } from '../../core/labels';
import { CERT_MANAGER_VERSION } from '../versions';

/** The release name upstream's static manifest is rendered with. */
const INSTANCE = 'cert-manager';

/** The parts of cert-manager, as upstream labels them (`app.kubernetes.io/component`). */
export type CertManagerPart = 'controller' | 'cainjector' | 'webhook' | 'cert-manager' | 'crds';

/** Upstream's `app.kubernetes.io/name` of each part. */
const APP_NAME: Record<CertManagerPart, string> = {
  controller: 'cert-manager',
  cainjector: 'cainjector',
  webhook: 'webhook',
  'cert-manager': 'cert-manager',
  crds: 'cert-manager',
};

const LABELS = new ComponentLabels<CertManagerPart>({
  name: (part) => APP_NAME[part],
  instance: INSTANCE,
  version: CERT_MANAGER_VERSION,
});

/** @internal */
export function labelOptions(part: CertManagerPart): ComponentLabelOptions {
  return LABELS.options(part);
}

/**
 * Labels of an object of `part`: our standard set plus upstream's `app` label, which upstream
 * dashboards and Kubeflow's network policies select on.
 * @internal
 */
export function partLabels(part: CertManagerPart): Record<string, string> {
  return { app: APP_NAME[part], ...LABELS.labels(part) };
}

/**
 * The pod selector of `part`: name, instance and component, exactly upstream's `matchLabels`,
 * so selectors written for an upstream install match these pods too.
 * @internal
 */
export function partSelector(part: CertManagerPart): Record<string, string> {
  return LABELS.selector(part);
}
