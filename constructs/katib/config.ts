import { IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { ImageRef, resolveImage } from '../core/images';
import { ResourceSpec } from '../core/resources';
import { restrictedContainerSecurityContext } from '../core/security';
import { propProblem } from '../core/validation';
import { KATIB_PORTS } from './names';
import { KATIB_CONFIG_IMAGES } from './versions';

/** The document type the controller decodes (`pkg/apis/config/v1beta1/groupversion_info.go`). */
export const KATIB_CONFIG_API = {
  apiVersion: 'config.kubeflow.org/v1beta1',
  kind: 'KatibConfig',
} as const;

/**
 * Requests and limits of a container the controller starts from `katib-config`. `ResourceSpec`
 * plus ephemeral storage, which the controller also defaults (`setResourceRequirements` of
 * `pkg/apis/config/v1beta1/defaults.go`).
 */
export interface KatibContainerResources extends ResourceSpec {
  readonly ephemeralStorage?: { readonly request: string; readonly limit: string };
}

/**
 * What the controller gives any runtime container without its own resources
 * (`defaults.go`: cpu 50m/500m, memory 10Mi/100Mi, ephemeral-storage 500Mi/5Gi). We write
 * them out so that every container in the rendered config has requests and limits.
 */
export const KATIB_DEFAULT_RUNTIME_RESOURCES: KatibContainerResources = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '10Mi', limit: '100Mi' },
  ephemeralStorage: { request: '500Mi', limit: '5Gi' },
};

const withMemoryLimit = (limit: string): KatibContainerResources => ({
  ...KATIB_DEFAULT_RUNTIME_RESOURCES,
  memory: { ...KATIB_DEFAULT_RUNTIME_RESOURCES.memory, limit },
});

/** One suggestion service (`SuggestionConfig` of `pkg/apis/config/v1beta1/types.go`). */
export interface KatibSuggestionSettings {
  readonly algorithmName: string;
  readonly image: ImageRef;
  /** @default KATIB_DEFAULT_RUNTIME_RESOURCES */
  readonly resources?: KatibContainerResources;
  /**
   * The claim the controller creates for `resumePolicy: FromVolume` (PBT always). Upstream
   * sets one for pbt only.
   * @default - the controller's: ReadWriteOnce, 1Gi
   */
  readonly persistentVolumeClaim?: {
    readonly accessModes: readonly ('ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod')[];
    readonly storage: string;
    readonly storageClassName?: string;
  };
}

/** An early-stopping service (`EarlyStoppingConfig`). */
export interface KatibEarlyStoppingSettings {
  readonly algorithmName: string;
  readonly image: ImageRef;
  /** @default KATIB_DEFAULT_RUNTIME_RESOURCES */
  readonly resources?: KatibContainerResources;
}

/** A metrics collector the pod webhook injects into trial pods (`MetricsCollectorConfig`). */
export interface KatibMetricsCollectorSettings {
  readonly kind: KatibConfiguredCollectorKind;
  readonly image: ImageRef;
  /** @default KATIB_DEFAULT_RUNTIME_RESOURCES */
  readonly resources?: KatibContainerResources;
}

/** Collector kinds that take their image from `katib-config` (`AutoInjectMetricsCollectorList`). */
export const KATIB_CONFIGURED_COLLECTOR_KINDS = [
  'StdOut',
  'File',
  'TensorFlowEvent',
  'PrometheusMetric',
] as const;
export type KatibConfiguredCollectorKind = (typeof KATIB_CONFIGURED_COLLECTOR_KINDS)[number];

/**
 * The suggestions of upstream's `katib-config.yaml` (`installs/katib-cert-manager`, v0.19.0), in
 * its order: enas with a 400Mi memory limit, pbt with a 5Gi ReadWriteMany claim.
 */
export const KATIB_DEFAULT_SUGGESTIONS: readonly KatibSuggestionSettings[] = [
  { algorithmName: 'random', image: KATIB_CONFIG_IMAGES.suggestionHyperopt },
  { algorithmName: 'tpe', image: KATIB_CONFIG_IMAGES.suggestionHyperopt },
  { algorithmName: 'grid', image: KATIB_CONFIG_IMAGES.suggestionOptuna },
  { algorithmName: 'hyperband', image: KATIB_CONFIG_IMAGES.suggestionHyperband },
  { algorithmName: 'bayesianoptimization', image: KATIB_CONFIG_IMAGES.suggestionSkopt },
  { algorithmName: 'cmaes', image: KATIB_CONFIG_IMAGES.suggestionGoptuna },
  { algorithmName: 'sobol', image: KATIB_CONFIG_IMAGES.suggestionGoptuna },
  { algorithmName: 'multivariate-tpe', image: KATIB_CONFIG_IMAGES.suggestionOptuna },
  {
    algorithmName: 'enas',
    image: KATIB_CONFIG_IMAGES.suggestionEnas,
    resources: withMemoryLimit('400Mi'),
  },
  { algorithmName: 'darts', image: KATIB_CONFIG_IMAGES.suggestionDarts },
  {
    algorithmName: 'pbt',
    image: KATIB_CONFIG_IMAGES.suggestionPbt,
    persistentVolumeClaim: { accessModes: ['ReadWriteMany'], storage: '5Gi' },
  },
];

/** Upstream's only early-stopping algorithm. */
export const KATIB_DEFAULT_EARLY_STOPPINGS: readonly KatibEarlyStoppingSettings[] = [
  { algorithmName: 'medianstop', image: KATIB_CONFIG_IMAGES.earlyStoppingMedianstop },
];

/** Upstream's collectors: the file collector serves StdOut and File; TensorFlowEvent gets 1Gi. */
export const KATIB_DEFAULT_METRICS_COLLECTORS: readonly KatibMetricsCollectorSettings[] = [
  { kind: 'StdOut', image: KATIB_CONFIG_IMAGES.fileMetricsCollector },
  { kind: 'File', image: KATIB_CONFIG_IMAGES.fileMetricsCollector },
  {
    kind: 'TensorFlowEvent',
    image: KATIB_CONFIG_IMAGES.tfEventMetricsCollector,
    resources: withMemoryLimit('1Gi'),
  },
];

/** Algorithm names upstream configures, for config rules that check experiments. */
export const KATIB_SUGGESTION_ALGORITHMS: readonly string[] = KATIB_DEFAULT_SUGGESTIONS.map(
  (s) => s.algorithmName,
);
export const KATIB_EARLY_STOPPING_ALGORITHMS: readonly string[] = KATIB_DEFAULT_EARLY_STOPPINGS.map(
  (s) => s.algorithmName,
);

/**
 * Trial kinds of Kubeflow's install (`init.controller.trialResources` of upstream's
 * `katib-config.yaml`), `Kind.version.group`. The controller skips a kind whose CRD is missing.
 */
export const KATIB_DEFAULT_TRIAL_RESOURCES: readonly string[] = [
  'TrainJob.v1alpha1.trainer.kubeflow.org',
  'Job.v1.batch',
  'TFJob.v1.kubeflow.org',
  'PyTorchJob.v1.kubeflow.org',
  'MPIJob.v1.kubeflow.org',
  'XGBoostJob.v1.kubeflow.org',
];

/** The user suggestion containers run as: upstream's images run as root and need no user. */
export const KATIB_SUGGESTION_UID = 1000;

/** `init.controller` of the KatibConfig (`ControllerConfig`). */
export interface KatibControllerSettings {
  /** @default KATIB_DEFAULT_TRIAL_RESOURCES */
  readonly trialResources?: readonly string[];
  /**
   * One active controller among replicas (Lease `3fbc96e9.katib.kubeflow.org`).
   * @default - true when the controller runs more than one replica, else false (upstream's)
   */
  readonly enableLeaderElection?: boolean;
  /**
   * Give the metrics-collector sidecar the security context of the trial pod's first container,
   * so that trial pods pass the namespace's Pod Security level when the trial's own containers
   * do. Upstream's default is false: the sidecar then has none, and a "restricted" namespace
   * refuses every trial pod.
   * @default true
   */
  readonly injectSecurityContext?: boolean;
  /** gRPC readiness and liveness probes on suggestion containers. @default true - upstream's */
  readonly enableGRPCProbeInSuggestion?: boolean;
}

/** The KatibConfig document of `katib-config`, as typed settings. */
export interface KatibConfigSettings {
  readonly controller?: KatibControllerSettings;
  /** @default KATIB_DEFAULT_SUGGESTIONS */
  readonly suggestions?: readonly KatibSuggestionSettings[];
  /** @default KATIB_DEFAULT_EARLY_STOPPINGS */
  readonly earlyStoppings?: readonly KatibEarlyStoppingSettings[];
  /** @default KATIB_DEFAULT_METRICS_COLLECTORS */
  readonly metricsCollectors?: readonly KatibMetricsCollectorSettings[];
  /**
   * Run suggestion containers with a Pod Security "restricted" context (non-root as
   * `KATIB_SUGGESTION_UID`, no privilege escalation, no capabilities, seccomp RuntimeDefault;
   * root filesystem writable: the Python services write temporary files). `SuggestionConfig`
   * inlines a core Container, so its `securityContext` reaches the suggestion Deployment.
   * Upstream sets none. The early-stopping container cannot have one (its config has no such
   * field), so a suggestion with early stopping fails "restricted" either way. PBT writes its
   * checkpoints to its claim as this user: the storage class must give it a writable volume.
   * @default true
   */
  readonly restrictedSuggestions?: boolean;
}

const TRIAL_RESOURCE =
  /^[A-Z][A-Za-z0-9]*\.v[0-9a-z]+\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems of the settings, in the house message template. */
export function katibConfigProblems(settings: KatibConfigSettings, path = 'config'): string[] {
  const out: string[] = [];
  const dupes = (names: readonly string[], field: string, what: string): void => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) {
        out.push(
          propProblem(`${path}.${field}`, `names ${what} twice`, `"${n}"`, 'Keep one entry.'),
        );
      }
      seen.add(n);
    }
  };
  dupes(
    (settings.suggestions ?? []).map((s) => s.algorithmName),
    'suggestions',
    'an algorithm',
  );
  dupes(
    (settings.earlyStoppings ?? []).map((s) => s.algorithmName),
    'earlyStoppings',
    'an algorithm',
  );
  dupes(
    (settings.metricsCollectors ?? []).map((c) => c.kind),
    'metricsCollectors',
    'a kind',
  );
  (settings.metricsCollectors ?? []).forEach((c, i) => {
    if (!(KATIB_CONFIGURED_COLLECTOR_KINDS as readonly string[]).includes(c.kind)) {
      out.push(
        propProblem(
          `${path}.metricsCollectors[${i}].kind`,
          'is not a collector kind the controller configures',
          `"${c.kind}"`,
          `Use one of ${KATIB_CONFIGURED_COLLECTOR_KINDS.join(', ')}.`,
        ),
      );
    }
  });
  (settings.controller?.trialResources ?? []).forEach((r, i) => {
    if (!TRIAL_RESOURCE.test(r)) {
      out.push(
        propProblem(
          `${path}.controller.trialResources[${i}]`,
          'is not Kind.version.group',
          `"${r}"`,
          'Write it as e.g. Job.v1.batch or PyTorchJob.v1.kubeflow.org.',
        ),
      );
    }
  });
  if (settings.controller?.trialResources?.length === 0) {
    out.push(
      propProblem(
        `${path}.controller.trialResources`,
        'is empty',
        '[]',
        'Name at least Job.v1.batch.',
      ),
    );
  }
  return out;
}

function resourcesJson(r: KatibContainerResources): Record<string, Record<string, string>> {
  const requests: Record<string, string> = { cpu: r.cpu.request, memory: r.memory.request };
  const limits: Record<string, string> = { memory: r.memory.limit };
  if (r.cpu.limit) limits.cpu = r.cpu.limit;
  if (r.ephemeralStorage) {
    requests['ephemeral-storage'] = r.ephemeralStorage.request;
    limits['ephemeral-storage'] = r.ephemeralStorage.limit;
  }
  return { limits, requests };
}

/** The settings with every default applied. */
export interface ResolvedKatibConfig {
  readonly trialResources: readonly string[];
  readonly enableLeaderElection: boolean;
  readonly injectSecurityContext: boolean;
  readonly enableGRPCProbeInSuggestion: boolean;
  readonly suggestions: readonly KatibSuggestionSettings[];
  readonly earlyStoppings: readonly KatibEarlyStoppingSettings[];
  readonly metricsCollectors: readonly KatibMetricsCollectorSettings[];
  readonly restrictedSuggestions: boolean;
}

export function resolveKatibConfig(
  settings: KatibConfigSettings,
  replicas = 1,
): ResolvedKatibConfig {
  const c = settings.controller ?? {};
  return {
    trialResources: c.trialResources ?? KATIB_DEFAULT_TRIAL_RESOURCES,
    enableLeaderElection: c.enableLeaderElection ?? replicas > 1,
    injectSecurityContext: c.injectSecurityContext ?? true,
    enableGRPCProbeInSuggestion: c.enableGRPCProbeInSuggestion ?? true,
    suggestions: settings.suggestions ?? KATIB_DEFAULT_SUGGESTIONS,
    earlyStoppings: settings.earlyStoppings ?? KATIB_DEFAULT_EARLY_STOPPINGS,
    metricsCollectors: settings.metricsCollectors ?? KATIB_DEFAULT_METRICS_COLLECTORS,
    restrictedSuggestions: settings.restrictedSuggestions ?? true,
  };
}

/**
 * The KatibConfig document (the `katib-config.yaml` key) as the controller decodes it: typed
 * `apiVersion`/`kind`, `init.controller` and `runtime` with every image resolved through the
 * registry mirror and recorded in the bill of materials. The listening addresses are written
 * out so that they match the Deployment's ports; the cert generator stays off (cert-manager
 * signs the serving certificate).
 */
export function katibConfigDocument(scope: IConstruct, config: ResolvedKatibConfig): string {
  const suggestionSecurity = config.restrictedSuggestions
    ? restrictedContainerSecurityContext({
        readOnlyRootFilesystem: false,
        runAsUser: KATIB_SUGGESTION_UID,
        runAsGroup: KATIB_SUGGESTION_UID,
      })
    : undefined;
  const doc = {
    ...KATIB_CONFIG_API,
    init: {
      controller: {
        webhookPort: KATIB_PORTS.webhook,
        metricsAddr: `:${KATIB_PORTS.metrics}`,
        healthzAddr: `:${KATIB_PORTS.healthz}`,
        trialResources: [...config.trialResources],
        enableLeaderElection: config.enableLeaderElection,
        injectSecurityContext: config.injectSecurityContext,
        enableGRPCProbeInSuggestion: config.enableGRPCProbeInSuggestion,
      },
    },
    runtime: {
      metricsCollectors: config.metricsCollectors.map((c) => ({
        kind: c.kind,
        image: resolveImage(scope, c.image),
        imagePullPolicy: 'IfNotPresent',
        resources: resourcesJson(c.resources ?? KATIB_DEFAULT_RUNTIME_RESOURCES),
      })),
      suggestions: config.suggestions.map((s) => ({
        algorithmName: s.algorithmName,
        image: resolveImage(scope, s.image),
        imagePullPolicy: 'IfNotPresent',
        resources: resourcesJson(s.resources ?? KATIB_DEFAULT_RUNTIME_RESOURCES),
        ...(suggestionSecurity ? { securityContext: suggestionSecurity } : {}),
        ...(s.persistentVolumeClaim
          ? {
              persistentVolumeClaimSpec: {
                accessModes: [...s.persistentVolumeClaim.accessModes],
                resources: { requests: { storage: s.persistentVolumeClaim.storage } },
                ...(s.persistentVolumeClaim.storageClassName
                  ? { storageClassName: s.persistentVolumeClaim.storageClassName }
                  : {}),
              },
            }
          : {}),
      })),
      earlyStoppings: config.earlyStoppings.map((e) => ({
        algorithmName: e.algorithmName,
        image: resolveImage(scope, e.image),
        imagePullPolicy: 'IfNotPresent',
        resources: resourcesJson(e.resources ?? KATIB_DEFAULT_RUNTIME_RESOURCES),
      })),
    },
  };
  return stringify(doc, { lineWidth: 0 });
}
