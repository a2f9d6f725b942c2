import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure } from '../core/gateway-exposure';
import { ImageRef, parseImageReference } from '../core/images';
import { IGateway } from '../core/mesh';
import { INamespace } from '../core/network';
import { ResourceSpec } from '../core/resources';
import { propProblem, throwIfProblems } from '../core/validation';
import { JUPYTER_PREFIX, KUBEFLOW_NOTEBOOKS_NAMES, KUBEFLOW_NOTEBOOKS_PORTS } from './names';
import { crudWebApp, replicasProblems } from './private/crud-web-app';
import { NOTEBOOKS_LABELS } from './private/labels';
import { JUPYTER_WEB_APP_RULES, NOTEBOOKS_USER_ROLES } from './rbac';
import {
  DEFAULT_GPU_VENDORS,
  GpuVendor,
  NotebookImages,
  SpawnerSettings,
  spawnerUiConfig,
} from './spawner-config';
import { KUBEFLOW_NOTEBOOKS_IMAGES, NOTEBOOK_SERVER_IMAGES } from './versions';

/** Requests and limits of the web app (three gunicorn workers). */
export const JUPYTER_WEB_APP_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '256Mi', limit: '512Mi' },
};

/** The header the gateway passes the user in. */
export const JUPYTER_USERID_HEADER = 'kubeflow-userid';

export interface JupyterWebAppProps {
  /** Where the web app runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** Users reach the app at `/jupyter/` on this gateway. */
  readonly gateway: IGateway;
  /** @default NOTEBOOK_SERVER_IMAGES - upstream's v1.11.0 images */
  readonly images?: Partial<NotebookImages>;
  /** Let users type an image of their own. @default true - upstream's */
  readonly allowCustomImage?: boolean;
  /** CPU request of a new notebook, a decimal number of cores. @default '0.5' */
  readonly cpu?: string;
  /** Memory request of a new notebook, in GiB with the unit `Gi`. @default '1.0Gi' */
  readonly memory?: string;
  /** Limits are the request times this factor. @default '1.2' */
  readonly limitFactor?: string;
  /** @default DEFAULT_GPU_VENDORS - NVIDIA, AMD, Intel Gaudi */
  readonly gpuVendors?: readonly GpuVendor[];
  /** Storage class of workspace volumes. @default - the cluster's default storage class */
  readonly storageClassName?: string;
  /** @default 5 */
  readonly workspaceSizeGiB?: number;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default JUPYTER_WEB_APP_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/**
 * The Jupyter web app of kubeflow/notebooks v1.11.0 at `/jupyter/`: users spawn notebooks from
 * the images and sizes its `spawner_ui_config.yaml` offers, which is generated here from typed
 * settings. Deployment `jupyter-web-app-deployment`, Service, ConfigMap, ClusterRole (upstream's
 * rules), the aggregated user roles, and the gateway exposure (route, network allow,
 * AuthorizationPolicy for the gateway only).
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/crud-web-apps/jupyter
 */
export class JupyterWebApp extends Construct {
  public readonly namespace: string;
  public readonly serviceHost: string;
  public readonly settings: SpawnerSettings;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;

  public constructor(scope: Construct, id: string, props: JupyterWebAppProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KUBEFLOW_NOTEBOOKS_NAMES.jupyter;
    const P = KUBEFLOW_NOTEBOOKS_PORTS;
    this.namespace = ns;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? JUPYTER_WEB_APP_DEFAULT_RESOURCES;
    this.settings = {
      images: {
        jupyter: props.images?.jupyter ?? NOTEBOOK_SERVER_IMAGES.jupyter,
        codeServer: props.images?.codeServer ?? NOTEBOOK_SERVER_IMAGES.codeServer,
        rstudio: props.images?.rstudio ?? NOTEBOOK_SERVER_IMAGES.rstudio,
      },
      allowCustomImage: props.allowCustomImage ?? true,
      cpu: props.cpu ?? '0.5',
      memory: props.memory ?? '1.0Gi',
      limitFactor: props.limitFactor ?? '1.2',
      gpuVendors: props.gpuVendors ?? DEFAULT_GPU_VENDORS,
      ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
      workspaceSizeGiB: props.workspaceSizeGiB ?? 5,
    };
    throwIfProblems('JupyterWebApp', problems(this.settings, this.replicas));

    const labels = NOTEBOOKS_LABELS.labels('jupyter-web-app');
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: N.config, namespace: ns, labels },
      data: { 'spawner_ui_config.yaml': spawnerUiConfig(this, this.settings) },
    });
    const app = crudWebApp(this, {
      namespace: props.namespace,
      gateway: props.gateway,
      names: N,
      prefix: JUPYTER_PREFIX,
      userIdHeader: JUPYTER_USERID_HEADER,
      ui: 'default',
      image: KUBEFLOW_NOTEBOOKS_IMAGES.jupyterWebApp,
      replicas: this.replicas,
      resources: this.resources,
      ports: { app: P.jupyter, service: P.jupyterService },
      serviceHost: this.serviceHost,
      rules: JUPYTER_WEB_APP_RULES,
      userRoles: NOTEBOOKS_USER_ROLES.filter((r) => r.name.startsWith('kubeflow-notebook-ui-')),
      labels: {
        app: labels,
        rbac: NOTEBOOKS_LABELS.labels('rbac'),
        mesh: NOTEBOOKS_LABELS.labels('mesh-policy'),
      },
      podLabels: NOTEBOOKS_LABELS.selector('jupyter-web-app'),
      volumes: [
        {
          volume: { name: 'config-volume', configMap: { name: N.config } },
          mount: { name: 'config-volume', mountPath: '/etc/config', readOnly: true },
        },
      ],
      component: 'Jupyter web app',
      description: 'the Jupyter web app at /jupyter/ from the ingress gateway',
    });
    this.deployment = app.deployment;
    this.exposure = app.exposure;
  }
}

/** The web app computes limits with `float(cpu)` and `float(memory without 'Gi')` (form.py). */
const CORES = /^[0-9]+(\.[0-9]+)?$/;
const GIBIBYTES = /^[0-9]+(\.[0-9]+)?Gi$/;

function problems(s: SpawnerSettings, replicas: number): string[] {
  const out: string[] = [];
  for (const [key, refs] of Object.entries(s.images) as [string, readonly ImageRef[]][]) {
    if (refs.length === 0) {
      out.push(propProblem(`images.${key}`, 'is empty', '[]', 'Offer at least one image.'));
    }
    refs.forEach((ref, i) => {
      const written = `${ref.registry}/${ref.repository}:${ref.tag}`;
      if (!parseImageReference(written)) {
        out.push(
          propProblem(
            `images.${key}[${i}]`,
            'is not a pinned image',
            `"${written}"`,
            'Name a registry and a tag other than latest.',
          ),
        );
      }
    });
  }
  if (!CORES.test(s.cpu)) {
    out.push(
      propProblem(
        'cpu',
        'is not a number of cores',
        `"${s.cpu}"`,
        "Use a decimal such as '0.5'; the web app multiplies it by limitFactor.",
      ),
    );
  }
  if (!GIBIBYTES.test(s.memory)) {
    out.push(
      propProblem(
        'memory',
        'is not a number of GiB',
        `"${s.memory}"`,
        "Use a value such as '1.0Gi'; the web app multiplies it by limitFactor.",
      ),
    );
  }
  if (s.limitFactor !== 'none' && !(Number(s.limitFactor) >= 1)) {
    out.push(
      propProblem(
        'limitFactor',
        'is not a number of at least 1 or none',
        `"${s.limitFactor}"`,
        "Use a factor such as '1.2'.",
      ),
    );
  }
  if (!Number.isInteger(s.workspaceSizeGiB) || s.workspaceSizeGiB < 1) {
    out.push(
      propProblem(
        'workspaceSizeGiB',
        'is not a whole number of at least 1',
        String(s.workspaceSizeGiB),
        'Use 1 or more.',
      ),
    );
  }
  out.push(...replicasProblems(replicas));
  return out;
}
