import { ComponentLabels } from '../../core/labels';
import { HUB_VERSION } from '../versions';

/** The parts of Kubeflow Hub (`app.kubernetes.io/component`). @internal */
export type HubPart =
  | 'server'
  | 'database'
  | 'ui'
  | 'rbac'
  | 'catalog'
  | 'catalog-database'
  | 'storage-initializer'
  | 'kubeflow-roles';

/**
 * Labels of every object: `app.kubernetes.io/name: model-registry` for the registry, its database,
 * the UI and the storage initializer, `model-catalog` for the catalog (upstream's names). @internal
 */
export const HUB_LABELS = new ComponentLabels<HubPart>({
  name: (part) =>
    part === 'catalog' || part === 'catalog-database' ? 'model-catalog' : 'model-registry',
  version: HUB_VERSION,
});

/** A version label value: an image tag cut to a label's 63 characters. @internal */
export function versionLabel(tag: string): string {
  return tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}
