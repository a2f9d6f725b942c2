import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../../core/images';
import { ComponentLabelOptions } from '../../core/labels';
import { ResourceSpec, toResourceRequirements } from '../../core/resources';
import { SecretBinding, SecretSource } from '../../core/secrets';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../core/security';

/** The key of the database password in its Secret. @internal */
export const POSTGRES_PASSWORD_KEY = 'password';

/** Where the data volume is mounted and the data directory below it (upstream's `PGDATA`). @internal */
export const POSTGRES_VOLUME_PATH = '/var/lib/postgresql/data';
export const POSTGRES_DATA_DIR = '/var/lib/postgresql/data/pgdata';

/** @internal */
export interface PostgresServerProps {
  readonly namespace: string;
  /** StatefulSet and Service name. */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly containerName: string;
  readonly volumeName: string;
  readonly secretName: string;
  readonly labelOptions: ComponentLabelOptions;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly image: ImageRef;
  /** The image's `postgres` user and group (70 on Alpine, as upstream runs both images). */
  readonly uid: number;
  readonly databaseName: string;
  readonly username: string;
  readonly password: SecretSource;
  readonly storageGiB: number;
  readonly storageClassName?: string;
  readonly resources: ResourceSpec;
  readonly port: number;
}

/** @internal */
export interface PostgresServer {
  readonly host: string;
  readonly password: SecretBinding;
  readonly statefulSet: k8s.KubeStatefulSet;
  readonly service: k8s.KubeService;
}

/**
 * A single-instance PostgreSQL as a StatefulSet with a volume claim template and one ClusterIP
 * Service (also the StatefulSet's governing Service), hardened: non-root, read-only root file
 * system (the socket directory and `/tmp` are emptyDirs), exec probes through `pg_isready`, a
 * password from a `SecretSource`. The pod stays in the mesh: its Service port is named `tcp-`
 * so that Istio treats it as opaque TCP under mTLS instead of sniffing it. @internal
 */
export function postgresServer(scope: Construct, props: PostgresServerProps): PostgresServer {
  const { namespace: ns, labels } = props;
  const password = props.password.bind(scope, 'DatabasePassword', {
    namespace: ns,
    secretName: props.secretName,
    keys: [POSTGRES_PASSWORD_KEY],
    labels: props.labelOptions,
  });

  new k8s.KubeServiceAccount(scope, 'DatabaseServiceAccount', {
    metadata: { name: props.serviceAccountName, namespace: ns, labels },
    automountServiceAccountToken: false,
  });

  const service = new k8s.KubeService(scope, 'DatabaseService', {
    metadata: { name: props.name, namespace: ns, labels },
    spec: {
      type: 'ClusterIP',
      selector: { ...props.selector },
      ports: [
        {
          name: 'tcp-postgres',
          port: props.port,
          targetPort: k8s.IntOrString.fromString('postgres'),
          protocol: 'TCP',
        },
      ],
    },
  });

  // pg_isready answers without credentials; over 127.0.0.1 it fails while the entrypoint's
  // temporary server (listening on the socket only) initialises the data directory.
  const ready: k8s.ExecAction = {
    command: [
      'pg_isready',
      '--host=127.0.0.1',
      `--port=${props.port}`,
      `--username=${props.username}`,
      `--dbname=${props.databaseName}`,
      '--timeout=5',
    ],
  };
  const scratch = (name: string, sizeLimit: string): k8s.Volume => ({
    name,
    emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) },
  });

  const statefulSet = new k8s.KubeStatefulSet(scope, 'Database', {
    metadata: { name: props.name, namespace: ns, labels },
    spec: {
      serviceName: props.name,
      replicas: 1,
      selector: { matchLabels: { ...props.selector } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          serviceAccountName: props.serviceAccountName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // A clean shutdown writes a checkpoint instead of replaying the WAL on start.
          terminationGracePeriodSeconds: 60,
          securityContext: restrictedPodSecurityContext({
            runAsUser: props.uid,
            runAsGroup: props.uid,
            fsGroup: props.uid,
          }),
          containers: [
            {
              name: props.containerName,
              image: resolveImage(scope, props.image),
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'PGDATA', value: POSTGRES_DATA_DIR },
                { name: 'POSTGRES_DB', value: props.databaseName },
                { name: 'POSTGRES_USER', value: props.username },
                {
                  name: 'POSTGRES_PASSWORD',
                  valueFrom: { secretKeyRef: password.keyRef(POSTGRES_PASSWORD_KEY) },
                },
              ],
              ports: [{ name: 'postgres', containerPort: props.port, protocol: 'TCP' }],
              startupProbe: {
                exec: ready,
                periodSeconds: 5,
                timeoutSeconds: 6,
                failureThreshold: 60,
              },
              readinessProbe: {
                exec: ready,
                periodSeconds: 10,
                timeoutSeconds: 6,
                failureThreshold: 3,
              },
              livenessProbe: {
                exec: ready,
                periodSeconds: 20,
                timeoutSeconds: 6,
                failureThreshold: 6,
              },
              resources: toResourceRequirements(props.resources),
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: props.volumeName, mountPath: POSTGRES_VOLUME_PATH },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [scratch('run', '16Mi'), scratch('tmp', '256Mi')],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: props.volumeName, labels: { ...labels } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
            resources: { requests: { storage: k8s.Quantity.fromString(`${props.storageGiB}Gi`) } },
          },
        },
      ],
    },
  });

  return {
    host: `${props.name}.${ns}.svc.cluster.local`,
    password,
    statefulSet,
    service,
  };
}
