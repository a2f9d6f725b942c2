import { k8s } from 'cdk8s-plus-27';
import { stringify } from 'yaml';
import { S3CredentialsRef } from '../core/object-store';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { ARGO_WORKFLOWS_PORTS } from './names';

/**
 * Where Kubeflow Pipelines 2.16.1 keeps the logs and outputs Argo archives: per namespace, per
 * workflow and per day (`third-party/argo/base/workflow-controller-configmap-patch.yaml`; the
 * pipelines profile controller writes the same format with the namespace filled in).
 */
export const KFP_ARTIFACT_KEY_FORMAT =
  'private-artifacts/{{workflow.namespace}}/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}';

/** The user the executor runs as: Kubeflow Pipelines' `executor.securityContext.runAsUser`. */
export const ARGO_EXECUTOR_UID = 65532;

/** Requests and limits of the init and wait containers of every workflow pod. */
export const ARGO_EXECUTOR_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '64Mi', limit: '512Mi' },
};

/**
 * The security context workflow pods' main containers get by default (`mainContainer`); a
 * template's own context is merged over it. Exactly one of these.
 */
export class MainContainerSecurity {
  /**
   * Pod Security "restricted": with the executor's context, whole workflow pods pass it. The
   * main container runs as `runAsUser` whatever the image says, so images that need root (most
   * Python base images install packages as root) fail.
   */
  public static restricted(opts: { readonly runAsUser: number }): MainContainerSecurity {
    return new MainContainerSecurity('restricted', {
      ...hardened(),
      runAsNonRoot: true,
      runAsUser: opts.runAsUser,
    });
  }

  /**
   * Everything "restricted" asks that an image running as root still satisfies: no privilege
   * escalation, every capability dropped, seccomp RuntimeDefault. Workflow pods then pass
   * "baseline" (what profile namespaces enforce) and miss "restricted" only on `runAsNonRoot`.
   */
  public static hardened(): MainContainerSecurity {
    return new MainContainerSecurity('hardened', hardened());
  }

  /** Upstream's: no default; each template states its own. */
  public static none(): MainContainerSecurity {
    return new MainContainerSecurity('none', undefined);
  }

  private constructor(
    public readonly mode: 'restricted' | 'hardened' | 'none',
    public readonly securityContext: k8s.SecurityContext | undefined,
  ) {}
}

function hardened(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod creation throttling (`resourceRateLimit`). */
export interface ResourceRateLimit {
  /** Pods created per second. */
  readonly limit: number;
  /** Pods that may be created at once above the rate. */
  readonly burst: number;
}

/** What the controller's ConfigMap is built from. @internal */
export interface WorkflowControllerSettings {
  readonly s3: {
    readonly endpoint: string;
    readonly bucket: string;
    readonly region: string;
    readonly insecure: boolean;
    readonly keyFormat: string;
    readonly credentials: S3CredentialsRef;
  };
  readonly archiveLogs: boolean;
  readonly executorResources: ResourceSpec;
  readonly mainContainer: MainContainerSecurity;
  readonly mainContainerResources?: ResourceSpec;
  readonly instanceId?: string;
  readonly parallelism?: number;
  readonly namespaceParallelism?: number;
  readonly resourceRateLimit?: ResourceRateLimit;
  /**
   * Serve the metrics over TLS with the controller's self-signed certificate
   * (`metricsConfig.secure`, upstream's default true). Plain text where the mesh sidecar
   * reads them on loopback (Istio's metrics merging speaks plain HTTP to the app) and mTLS
   * carries them off the pod.
   * @default true
   */
  readonly metricsSecure?: boolean;
}

/** A container as Go reads it (`apiv1.Container`): the JSON form of the cdk8s types. */
function container(c: k8s.Container): Record<string, unknown> {
  const json = k8s.toJson_Container(c) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(json).filter(([key]) => key !== 'name'));
}

const yaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

/**
 * The data of `workflow-controller-configmap`: one key per top-level field of upstream's
 * `Config` (`config/config.go` at v3.7.3), each a YAML document, the form the controller
 * reads (and rejects with any unknown field: it unmarshals strictly).
 * @internal
 */
export function workflowControllerConfig(s: WorkflowControllerSettings): Record<string, string> {
  const c = s.s3.credentials;
  const data: Record<string, unknown> = {
    artifactRepository: {
      archiveLogs: s.archiveLogs,
      s3: {
        endpoint: s.s3.endpoint,
        bucket: s.s3.bucket,
        region: s.s3.region,
        insecure: s.s3.insecure,
        keyFormat: s.s3.keyFormat,
        accessKeySecret: { name: c.secretName, key: c.accessKeyKey },
        secretKeySecret: { name: c.secretName, key: c.secretKeyKey },
      },
    },
    executor: container({
      name: 'executor',
      imagePullPolicy: 'IfNotPresent',
      resources: toResourceRequirements(s.executorResources),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: ARGO_EXECUTOR_UID,
        ...hardened(),
      },
    }),
    ...(s.mainContainer.securityContext || s.mainContainerResources
      ? {
          mainContainer: container({
            name: 'main',
            ...(s.mainContainerResources
              ? { resources: toResourceRequirements(s.mainContainerResources) }
              : {}),
            ...(s.mainContainer.securityContext
              ? { securityContext: s.mainContainer.securityContext }
              : {}),
          }),
        }
      : {}),
    metricsConfig: {
      enabled: true,
      path: '/metrics',
      port: ARGO_WORKFLOWS_PORTS.metrics,
      secure: s.metricsSecure ?? true,
    },
    ...(s.instanceId !== undefined ? { instanceID: s.instanceId } : {}),
    ...(s.parallelism !== undefined ? { parallelism: s.parallelism } : {}),
    ...(s.namespaceParallelism !== undefined
      ? { namespaceParallelism: s.namespaceParallelism }
      : {}),
    ...(s.resourceRateLimit
      ? {
          resourceRateLimit: { limit: s.resourceRateLimit.limit, burst: s.resourceRateLimit.burst },
        }
      : {}),
  };
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      // A scalar on one line; a string quoted where YAML would read it as another type.
      typeof value === 'object' ? yaml(value) : yaml(value).trimEnd(),
    ]),
  );
}
