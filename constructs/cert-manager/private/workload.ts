import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResourceSpec, toResourceRequirements } from '../../core/resources';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../core/security';
import { CERT_MANAGER_PORTS } from '../names';
import { CertManagerPart, partLabels, partSelector } from './labels';

/**
 * The user and group the cert-manager images run as: since v1.20 the images are built on
 * distroless `nonroot` and declare no `USER` of their own, so they run as 65532:65532 (before
 * v1.20, `USER 1000` with group 0). Upstream's manifest sets no `runAsUser`; we pin the image's
 * own user so that the pod's identity is stated, not inherited.
 * @see https://cert-manager.io/docs/releases/release-notes/release-notes-1.20/
 */
const IMAGE_UID = 65532;
const IMAGE_GID = 65532;

/** One of the three cert-manager Deployments, as upstream shapes them. @internal */
export interface WorkloadOptions {
  readonly part: Exclude<CertManagerPart, 'cert-manager' | 'crds'>;
  /** Deployment and ServiceAccount name. */
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly resources: ResourceSpec;
  readonly container: {
    readonly name: string;
    readonly image: string;
    readonly args: readonly string[];
    readonly ports: readonly k8s.ContainerPort[];
    readonly livenessProbe?: k8s.Probe;
    readonly readinessProbe?: k8s.Probe;
  };
  /** Add the `prometheus.io/*` scrape annotations (only when scraping is allowed). */
  readonly scrapeMetrics: boolean;
}

/** An HTTP probe on a named container port. @internal */
export function httpProbe(
  path: string,
  port: string,
  timing: {
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
  },
): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(port), scheme: 'HTTP' },
    successThreshold: 1,
    ...timing,
  };
}

/**
 * ServiceAccount, Deployment and (with more than one replica) a PodDisruptionBudget of one
 * cert-manager component: restricted pod security, resources, Linux nodes only, the pod's
 * namespace in `POD_NAMESPACE` (the flags refer to it as `$(POD_NAMESPACE)`).
 * @internal
 */
export function certManagerWorkload(scope: Construct, opts: WorkloadOptions): k8s.KubeDeployment {
  const labels = partLabels(opts.part);
  const selector = partSelector(opts.part);
  const metadata = { name: opts.name, namespace: opts.namespace, labels };

  // Every component talks to the API server, so the pod mounts a token; the ServiceAccount
  // does not, so that nothing else that borrows the account gets one by accident.
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata,
    automountServiceAccountToken: false,
  });

  const c = opts.container;
  const deployment = new k8s.KubeDeployment(scope, 'Deployment', {
    metadata,
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          ...(opts.scrapeMetrics
            ? {
                annotations: {
                  'prometheus.io/path': '/metrics',
                  'prometheus.io/scrape': 'true',
                  'prometheus.io/port': String(CERT_MANAGER_PORTS.metrics),
                },
              }
            : {}),
        },
        spec: {
          serviceAccountName: opts.name,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext({
            runAsUser: IMAGE_UID,
            runAsGroup: IMAGE_GID,
            fsGroup: IMAGE_GID,
          }),
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [
            {
              name: c.name,
              image: c.image,
              imagePullPolicy: 'IfNotPresent',
              args: [...c.args],
              ports: [...c.ports],
              env: [
                {
                  name: 'POD_NAMESPACE',
                  valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                },
              ],
              ...(c.livenessProbe ? { livenessProbe: c.livenessProbe } : {}),
              ...(c.readinessProbe ? { readinessProbe: c.readinessProbe } : {}),
              resources: toResourceRequirements(opts.resources),
              securityContext: restrictedContainerSecurityContext(),
            },
          ],
        },
      },
    },
  });

  if (opts.replicas > 1) {
    new k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
      metadata,
      spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
  }
  return deployment;
}

/** A named TCP port. @internal */
export function tcpPort(name: string, containerPort: number): k8s.ContainerPort {
  return { name, containerPort, protocol: 'TCP' };
}

/** A ClusterIP Service port that targets a container port by name. @internal */
export function servicePort(name: string, port: number, targetPort: string): k8s.ServicePort {
  return { name, port, protocol: 'TCP', targetPort: k8s.IntOrString.fromString(targetPort) };
}
