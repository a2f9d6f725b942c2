import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResourceSpec, toResourceRequirements } from '../../core/resources';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../core/security';
import { DEX_CONFIG_FILE, DEX_NAMES, DEX_PORTS } from '../names';
import { HOLD_UNTIL_PROXY_STARTS } from '../../core/mesh-policy';

/** The user the Dex images declare (`USER dex:dex`, 1001 in every variant). */
const DEX_UID = 1001;

/** What the Dex Deployment is made of. @internal */
export interface DexWorkloadOptions {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly image: string;
  readonly replicas: number;
  readonly resources: ResourceSpec;
  /** Read at synthesis: clients register after the Deployment exists. */
  readonly env: () => k8s.EnvVar[];
  /** Checksum of the rendered config, read at synthesis. */
  readonly configChecksum: () => string;
  readonly volumes: readonly k8s.Volume[];
  readonly volumeMounts: readonly k8s.VolumeMount[];
}

/** The config file's name inside the ConfigMap. @internal */
export const DEX_CONFIG_KEY = DEX_CONFIG_FILE.split('/').pop() ?? 'config.yaml';

/**
 * The Dex Deployment: restricted pod, the image's entrypoint (gomplate renders the config into
 * `/tmp`, then `dex serve`), probes on the telemetry port, and the pod's token for the storage.
 * @internal
 */
export function dexDeployment(scope: Construct, opts: DexWorkloadOptions): k8s.KubeDeployment {
  const probe = (path: string): k8s.Probe => ({
    httpGet: { path, port: k8s.IntOrString.fromString('telemetry'), scheme: 'HTTP' },
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  return new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: { name: DEX_NAMES.dex, namespace: opts.namespace, labels: opts.labels },
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: opts.selector },
      template: {
        metadata: {
          labels: opts.labels,
          annotations: {
            ...HOLD_UNTIL_PROXY_STARTS,
            // A changed config (a new client, connector or user) rolls the pods.
            'checksum/config': Lazy.any({ produce: opts.configChecksum }) as string,
          },
        },
        spec: {
          serviceAccountName: DEX_NAMES.dex,
          // The Kubernetes storage talks to the API server with the pod's token.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext({
            runAsUser: DEX_UID,
            runAsGroup: DEX_UID,
            fsGroup: DEX_UID,
          }),
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [
            {
              name: DEX_NAMES.container,
              image: opts.image,
              imagePullPolicy: 'IfNotPresent',
              // No command: the image's entrypoint renders the config with gomplate into /tmp
              // (hashing generated passwords), then runs `dex serve` on the result.
              args: ['dex', 'serve', DEX_CONFIG_FILE],
              env: Lazy.any({ produce: opts.env }) as unknown as k8s.EnvVar[],
              ports: [
                { name: 'http', containerPort: DEX_PORTS.http, protocol: 'TCP' },
                { name: 'telemetry', containerPort: DEX_PORTS.telemetry, protocol: 'TCP' },
              ],
              livenessProbe: probe('/healthz/live'),
              readinessProbe: probe('/healthz/ready'),
              resources: toResourceRequirements(opts.resources),
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                {
                  name: 'config',
                  mountPath: DEX_CONFIG_FILE.replace(/\/[^/]+$/, ''),
                  readOnly: true,
                },
                { name: 'tmp', mountPath: '/tmp' },
                ...opts.volumeMounts,
              ],
            },
          ],
          volumes: [
            {
              name: 'config',
              configMap: {
                name: DEX_NAMES.dex,
                items: [{ key: DEX_CONFIG_KEY, path: DEX_CONFIG_KEY }],
              },
            },
            {
              name: 'tmp',
              // The rendered config may hold password hashes: keep it in memory.
              emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') },
            },
            ...opts.volumes,
          ],
        },
      },
    },
  });
}
