import { ImageRef, imageReference } from '../core/images';

/** The kubeflow/dashboard release this component deploys (Kubeflow release set 26.03.1). */
export const KUBEFLOW_DASHBOARD_VERSION = 'v2.0.0';

/**
 * Images of kubeflow/dashboard v2.0.0, as its kustomize bases pin them (`images:` of
 * `components/*\/manifests/kustomize/base`). Pinned by tag; upstream publishes no digests.
 * @see https://github.com/kubeflow/dashboard/releases/tag/v2.0.0
 */
export const KUBEFLOW_DASHBOARD_IMAGES = {
  dashboard: {
    registry: 'ghcr.io',
    repository: 'kubeflow/dashboard/dashboard',
    tag: KUBEFLOW_DASHBOARD_VERSION,
  },
  profileController: {
    registry: 'ghcr.io',
    repository: 'kubeflow/dashboard/profile-controller',
    tag: KUBEFLOW_DASHBOARD_VERSION,
  },
  accessManagement: {
    registry: 'ghcr.io',
    repository: 'kubeflow/dashboard/access-management',
    tag: KUBEFLOW_DASHBOARD_VERSION,
  },
} as const satisfies Record<string, ImageRef>;

const ROWS: readonly [string, ImageRef, string][] = [
  ['dashboard', KUBEFLOW_DASHBOARD_IMAGES.dashboard, 'Deployment `dashboard`'],
  [
    'profile-controller',
    KUBEFLOW_DASHBOARD_IMAGES.profileController,
    'Deployment `profiles-deployment`',
  ],
  ['access-management', KUBEFLOW_DASHBOARD_IMAGES.accessManagement, 'Deployment `profiles-kfam`'],
];

/** The markdown version table of the README, generated from the image refs. */
export function kubeflowDashboardVersionTable(): string {
  const rows = ROWS.map(
    ([name, ref, role]) => `| ${name} | \`${imageReference(ref)}\` | ${role} |`,
  );
  return ['| image | reference | used by |', '| --- | --- | --- |', ...rows].join('\n');
}
