import { ImageRef } from '../core/images';

/** The kubeflow/notebooks release this component deploys (Kubeflow 26.03.1). */
export const KUBEFLOW_NOTEBOOKS_VERSION = 'v1.11.0';

/**
 * Images of the pinned release, as upstream's kustomizations pin them at v1.11.0
 * (`components/notebook-controller/config/base`, `components/crud-web-apps/jupyter/manifests/base`).
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0
 */
export const KUBEFLOW_NOTEBOOKS_IMAGES = {
  notebookController: {
    registry: 'ghcr.io',
    repository: 'kubeflow/notebooks/notebook-controller',
    tag: KUBEFLOW_NOTEBOOKS_VERSION,
  },
  jupyterWebApp: {
    registry: 'ghcr.io',
    repository: 'kubeflow/notebooks/jupyter-web-app',
    tag: KUBEFLOW_NOTEBOOKS_VERSION,
  },
} as const satisfies Record<string, ImageRef>;

const server = (name: string): ImageRef => ({
  registry: 'ghcr.io',
  repository: `kubeflow/kubeflow/notebook-servers/${name}`,
  tag: KUBEFLOW_NOTEBOOKS_VERSION,
});

/**
 * The notebook server images the Jupyter web app offers upstream (`spawner_ui_config.yaml` at
 * v1.11.0): Jupyter in `image`, VS Code in `imageGroupOne`, RStudio in `imageGroupTwo`; the
 * first of each list is the preselected one.
 */
export const NOTEBOOK_SERVER_IMAGES = {
  jupyter: [
    server('jupyter-scipy'),
    server('jupyter-pytorch-full'),
    server('jupyter-pytorch-cuda-full'),
    server('jupyter-tensorflow-full'),
    server('jupyter-tensorflow-cuda-full'),
  ],
  codeServer: [server('codeserver-python')],
  rstudio: [server('rstudio-tidyverse')],
} as const satisfies Record<string, readonly ImageRef[]>;
