import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { JupyterWebApp } from './jupyter-web-app';
import { NotebookController } from './notebook-controller';
import { KUBEFLOW_NOTEBOOKS_VERSION } from './versions';

/** The namespace the controller and the web app run in (upstream's `kubeflow`). */
export const KUBEFLOW_NOTEBOOKS_NAMESPACE = 'kubeflow';

/**
 * Kubeflow Notebooks on the platform: the Notebook CRD in the CRD layer, the notebook controller
 * and the Jupyter web app (at `/jupyter/`) in the platform-controllers layer, in the meshed
 * `kubeflow` namespace, with upstream's defaults. It has no settings of its own: the platform
 * decides whether to register it.
 */
export const kubeflowNotebooksComponent = defineComponent({
  key: 'kubeflow-notebooks',
  description: 'the notebook controller and the Jupyter web app',
  namespaces: [KUBEFLOW_NOTEBOOKS_NAMESPACE],
  needs: [Contracts.gateway, Contracts.mesh],
  versions: [{ project: 'notebooks', version: KUBEFLOW_NOTEBOOKS_VERSION }],
  build(ctx) {
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const namespace = ctx.namespace(KUBEFLOW_NOTEBOOKS_NAMESPACE, {
      owner: 'kubeflow',
      mesh: true,
    });
    const gateway = ctx.get(Contracts.gateway);
    new NotebookController(scope, 'NotebookController', { namespace, gateway });
    new JupyterWebApp(scope, 'JupyterWebApp', { namespace, gateway });
  },
});
