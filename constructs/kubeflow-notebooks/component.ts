import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { NetworkPeer } from '../core/network';
import { ImageRef, parseImageReference } from '../core/images';
import { kubeflowNotebooksShape } from './config';
import { JupyterWebApp } from './jupyter-web-app';
import { NotebookController } from './notebook-controller';
import { PvcViewerController } from './pvcviewer-controller';
import { TensorboardController } from './tensorboard-controller';
import { TensorboardsWebApp } from './tensorboards-web-app';
import { VolumesWebApp } from './volumes-web-app';
import { NOTEBOOKS_LABELS } from './private/labels';
import { KUBEFLOW_NOTEBOOKS_VERSION } from './versions';

/** The namespace the controllers and web apps run in (upstream's `kubeflow`). */
export const KUBEFLOW_NOTEBOOKS_NAMESPACE = 'kubeflow';

/** The port of a notebook server (`NB_PREFIX` is served there), behind the notebook's Service. */
export const NOTEBOOK_SERVER_PORT = 8888;

const refs = (images: readonly string[] | undefined): ImageRef[] | undefined =>
  images?.map((i) => parseImageReference(i) as ImageRef);

/**
 * Kubeflow Notebooks on the platform: the Notebook CRD in the CRD layer, the notebook controller
 * and the Jupyter web app (at `/jupyter/`, in the dashboard's menu) in the platform-controllers
 * layer, in the meshed `kubeflow` namespace. Notebook pods in profile namespaces admit the
 * gateway (and the controller, which checks idleness when culling is on).
 */
export const kubeflowNotebooksComponent = defineComponent({
  key: 'kubeflow-notebooks',
  description:
    'notebooks: the notebook, tensorboard and PVC viewer controllers, the Jupyter, volumes and tensorboards web apps',
  toggle: 'kubeflow.notebooks.enabled',
  config: { shape: kubeflowNotebooksShape },
  namespaces: [KUBEFLOW_NOTEBOOKS_NAMESPACE],
  // The web app lists the namespaces a user may use (profiles) and their PodDefaults.
  // The PVC viewer's webhooks need a certificate for their in-cluster Service.
  needs: [
    Contracts.gateway,
    Contracts.mesh,
    Contracts.kubeflowProfiles,
    Contracts.podDefaults,
    Contracts.serviceIssuer,
  ],
  // With monitoring, the notebook, TensorBoard and PVC viewer controllers are scraped and
  // alerted on.
  uses: [Contracts.monitoring],
  versions: [{ project: 'notebooks', version: KUBEFLOW_NOTEBOOKS_VERSION }],
  enabled: (config) => config.kubeflow.notebooks.enabled,
  build(ctx) {
    const settings = ctx.config.kubeflow.notebooks;
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const namespace = ctx.namespace(KUBEFLOW_NOTEBOOKS_NAMESPACE, {
      owner: 'kubeflow',
      mesh: true,
    });
    const gateway = ctx.get(Contracts.gateway);
    const profiles = ctx.get(Contracts.kubeflowProfiles);
    const monitoring = ctx.tryGet(Contracts.monitoring);
    const monitored = monitoring ? { monitoring } : {};
    new NotebookController(scope, 'NotebookController', {
      namespace,
      ...monitored,
      gateway,
      istioHost: ctx.environment.domain,
      culling: {
        enabled: settings.culling.enabled,
        idleTimeMinutes: settings.culling.idleTimeMinutes,
      },
    });
    const jupyter = refs(settings.images.jupyter);
    const codeServer = refs(settings.images.codeServer);
    const rstudio = refs(settings.images.rstudio);
    new JupyterWebApp(scope, 'JupyterWebApp', {
      namespace,
      gateway,
      images: {
        ...(jupyter ? { jupyter } : {}),
        ...(codeServer ? { codeServer } : {}),
        ...(rstudio ? { rstudio } : {}),
      },
      allowCustomImage: settings.allowCustomImage,
      cpu: settings.cpu,
      memory: settings.memory,
      workspaceSizeGiB: settings.workspaceSizeGiB,
      ...(settings.storageClassName ? { storageClassName: settings.storageClassName } : {}),
    });
    profiles.addMenuEntry({ link: '/jupyter/', text: 'Notebooks', icon: 'book' });
    // What users open in their profile namespaces through the gateway, by port (the pods exist
    // only once users create them, and the TensorBoard controller labels each only by its name):
    // one allow per namespace for all of them.
    const served: { what: string; port: number }[] = [
      { what: 'notebook servers', port: NOTEBOOK_SERVER_PORT },
    ];
    if (settings.volumes.enabled) {
      new VolumesWebApp(scope, 'VolumesWebApp', { namespace, gateway });
      const viewers = new PvcViewerController(scope, 'PvcViewerController', {
        namespace,
        ...monitored,
        gateway,
        issuer: ctx.get(Contracts.serviceIssuer),
      });
      profiles.addMenuEntry({ link: '/volumes/', text: 'Volumes', icon: 'device:storage' });
      served.push({ what: 'PVC viewers', port: viewers.viewerPort });
    }
    if (settings.tensorboards.enabled) {
      new TensorboardsWebApp(scope, 'TensorboardsWebApp', { namespace, gateway });
      const tensorboards = new TensorboardController(scope, 'TensorboardController', {
        namespace,
        ...monitored,
        gateway,
        istioHost: ctx.environment.domain,
      });
      profiles.addMenuEntry({ link: '/tensorboards/', text: 'TensorBoards', icon: 'assessment' });
      served.push({ what: 'TensorBoard servers', port: tensorboards.servers.port });
    }
    profiles.allowIntoProfiles({
      id: 'notebooks-from-gateway',
      description: `Users reach their ${served.map((s) => `${s.what} (${s.port})`).join(', ')} through the ingress gateway`,
      from: [gateway.peer],
      ports: served.map((s) => ({ port: s.port })),
    });
    if (settings.culling.enabled) {
      profiles.allowIntoProfiles({
        id: 'notebooks-from-controller',
        description: "The notebook controller reads each notebook's kernel activity to cull it",
        from: [
          NetworkPeer.namespace(
            KUBEFLOW_NOTEBOOKS_NAMESPACE,
            NOTEBOOKS_LABELS.selector('notebook-controller'),
          ),
        ],
        ports: [{ port: NOTEBOOK_SERVER_PORT }],
      });
    }
  },
});
