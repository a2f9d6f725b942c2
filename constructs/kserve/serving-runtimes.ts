import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ImageRef, imageReference, resolveImage } from '../core/images';
import { ComponentLabels } from '../core/labels';
import { ResourceSpec } from '../core/resources';
import { restrictedContainerSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  KSERVE_RUNTIME_NAMES,
  KSERVE_SERVING_RUNTIME_IMAGES,
  KSERVE_SERVING_RUNTIMES,
  KSERVE_SERVING_RUNTIMES_VERSION,
  KServeRuntimeName,
  ServingRuntimeContainerFacts,
  ServingRuntimeExecProbe,
  ServingRuntimeMemoryVolume,
  ServingRuntimeFacts,
} from './serving-runtime-table';

export * from './serving-runtime-formats';
export * from './serving-runtime-table';

/** API version of the ClusterServingRuntime kind (`config/crd/full`, served and stored). */
export const CLUSTER_SERVING_RUNTIME_API_VERSION = 'serving.kserve.io/v1alpha1';
export const CLUSTER_SERVING_RUNTIME_KIND = 'ClusterServingRuntime';

const LABELS = new ComponentLabels<'serving-runtime'>({
  name: 'kserve',
  version: KSERVE_SERVING_RUNTIMES_VERSION,
});

/**
 * Every image the release's runtimes can run, sorted by reference: what to mirror for an
 * air-gapped cluster. `ClusterServingRuntimes` records the images it actually uses in the bill of
 * materials itself; this list is for reports and for runtimes installed elsewhere.
 */
export function servingRuntimeImages(
  runtimes: readonly KServeRuntimeName[] = KSERVE_RUNTIME_NAMES,
): ImageRef[] {
  const keys = [...new Set(runtimes.map((n) => KSERVE_SERVING_RUNTIMES[n].image))];
  return keys
    .map((k): ImageRef => KSERVE_SERVING_RUNTIME_IMAGES[k])
    .sort((a, b) => imageReference(a).localeCompare(imageReference(b)));
}

export interface ClusterServingRuntimesProps {
  /**
   * The runtimes to install, by upstream name.
   * @default - all twelve that KServe v0.18.0 and Kubeflow 26.03.1 install
   */
  readonly runtimes?: readonly KServeRuntimeName[];
  /**
   * An image per runtime in place of the pinned one (a patched or rebuilt server). A registry
   * mirror set in the construct context applies to these too.
   * @default - the images the release pins (`KSERVE_SERVING_RUNTIME_IMAGES`)
   */
  readonly images?: Partial<Record<KServeRuntimeName, ImageRef>>;
  /**
   * Requests and limits per runtime: of `kserve-container`, and of the Ray worker for the
   * multi-node runtime. An InferenceService's own `resources` still override these per model.
   * @default - upstream's: 1 CPU and 2Gi (requests = limits); multi-node 2-4 CPU, 6-12Gi
   */
  readonly resources?: Partial<Record<KServeRuntimeName, ResourceSpec>>;
}

/**
 * KServe's ClusterServingRuntimes of the pinned release: the model servers an InferenceService
 * in any namespace can run. Needs the ClusterServingRuntime CRD and the KServe webhook (it
 * validates these objects) to be installed first, so it belongs to the layer after the
 * controllers.
 *
 * Every runtime container gets the restricted security context (non-root, no privilege
 * escalation, all capabilities dropped, seccomp RuntimeDefault), with upstream's `runAsUser`
 * where the image's default user is root or a name. The root filesystem stays writable: the
 * servers write caches, logs and unpacked models under /tmp and their home (Hugging Face,
 * vLLM, Ray, TorchServe), and upstream mounts no scratch volume for them.
 * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/frameworks/overview
 */
export class ClusterServingRuntimes extends Construct {
  /** The runtimes installed, in upstream's name order. */
  public readonly runtimeNames: readonly KServeRuntimeName[];
  /** The image reference each installed runtime runs (after overrides and the mirror). */
  public readonly images: Readonly<Partial<Record<KServeRuntimeName, string>>>;
  /** The ClusterServingRuntime objects, by runtime name. */
  public readonly objects: Readonly<Partial<Record<KServeRuntimeName, ApiObject>>>;

  public constructor(scope: Construct, id: string, props: ClusterServingRuntimesProps = {}) {
    super(scope, id);
    const selected = props.runtimes ?? KSERVE_RUNTIME_NAMES;
    throwIfProblems('ClusterServingRuntimes', validate(props, selected));
    this.runtimeNames = KSERVE_RUNTIME_NAMES.filter((n) => selected.includes(n));

    const images: Partial<Record<KServeRuntimeName, string>> = {};
    const objects: Partial<Record<KServeRuntimeName, ApiObject>> = {};
    for (const name of this.runtimeNames) {
      const facts = KSERVE_SERVING_RUNTIMES[name];
      const image = resolveImage(
        this,
        props.images?.[name] ?? KSERVE_SERVING_RUNTIME_IMAGES[facts.image],
      );
      images[name] = image;
      objects[name] = new ApiObject(this, name, {
        apiVersion: CLUSTER_SERVING_RUNTIME_API_VERSION,
        kind: CLUSTER_SERVING_RUNTIME_KIND,
        metadata: {
          name,
          labels: LABELS.labels('serving-runtime'),
          annotations: { 'serving.kserve.io/server-type': facts.serverType },
        },
        spec: runtimeSpec(facts, image, props.resources?.[name]),
      });
    }
    this.images = images;
    this.objects = objects;
  }
}

function validate(props: ClusterServingRuntimesProps, selected: readonly string[]): string[] {
  const problems: string[] = [];
  const known = KSERVE_RUNTIME_NAMES as readonly string[];
  const list = known.join(', ');
  selected.forEach((name, i) => {
    if (!known.includes(name)) {
      problems.push(
        propProblem(
          `runtimes[${i}]`,
          'is not a runtime of KServe ' + KSERVE_SERVING_RUNTIMES_VERSION,
          `"${name}"`,
          `Use one of ${list}.`,
        ),
      );
    } else if (selected.indexOf(name) !== i) {
      problems.push(
        propProblem(`runtimes[${i}]`, 'is listed twice', `"${name}"`, 'List each runtime once.'),
      );
    }
  });
  for (const key of ['images', 'resources'] as const) {
    for (const name of Object.keys(props[key] ?? {})) {
      if (!selected.includes(name)) {
        problems.push(
          propProblem(
            `${key}.${name}`,
            'configures a runtime that is not installed',
            undefined,
            `Add "${name}" to \`runtimes\` or remove this entry.`,
          ),
        );
      }
    }
  }
  return problems;
}

/** A ResourceSpec as plain quantity strings (custom resources take no Quantity objects). */
function resources(spec: ResourceSpec): Record<string, Record<string, string>> {
  return {
    requests: { cpu: spec.cpu.request, memory: spec.memory.request },
    limits: {
      ...(spec.cpu.limit ? { cpu: spec.cpu.limit } : {}),
      memory: spec.memory.limit,
    },
  };
}

function probe(p: ServingRuntimeExecProbe): Record<string, unknown> {
  return {
    exec: { command: [...p.command] },
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    successThreshold: p.successThreshold,
    failureThreshold: p.failureThreshold,
  };
}

function volumes(list: readonly ServingRuntimeMemoryVolume[]): Record<string, unknown>[] {
  return list.map((v) => ({
    name: v.name,
    emptyDir: { medium: 'Memory', ...(v.sizeLimit ? { sizeLimit: v.sizeLimit } : {}) },
  }));
}

function container(
  c: ServingRuntimeContainerFacts,
  image: string,
  runAsUser: number | undefined,
  override: ResourceSpec | undefined,
): Record<string, unknown> {
  return {
    name: c.name,
    image,
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(c.env
      ? {
          env: c.env.map((e) =>
            'value' in e
              ? { name: e.name, value: e.value }
              : { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } },
          ),
        }
      : {}),
    resources: resources(override ?? c.resources),
    // Writable root filesystem: see the class comment.
    securityContext: restrictedContainerSecurityContext({
      readOnlyRootFilesystem: false,
      ...(runAsUser !== undefined ? { runAsUser } : {}),
    }),
    ...(c.livenessProbe ? { livenessProbe: probe(c.livenessProbe) } : {}),
    ...(c.readinessProbe ? { readinessProbe: probe(c.readinessProbe) } : {}),
    ...(c.startupProbe ? { startupProbe: probe(c.startupProbe) } : {}),
    ...(c.volumes?.length
      ? { volumeMounts: c.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) }
      : {}),
  };
}

function runtimeSpec(
  facts: ServingRuntimeFacts,
  image: string,
  override: ResourceSpec | undefined,
): Record<string, unknown> {
  const { runAsUser } = facts.security;
  return {
    annotations: {
      'prometheus.kserve.io/port': String(facts.ports.metrics),
      'prometheus.kserve.io/path': facts.metricsPath,
    },
    supportedModelFormats: facts.supportedModelFormats.map((f) => ({ ...f })),
    protocolVersions: [...facts.protocolVersions],
    ...(facts.multiModel !== undefined ? { multiModel: facts.multiModel } : {}),
    ...(facts.hostIPC !== undefined ? { hostIPC: facts.hostIPC } : {}),
    containers: [container(facts.container, image, runAsUser, override)],
    ...(facts.container.volumes?.length ? { volumes: volumes(facts.container.volumes) } : {}),
    ...(facts.worker
      ? {
          workerSpec: {
            pipelineParallelSize: facts.worker.pipelineParallelSize,
            tensorParallelSize: facts.worker.tensorParallelSize,
            containers: [container(facts.worker.container, image, runAsUser, override)],
            ...(facts.worker.container.volumes?.length
              ? { volumes: volumes(facts.worker.container.volumes) }
              : {}),
          },
        }
      : {}),
  };
}
