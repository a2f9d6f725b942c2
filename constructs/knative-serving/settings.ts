import { Duration } from 'cdk8s';
import { goDuration } from '../core/duration';
import { ISTIO_INGRESS_CLASS } from './names';

/** A Knative feature flag (`config-features`, pkg/apis/config/features.go). */
export type KnativeFeatureFlag = 'Enabled' | 'Disabled' | 'Allowed';

/**
 * `secure-pod-defaults`: what the webhook fills into a revision's security context when unset.
 * `AllowRootBounded` sets seccomp RuntimeDefault and drops every capability; `Enabled` also sets
 * `runAsNonRoot: true` (an image running as root then fails to start).
 */
export type SecurePodDefaults = 'Disabled' | 'AllowRootBounded' | 'Enabled';

/** Where control-plane and request metrics go (`config-observability`). */
export type KnativeMetricsProtocol = 'none' | 'prometheus';

/** `config-autoscaler` (`config/core/configmaps/autoscaler.yaml`). */
export interface KnativeAutoscalerSettings {
  /** Scale revisions without traffic to zero pods (`enable-scale-to-zero`). @default true */
  readonly enableScaleToZero?: boolean;
  /** How long the last pod stays after traffic stops (`scale-to-zero-grace-period`). @default Duration.seconds(30) */
  readonly scaleToZeroGracePeriod?: Duration;
  /** Concurrent requests per pod the autoscaler aims at (`container-concurrency-target-default`). @default 100 */
  readonly containerConcurrencyTargetDefault?: number;
  /** Share of the target actually aimed at, in percent (`container-concurrency-target-percentage`). @default 70 */
  readonly targetUtilizationPercentage?: number;
  /** The window the stable mode averages over (`stable-window`, 6s to 1h). @default Duration.seconds(60) */
  readonly stableWindow?: Duration;
  /** Pods a new revision starts with (`initial-scale`). @default 1 */
  readonly initialScale?: number;
  /** Let a revision annotate `initial-scale: 0` (`allow-zero-initial-scale`). @default false */
  readonly allowZeroInitialScale?: boolean;
  /** Cluster-wide upper bound on a revision's `max-scale` (`max-scale-limit`). @default - none (0) */
  readonly maxScaleLimit?: number;
}

/** The PodSpec fields a Knative Service may use beyond the defaults (`config-features`). */
export interface KnativeFeatureSettings {
  /** `kubernetes.podspec-nodeselector`. @default 'Enabled' */
  readonly nodeSelector?: KnativeFeatureFlag;
  /** `kubernetes.podspec-tolerations`. @default 'Enabled' */
  readonly tolerations?: KnativeFeatureFlag;
  /** `kubernetes.podspec-affinity`. @default 'Enabled' */
  readonly affinity?: KnativeFeatureFlag;
  /** `kubernetes.podspec-fieldref` (Downward API env). @default - upstream's: 'Disabled' */
  readonly fieldRef?: KnativeFeatureFlag;
  /** `kubernetes.podspec-persistent-volume-claim`. @default - upstream's: 'Disabled' */
  readonly persistentVolumeClaim?: KnativeFeatureFlag;
  /** `kubernetes.podspec-persistent-volume-write`. @default - upstream's: 'Disabled' */
  readonly persistentVolumeWrite?: KnativeFeatureFlag;
  /** `kubernetes.podspec-init-containers`. @default - upstream's: 'Disabled' */
  readonly initContainers?: KnativeFeatureFlag;
  /** `kubernetes.podspec-runtimeclassname` (GPU runtimes). @default - upstream's: 'Disabled' */
  readonly runtimeClassName?: KnativeFeatureFlag;
  /** `kubernetes.podspec-priorityclassname`. @default - upstream's: 'Disabled' */
  readonly priorityClassName?: KnativeFeatureFlag;
  /** `kubernetes.podspec-securitycontext` (pod-level fields). @default - upstream's: 'Disabled' */
  readonly podSecurityContext?: KnativeFeatureFlag;
  /** `secure-pod-defaults`. @default 'AllowRootBounded' */
  readonly securePodDefaults?: SecurePodDefaults;
}

/**
 * Knative Serving's configuration, written into upstream's ConfigMaps. Only the keys set here,
 * or chosen by default below, are written; every other key keeps the default compiled into
 * Knative (the `_example` blocks of `config/core/configmaps/*.yaml` document them).
 */
export interface KnativeServingSettings {
  /**
   * The domain of route URLs: `<service>.<namespace>.<domain>` (`config-domain`). A Route
   * labelled `networking.knative.dev/visibility: cluster-local` stays `svc.cluster.local`.
   * @default 'example.com' (Kubeflow 26.03.1's `overlays/gateways/patches/config-domain.yaml`)
   */
  readonly domain?: string;
  /** @default - see each field */
  readonly autoscaler?: KnativeAutoscalerSettings;
  /** @default - see each field */
  readonly features?: KnativeFeatureSettings;
  /**
   * How long a revision may take to become ready before it fails (`config-deployment`
   * `progress-deadline`): large models load slowly.
   * @default - upstream's: 600s (`ProgressDeadlineDefault`, pkg/deployment/config.go; Kubeflow's
   * `patches/config-deployment.yaml` sets the same through the deprecated `progressDeadline` key)
   */
  readonly progressDeadline?: Duration;
  /**
   * Registries whose tags are not resolved to digests (`registries-skipping-tag-resolving`),
   * e.g. `nvcr.io` as KServe's install does for large Triton images.
   * @default - upstream's: kind.local, ko.local, dev.local
   */
  readonly registriesSkippingTagResolving?: readonly string[];
  /** Default request timeout of a revision (`config-defaults` `revision-timeout-seconds`). @default - upstream's: 300 */
  readonly revisionTimeoutSeconds?: number;
  /** Upper bound a revision may ask for (`max-revision-timeout-seconds`). @default - upstream's: 600 */
  readonly maxRevisionTimeoutSeconds?: number;
  /** Route host template (`config-network` `domain-template`). @default - upstream's: `{{.Name}}.{{.Namespace}}.{{.Domain}}` */
  readonly domainTemplate?: string;
  /**
   * `metrics-protocol` and `request-metrics-protocol`: `prometheus` serves the control plane's
   * metrics on 9090 and queue-proxy request metrics on 9091 for a scraper.
   * @default 'prometheus' (upstream's is none)
   */
  readonly metricsProtocol?: KnativeMetricsProtocol;
  /** `loglevel.<component>` for every Knative component. @default - upstream's: info */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** The defaults this platform chooses, and why, in one place. */
export const KNATIVE_SERVING_DEFAULTS = {
  domain: 'example.com',
  metricsProtocol: 'prometheus',
  /**
   * KServe copies a predictor's nodeSelector, tolerations and affinity into the Knative Service;
   * Knative's webhook rejects them unless these are on (GPU nodes are usually tainted).
   */
  features: { nodeSelector: 'Enabled', tolerations: 'Enabled', affinity: 'Enabled' },
  /** Seccomp and dropped capabilities for model servers that set none; root images still run. */
  securePodDefaults: 'AllowRootBounded',
} as const;

/** The data of each config ConfigMap, keyed by ConfigMap name. @internal */
export interface KnativeConfigData {
  readonly autoscaler: Record<string, string>;
  readonly defaults: Record<string, string>;
  readonly deployment: Record<string, string>;
  readonly domain: Record<string, string>;
  readonly features: Record<string, string>;
  readonly logging: Record<string, string>;
  readonly network: Record<string, string>;
  readonly observability: Record<string, string>;
}

function set(
  data: Record<string, string>,
  key: string,
  value: string | number | boolean | undefined,
): void {
  if (value !== undefined) data[key] = String(value);
}

/** The ConfigMap data for `settings`, with the queue-proxy image after the mirror. @internal */
export function knativeConfigData(
  settings: KnativeServingSettings,
  queueSidecarImage: string,
): KnativeConfigData {
  const a = settings.autoscaler ?? {};
  const f = { ...KNATIVE_SERVING_DEFAULTS.features, ...settings.features };
  const seconds = (d: Duration | undefined) => (d === undefined ? undefined : goDuration(d));

  const autoscaler: Record<string, string> = {};
  set(autoscaler, 'enable-scale-to-zero', a.enableScaleToZero);
  set(autoscaler, 'scale-to-zero-grace-period', seconds(a.scaleToZeroGracePeriod));
  set(autoscaler, 'container-concurrency-target-default', a.containerConcurrencyTargetDefault);
  set(autoscaler, 'container-concurrency-target-percentage', a.targetUtilizationPercentage);
  set(autoscaler, 'stable-window', seconds(a.stableWindow));
  set(autoscaler, 'initial-scale', a.initialScale);
  set(autoscaler, 'allow-zero-initial-scale', a.allowZeroInitialScale);
  set(autoscaler, 'max-scale-limit', a.maxScaleLimit);

  const defaults: Record<string, string> = {};
  set(defaults, 'revision-timeout-seconds', settings.revisionTimeoutSeconds);
  set(defaults, 'max-revision-timeout-seconds', settings.maxRevisionTimeoutSeconds);

  const deployment: Record<string, string> = { 'queue-sidecar-image': queueSidecarImage };
  set(deployment, 'progress-deadline', seconds(settings.progressDeadline));
  set(
    deployment,
    'registries-skipping-tag-resolving',
    settings.registriesSkippingTagResolving?.join(','),
  );

  const features: Record<string, string> = {};
  set(features, 'kubernetes.podspec-affinity', f.affinity);
  set(features, 'kubernetes.podspec-fieldref', f.fieldRef);
  set(features, 'kubernetes.podspec-init-containers', f.initContainers);
  set(features, 'kubernetes.podspec-nodeselector', f.nodeSelector);
  set(features, 'kubernetes.podspec-persistent-volume-claim', f.persistentVolumeClaim);
  set(features, 'kubernetes.podspec-persistent-volume-write', f.persistentVolumeWrite);
  set(features, 'kubernetes.podspec-priorityclassname', f.priorityClassName);
  set(features, 'kubernetes.podspec-runtimeclassname', f.runtimeClassName);
  set(features, 'kubernetes.podspec-securitycontext', f.podSecurityContext);
  set(features, 'kubernetes.podspec-tolerations', f.tolerations);
  set(
    features,
    'secure-pod-defaults',
    f.securePodDefaults ?? KNATIVE_SERVING_DEFAULTS.securePodDefaults,
  );

  const logging: Record<string, string> = {};
  if (settings.logLevel) {
    for (const c of ['activator', 'autoscaler', 'controller', 'queueproxy', 'webhook']) {
      logging[`loglevel.${c}`] = settings.logLevel;
    }
    logging['loglevel.net-istio-controller'] = settings.logLevel;
  }

  const network: Record<string, string> = { 'ingress-class': ISTIO_INGRESS_CLASS };
  set(network, 'domain-template', settings.domainTemplate);

  const protocol = settings.metricsProtocol ?? KNATIVE_SERVING_DEFAULTS.metricsProtocol;
  const observability: Record<string, string> = {
    'metrics-protocol': protocol,
    'request-metrics-protocol': protocol,
  };

  return {
    autoscaler,
    defaults,
    deployment,
    domain: { [settings.domain ?? KNATIVE_SERVING_DEFAULTS.domain]: '' },
    features,
    logging,
    network,
    observability,
  };
}
