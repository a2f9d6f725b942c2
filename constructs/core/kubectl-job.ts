import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from './images';
import { MAX_LABEL_NAME, boundedName } from './names';
import { JOB_RESOURCES, toResourceRequirements } from './resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
import { CORE_IMAGES } from './versions';

/** The nonroot user of distroless-style images; the kubectl image runs fine as it. */
const JOB_UID = 65532;

export interface KubectlJobProps {
  /**
   * Name of the Job, its ServiceAccount, Roles and RoleBindings. A name that is not a DNS label of
   * at most 63 characters (the Job controller puts it in the `job-name` label of its pods) is made
   * into one with `boundedName`; `KubectlJob.jobName` is the name used.
   */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** A bash script; `kubectl` talks to the API server as the Job's ServiceAccount. */
  readonly script: string;
  /** @default [] */
  readonly env?: readonly k8s.EnvVar[];
  /** Role rules by namespace: exactly what the script may do, nothing cluster-wide. */
  readonly rules: readonly {
    readonly namespace: string;
    readonly rules: readonly k8s.PolicyRule[];
  }[];
  /** @default 6 */
  readonly backoffLimit?: number;
  /** @default 600 */
  readonly activeDeadlineSeconds?: number;
}

/**
 * A short Job that runs a kubectl script with a ServiceAccount of its own and Roles limited to
 * what the script does. The platform uses it where a step must happen inside the cluster at
 * install time (generating a Secret once, waiting until a webhook admits requests).
 */
export class KubectlJob extends Construct {
  /** The name of the Job and its ServiceAccount, Roles and RoleBindings. */
  public readonly jobName: string;

  public constructor(scope: Construct, id: string, props: KubectlJobProps) {
    super(scope, id);
    const { namespace, labels } = props;
    const name = boundedName([props.name], { max: MAX_LABEL_NAME });
    this.jobName = name;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace, labels },
      automountServiceAccountToken: false,
    });
    props.rules.forEach((r, i) => {
      const suffix = i === 0 ? '' : `-${r.namespace}`;
      new k8s.KubeRole(this, `Role${suffix}`, {
        metadata: { name, namespace: r.namespace, labels },
        rules: [...r.rules],
      });
      new k8s.KubeRoleBinding(this, `RoleBinding${suffix}`, {
        metadata: { name, namespace: r.namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      });
    });
    new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace, labels },
      spec: {
        backoffLimit: props.backoffLimit ?? 6,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 600,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            restartPolicy: 'Never',
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: JOB_UID,
              runAsGroup: JOB_UID,
              fsGroup: JOB_UID,
            }),
            containers: [
              {
                name: 'kubectl',
                image: resolveImage(this, CORE_IMAGES.kubectl),
                command: ['/bin/bash', '-c', props.script],
                env: [
                  ...(props.env ?? []),
                  { name: 'HOME', value: '/tmp' },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [
              {
                name: 'tmp',
                emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') },
              },
            ],
          },
        },
      },
    });
  }
}
