import { ImageRef } from '../core/images';

/** The Katib release of Kubeflow 26.03.1. */
export const KATIB_VERSION = 'v0.19.0';

/**
 * Katib's own services, as its `katib-with-kubeflow` install pins them
 * (`manifests/v1beta1/installs/katib-with-kubeflow/kustomization.yaml` at v0.19.0).
 * The images that `katib-config` names (suggestions, early stopping, metrics collectors) are in
 * `KATIB_CONFIG_IMAGES`.
 */
export const KATIB_IMAGES = {
  controller: {
    registry: 'ghcr.io',
    repository: 'kubeflow/katib/katib-controller',
    tag: KATIB_VERSION,
  },
  dbManager: {
    registry: 'ghcr.io',
    repository: 'kubeflow/katib/katib-db-manager',
    tag: KATIB_VERSION,
  },
  ui: { registry: 'ghcr.io', repository: 'kubeflow/katib/katib-ui', tag: KATIB_VERSION },
} as const satisfies Record<string, ImageRef>;

const katibImage = (name: string): ImageRef => ({
  registry: 'ghcr.io',
  repository: `kubeflow/katib/${name}`,
  tag: KATIB_VERSION,
});

/**
 * Every image `katib-config` names: the controller starts them in tenant namespaces (suggestion
 * Deployments, the early-stopping container next to a suggestion, the metrics-collector sidecar
 * of trial pods), so they appear in no pod spec of the install and must be listed here for the
 * bill of materials. Upstream's `manifests/v1beta1/installs/katib-cert-manager/katib-config.yaml`
 * at v0.19.0 (the file Kubeflow's `katib-with-kubeflow` install uses); it pins tags, no digests.
 * Several algorithms share an image: hyperopt serves random and tpe, optuna grid and
 * multivariate-tpe, goptuna cmaes and sobol; StdOut and File both run the file collector.
 */
export const KATIB_CONFIG_IMAGES = {
  suggestionHyperopt: katibImage('suggestion-hyperopt'),
  suggestionOptuna: katibImage('suggestion-optuna'),
  suggestionHyperband: katibImage('suggestion-hyperband'),
  suggestionSkopt: katibImage('suggestion-skopt'),
  suggestionGoptuna: katibImage('suggestion-goptuna'),
  suggestionEnas: katibImage('suggestion-enas'),
  suggestionDarts: katibImage('suggestion-darts'),
  suggestionPbt: katibImage('suggestion-pbt'),
  earlyStoppingMedianstop: katibImage('earlystopping-medianstop'),
  fileMetricsCollector: katibImage('file-metrics-collector'),
  tfEventMetricsCollector: katibImage('tfevent-metrics-collector'),
} as const satisfies Record<string, ImageRef>;
