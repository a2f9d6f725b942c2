import { CORE_IMAGES } from '../../constructs/core/versions';
import { ImageRef, imageReference } from '../../constructs/core/images';
import { MINIO_VERSIONS } from '../../constructs/minio/versions';
import { CERT_MANAGER_IMAGES } from '../../constructs/cert-manager/versions';
import { ISTIO_IMAGES } from '../../constructs/istio/versions';
import { DEX_IMAGES } from '../../constructs/dex/versions';
import { OAUTH2_PROXY_IMAGES } from '../../constructs/oauth2-proxy/versions';
import { SEAWEEDFS_VERSIONS } from '../../constructs/seaweedfs/versions';
import { KUBEFLOW_DASHBOARD_IMAGES } from '../../constructs/kubeflow-dashboard/versions';
import { POD_DEFAULTS_IMAGES } from '../../constructs/poddefaults/versions';
import {
  KUBEFLOW_NOTEBOOKS_IMAGES,
  NOTEBOOK_SERVER_IMAGES,
} from '../../constructs/kubeflow-notebooks/versions';
import { KFP_IMAGES } from '../../constructs/kubeflow-pipelines/versions';
import { ARGO_WORKFLOWS_IMAGES } from '../../constructs/argo-workflows/versions';
import { DATABASE_VERSIONS } from '../../constructs/database/versions';
import { KSERVE_IMAGES } from '../../constructs/kserve/versions';
import { KNATIVE_SERVING_IMAGES } from '../../constructs/knative-serving/versions';
import { MODELS_WEB_APP_IMAGES } from '../../constructs/kserve-models-web-app/versions';
import { KATIB_CONFIG_IMAGES, KATIB_IMAGES } from '../../constructs/katib/versions';
import { KATIB_TRIAL_TEMPLATE_IMAGES } from '../../constructs/katib/trial-templates';
import { TRAINER_IMAGES, TRAINER_RUNTIME_IMAGES } from '../../constructs/trainer/versions';
import { JOBSET_IMAGES } from '../../constructs/jobset/versions';
import { ruleCatalogue } from '../../stacks/config/validate';
import { LAYERS } from '../../constructs/core/layers';

/** Every pinned image, by component, for the README's version table. */
export const VERSION_CATALOG: Record<string, Record<string, ImageRef>> = {
  core: CORE_IMAGES,
  'cert-manager': CERT_MANAGER_IMAGES,
  istio: ISTIO_IMAGES,
  dex: DEX_IMAGES,
  'oauth2-proxy': OAUTH2_PROXY_IMAGES,
  minio: MINIO_VERSIONS,
  seaweedfs: SEAWEEDFS_VERSIONS,
  'kubeflow-dashboard': KUBEFLOW_DASHBOARD_IMAGES,
  poddefaults: POD_DEFAULTS_IMAGES,
  'kubeflow-notebooks': KUBEFLOW_NOTEBOOKS_IMAGES,
  'notebook servers': Object.fromEntries(
    Object.values(NOTEBOOK_SERVER_IMAGES)
      .flat()
      .map((ref) => [ref.repository.split('/').pop() ?? ref.repository, ref]),
  ),
  'kubeflow-pipelines': KFP_IMAGES,
  'argo-workflows': ARGO_WORKFLOWS_IMAGES,
  database: DATABASE_VERSIONS,
  kserve: KSERVE_IMAGES,
  'knative-serving': KNATIVE_SERVING_IMAGES,
  'models-web-app': MODELS_WEB_APP_IMAGES,
  katib: KATIB_IMAGES,
  'katib-config': KATIB_CONFIG_IMAGES,
  'katib trial templates': KATIB_TRIAL_TEMPLATE_IMAGES,
  trainer: TRAINER_IMAGES,
  'training runtimes': TRAINER_RUNTIME_IMAGES,
  jobset: JOBSET_IMAGES,
};

export function versionsTable(): string {
  const rows = Object.entries(VERSION_CATALOG).flatMap(([component, refs]) =>
    Object.entries(refs).map(
      ([role, ref]) => `| ${component} | ${role} | \`${imageReference(ref)}\` |`,
    ),
  );
  return ['| component | image | reference |', '|---|---|---|', ...rows].join('\n');
}

export function rulesTable(): string {
  return [
    '| rule | component | what it checks |',
    '|---|---|---|',
    ...ruleCatalogue().map((r) => `| \`${r.id}\` | ${r.component} | ${r.description} |`),
  ].join('\n');
}

/** The install layers, as `install.sh` applies them. */
export function layersTable(): string {
  return [
    '| layer | holds |',
    '|---|---|',
    ...LAYERS.map((l) => `| \`${l.id}\` | ${l.description} |`),
  ].join('\n');
}
