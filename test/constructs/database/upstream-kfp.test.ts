/**
 * What the managed MySQL takes from Kubeflow Pipelines 2.16.1, and where it departs on purpose.
 * Facts read with `git show 2.16.1:<path>` in kubeflow/pipelines; no network at test time.
 */
import { ManagedMysql } from '../../../constructs/database/mysql';
import { DATABASE_CREDENTIAL_KEYS, KFP_DATABASES } from '../../../constructs/database/names';
import { DATABASE_VERSIONS } from '../../../constructs/database/versions';
import { Obj, findObject } from '../../helpers';
import { env, platform } from './helpers';

const MYSQL = 'manifests/kustomize/third-party/mysql/base';
const INSTALL = 'manifests/kustomize/base/installs/generic';

/** Upstream's values, as written in the files named. */
const UPSTREAM = {
  [`${MYSQL}/mysql-deployment.yaml`]: {
    image: 'mysql:8.4',
    args: [
      '--datadir',
      '/var/lib/mysql',
      '--authentication-policy=mysql_native_password',
      '--mysql-native-password=ON',
      '--disable-log-bin',
    ],
    env: { MYSQL_ALLOW_EMPTY_PASSWORD: 'true' },
    containerPort: { containerPort: 3306, name: 'mysql' },
    mountPath: '/var/lib/mysql',
    serviceAccountName: 'mysql',
    requests: { cpu: '100m', memory: '800Mi' },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    podSecurityContext: {
      runAsNonRoot: true,
      fsGroup: 999,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
  },
  [`${MYSQL}/mysql-pv-claim.yaml`]: { accessModes: ['ReadWriteOnce'], storage: '20Gi' },
  [`${MYSQL}/mysql-service.yaml`]: { name: 'mysql', port: 3306, protocol: 'TCP', portName: null },
  [`${INSTALL}/pipeline-install-config.yaml`]: {
    mysqlHost: 'mysql',
    mysqlPort: '3306',
    pipelineDb: 'mlpipeline',
    mlmdDb: 'metadb',
    cacheDb: 'cachedb',
  },
  [`${INSTALL}/mysql-secret.yaml`]: { name: 'mysql-secret', keys: ['username', 'password'] },
} as const;

const DEPLOYMENT = UPSTREAM[`${MYSQL}/mysql-deployment.yaml`];

function ours() {
  const p = platform({ clientNamespaces: ['kubeflow'] });
  const objects = p.synth();
  const sts = findObject(objects, 'StatefulSet', 'mysql', 'mysql');
  return {
    mysql: p.mysql as ManagedMysql,
    objects,
    sts,
    pod: sts.spec.template.spec as Obj,
    container: sts.spec.template.spec.containers[0] as Obj,
  };
}

describe('taken from KFP 2.16.1 third-party/mysql and its install config', () => {
  const o = ours();

  test('the MySQL series: 8.4, pinned to a patch release of the same image', () => {
    const [repository, series] = DEPLOYMENT.image.split(':');
    expect(DATABASE_VERSIONS.mysql.repository).toBe(`library/${repository}`);
    expect(DATABASE_VERSIONS.mysql.tag.startsWith(`${series}.`)).toBe(true);
    expect(o.mysql.version).toBe(series);
  });

  test('the server flags other than --datadir (the plugin turned on by its valueless form)', () => {
    expect(o.container.args).toEqual(
      expect.arrayContaining(
        DEPLOYMENT.args.slice(2).map((a) => a.replace(/^(--mysql-native-password)=ON$/, '$1')),
      ),
    );
    expect(o.container.args).not.toContain('--mysql-native-password=ON');
  });

  test('the container port, Service name and port, ServiceAccount, requests', () => {
    expect(o.container.ports[0]).toMatchObject(DEPLOYMENT.containerPort);
    const svc = UPSTREAM[`${MYSQL}/mysql-service.yaml`];
    const client = findObject(o.objects, 'Service', 'mysql', svc.name);
    expect(client.spec.ports[0]).toMatchObject({ port: svc.port, protocol: svc.protocol });
    expect(o.mysql.host.split('.')[0]).toBe(
      UPSTREAM[`${INSTALL}/pipeline-install-config.yaml`].mysqlHost,
    );
    expect(String(o.mysql.port)).toBe(
      UPSTREAM[`${INSTALL}/pipeline-install-config.yaml`].mysqlPort,
    );
    expect(o.pod.serviceAccountName).toBe(DEPLOYMENT.serviceAccountName);
    expect(o.container.resources.requests).toEqual(DEPLOYMENT.requests);
  });

  test('the security contexts (ours add read-only root, runAsGroup and privileged: false)', () => {
    // Ours sets the user and group once, on the pod.
    const { runAsUser, runAsGroup, ...container } = DEPLOYMENT.containerSecurityContext;
    expect(o.container.securityContext).toMatchObject(container);
    expect(o.container.securityContext).not.toHaveProperty('runAsUser');
    expect([runAsUser, runAsGroup]).toEqual([999, 999]);
    expect(o.pod.securityContext).toMatchObject({
      ...DEPLOYMENT.podSecurityContext,
      runAsUser: DEPLOYMENT.containerSecurityContext.runAsUser,
      runAsGroup: DEPLOYMENT.containerSecurityContext.runAsGroup,
    });
  });

  test('the volume: mounted where upstream mounts it, same size and access mode', () => {
    const pvc = UPSTREAM[`${MYSQL}/mysql-pv-claim.yaml`];
    expect(o.container.volumeMounts[0]).toEqual({ name: 'data', mountPath: DEPLOYMENT.mountPath });
    expect(o.sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      accessModes: pvc.accessModes,
      resources: { requests: { storage: pvc.storage } },
    });
  });

  test('the databases KFP connects to', () => {
    const config = UPSTREAM[`${INSTALL}/pipeline-install-config.yaml`];
    expect(KFP_DATABASES).toEqual([config.pipelineDb, config.mlmdDb, config.cacheDb]);
    expect(o.mysql.databases).toEqual(KFP_DATABASES);
  });

  test('the credential keys KFP reads (username, password)', () => {
    const secret = UPSTREAM[`${INSTALL}/mysql-secret.yaml`];
    expect(Object.values(DATABASE_CREDENTIAL_KEYS)).toEqual(secret.keys);
    const c = o.mysql.credentials('kubeflow');
    expect([c.username.key, c.password.key]).toEqual(secret.keys);
  });
});

describe('departures from KFP 2.16.1, each for a reason', () => {
  const o = ours();

  test('--datadir is a directory below the volume, so lost+found cannot block initialisation', () => {
    expect(DEPLOYMENT.args.slice(0, 2)).toEqual(['--datadir', '/var/lib/mysql']);
    expect(o.container.args[0]).toBe('--datadir=/var/lib/mysql/data');
  });

  test('no empty root password: root from a Secret, socket only; KFP uses an application user', () => {
    expect(DEPLOYMENT.env.MYSQL_ALLOW_EMPTY_PASSWORD).toBe('true');
    expect(env(o.container, 'MYSQL_ALLOW_EMPTY_PASSWORD')).toBeUndefined();
    expect(env(o.container, 'MYSQL_ROOT_PASSWORD')?.valueFrom.secretKeyRef.name).toBe(
      'mysql-root-credentials',
    );
    expect(env(o.container, 'MYSQL_ROOT_HOST')?.value).toBe('localhost');
    // Upstream's mysql-secret says root with an empty password; ours names another Secret.
    expect(UPSTREAM[`${INSTALL}/mysql-secret.yaml`].name).toBe('mysql-secret');
    expect(o.mysql.credentials('kubeflow').username.name).toBe('mysql-credentials');
  });

  test('a StatefulSet with a claim template instead of a Deployment with a separate claim', () => {
    expect(o.objects.filter((x) => x.kind === 'Deployment')).toEqual([]);
    expect(o.objects.filter((x) => x.kind === 'PersistentVolumeClaim')).toEqual([]);
    expect(o.sts.spec.volumeClaimTemplates).toHaveLength(1);
  });

  test('the Service port is named tcp-mysql (upstream leaves it unnamed for Istio)', () => {
    expect(UPSTREAM[`${MYSQL}/mysql-service.yaml`].portName).toBeNull();
    expect(findObject(o.objects, 'Service', 'mysql', 'mysql').spec.ports[0].name).toBe('tcp-mysql');
  });

  test('a read-only root file system, and limits next to upstream’s requests', () => {
    expect(DEPLOYMENT.containerSecurityContext).not.toHaveProperty('readOnlyRootFilesystem');
    expect(o.container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(o.container.resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
  });
});
