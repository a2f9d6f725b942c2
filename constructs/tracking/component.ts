import { ApiObject } from 'cdk8s';
import { Contracts, defineComponent } from '../core/component';
import { exposeThroughGateway } from '../core/gateway-exposure';
import { standardLabels } from '../core/labels';
import { Layer } from '../core/layers';
import { ISTIO_SECURITY_API_VERSION, PlaintextClientsPort } from '../core/mesh-policy';
import { NetworkPeer } from '../core/network';
import { externalDatabaseFrom } from '../database/config';
import { MlflowDbUpgrade, mlflowDbUpgradeJobName } from '../mlflow/db-upgrade';
import { MlflowKubeflowRoles } from '../mlflow/kubeflow-roles';
import { MlflowServerRbac } from '../mlflow/rbac';
import { MlflowServer } from '../mlflow/server';
import { MLFLOW_INTEGRATION_VERSION, MLFLOW_VERSION } from '../mlflow/versions';
import { MLFLOW_DATABASE_NAME, TRACKING_RULES, trackingShape } from './config';
import {
  ACCESS_MLFLOW,
  MLFLOW_NAMESPACE,
  MLFLOW_PATH_PREFIX,
  MLFLOW_PORT,
  MLFLOW_SERVERS,
  mlflowWorkloadsUri,
} from './names';

/** The dashboard's menu entry of the tracking UI. */
export const MLFLOW_MENU_ITEM = {
  link: `${MLFLOW_PATH_PREFIX}/`,
  text: 'MLflow',
  icon: 'insights',
};

/** The header the gateway passes a user's groups in (the gateway authentication's). */
const GROUPS_HEADER = 'kubeflow-groups';

/** The label the workspace provider selects workspaces by: Kubeflow's profile namespaces. */
const PROFILE_PART_OF = 'app.kubernetes.io/part-of';

/**
 * Experiment tracking with MLflow 3 as Kubeflow integrates it (kubeflow/mlflow-integration): every
 * Kubeflow profile is an MLflow workspace, and every request is authorized by Kubernetes RBAC on
 * `mlflow.kubeflow.org` resources, which the Kubeflow roles grant to a profile's people. Two
 * servers on one database: `mlflow` at `/mlflow/` behind the gateway, which trusts the gateway's
 * user header and is reachable from the gateway alone; `mlflow-workloads` for notebooks and
 * pipeline steps of the tenants, which authorizes each request's own service account token and
 * trusts no header. Artifacts go through the servers to the object store, each workspace under
 * its own prefix. The schema migration runs as a Job before the servers (the next layer).
 */
export const trackingComponent = defineComponent({
  key: 'mlflow',
  description: 'MLflow experiment tracking with Kubeflow workspaces',
  toggle: 'tracking.mlflow.enabled',
  config: { shape: trackingShape, rules: TRACKING_RULES },
  namespaces: [MLFLOW_NAMESPACE],
  needs: (config) => [
    Contracts.gateway,
    Contracts.mesh,
    Contracts.objectStore,
    Contracts.kubeflowProfiles,
    ...(config.tracking.mlflow.database.type === 'platform' ? [Contracts.database] : []),
  ],
  // Tenants get the PodDefault that points notebooks and pipeline steps at the tracking server.
  uses: [Contracts.podDefaults],
  versions: () => [
    {
      name: 'mlflow',
      version: MLFLOW_VERSION,
      outsideReleaseSet: `Kubeflow 26.03.1 ships no experiment tracker; the platform pins the kubeflow/mlflow-integration release the next Kubeflow set installs (image ${MLFLOW_INTEGRATION_VERSION}, MLflow ${MLFLOW_VERSION}).`,
    },
  ],
  upgrades: [
    {
      version: MLFLOW_VERSION,
      description: `MLflow migrates its schema with no server writing: both tracking servers stop before the install applies the new release, and start again after the Job ${mlflowDbUpgradeJobName()} has migrated the database`,
      deleteBeforeApply: [
        { resource: 'deployment', namespace: MLFLOW_NAMESPACE, name: MLFLOW_SERVERS.gateway },
        { resource: 'deployment', namespace: MLFLOW_NAMESPACE, name: MLFLOW_SERVERS.workloads },
      ],
    },
  ],
  enabled: (config) => config.tracking.mlflow.enabled,
  build(ctx) {
    const settings = ctx.config.tracking.mlflow;
    const controllers = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    // The servers start in the layer after the migration Job, which the install waits for.
    const servers = ctx.chart(Layer.PLATFORM_RESOURCES);
    const namespace = ctx.namespace(MLFLOW_NAMESPACE, { owner: 'kubeflow', mesh: true });
    const gateway = ctx.get(Contracts.gateway);
    const profiles = ctx.get(Contracts.kubeflowProfiles);
    const store = ctx.get(Contracts.objectStore);

    if (profiles.userIdPrefix !== '') {
      throw new Error(
        `MLflow authorizes the gateway's user as Kubernetes RBAC names it, but the gateway prefixes users with "${profiles.userIdPrefix}". Turn tracking off (tracking.mlflow.enabled: false), or name users without a prefix.`,
      );
    }
    const bucket = settings.artifacts.bucket ?? store.buckets[0];
    if (!bucket || !store.buckets.includes(bucket)) {
      throw new Error(
        `tracking.mlflow.artifacts.bucket "${bucket ?? ''}" is not a bucket of the object store. Use one of ${store.buckets.join(', ')}, or add it to objectStore.buckets.`,
      );
    }

    const database =
      settings.database.type === 'platform'
        ? ctx.get(Contracts.database)
        : externalDatabaseFrom(controllers, 'MlflowDatabase', settings.database);
    database.addDatabase(MLFLOW_DATABASE_NAME);
    const mlflowDatabase = { database, name: MLFLOW_DATABASE_NAME };
    const credentials = store.scopedCredentials(controllers, {
      namespace: MLFLOW_NAMESPACE,
      bucket,
      prefixes: [settings.artifacts.prefix],
      secretName: 'mlflow-artifact-store',
      // Pipelines' services have the store identity of `kubeflow`; MLflow's is its own.
      identity: 'kubeflow-mlflow',
    });
    const artifacts = {
      endpointUrl: store.endpointUrl,
      bucket,
      prefix: settings.artifacts.prefix,
      credentials,
      region: store.region,
    };

    new MlflowDbUpgrade(controllers, 'MlflowDbUpgrade', { namespace, database: mlflowDatabase });
    const common = {
      namespace,
      allowedHosts: [ctx.environment.domain],
      workspaceLabelSelector: `${PROFILE_PART_OF}=${profiles.namespaceLabels[PROFILE_PART_OF] ?? 'kubeflow-profile'}`,
      database: mlflowDatabase,
      artifacts,
      replicas: settings.replicas,
      workers: settings.workers,
      staticPrefix: MLFLOW_PATH_PREFIX,
    };
    const people = new MlflowServer(servers, 'MlflowServer', {
      ...common,
      name: MLFLOW_SERVERS.gateway,
      authorization: {
        mode: 'trusted-proxy',
        userHeader: profiles.userIdHeader,
        groupsHeader: GROUPS_HEADER,
        groupsSeparator: ',',
      },
    });
    const workloads = new MlflowServer(servers, 'MlflowWorkloadsServer', {
      ...common,
      name: MLFLOW_SERVERS.workloads,
      authorization: { mode: 'token' },
    });
    new MlflowServerRbac(controllers, 'MlflowServerRbac', { servers: [people, workloads] });
    new MlflowKubeflowRoles(controllers, 'MlflowKubeflowRoles');

    // Each server reaches the database by itself (`MlflowServer`); the object store it is granted.
    for (const server of [people, workloads]) {
      store.grantAccess(
        `object-store-from-${server.name}`,
        NetworkPeer.namespace(MLFLOW_NAMESPACE, { ...server.podLabels }),
      );
    }

    // People: `/mlflow/` on the gateway, which alone may call the server (it sends the user).
    const meshLabels = standardLabels({ name: 'mlflow', component: 'mesh-policy' });
    exposeThroughGateway(servers, {
      gateway,
      namespace,
      id: MLFLOW_SERVERS.gateway,
      prefix: `${MLFLOW_PATH_PREFIX}/`,
      // Artifact uploads and downloads pass through the server.
      timeoutSeconds: 300,
      service: { host: people.serviceHost, port: MLFLOW_PORT },
      podLabels: people.podLabels,
      description: 'the MLflow UI and API at /mlflow/ from the ingress gateway',
      component: 'MLflow',
      labels: meshLabels,
    });
    // A request without the user header did not pass the gateway's authentication.
    new ApiObject(servers, 'MlflowRequireUser', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: {
        name: `${MLFLOW_SERVERS.gateway}-require-user`,
        namespace: namespace.name,
        labels: meshLabels,
      },
      spec: {
        selector: { matchLabels: { ...people.podLabels } },
        action: 'DENY',
        rules: [
          {
            to: [{ operation: { ports: [String(MLFLOW_PORT)] } }],
            when: [{ key: `request.headers[${profiles.userIdHeader}]`, notValues: ['*'] }],
          },
        ],
      },
    });
    profiles.addMenuEntry(MLFLOW_MENU_ITEM);

    // Workloads: pods of the profile namespaces, with or without a sidecar (pipeline steps run
    // without one), each request carrying its own service account token.
    const profileLabel = profiles.namespaceLabels[PROFILE_PART_OF];
    namespace.allowIngress(`${MLFLOW_SERVERS.workloads}-from-profiles`, {
      description:
        'MLflow tracking for notebooks and pipeline steps of the tenants (token-authorized)',
      podLabels: { ...workloads.podLabels },
      from: [
        profileLabel
          ? NetworkPeer.namespacesLabelled({ [PROFILE_PART_OF]: profileLabel })
          : NetworkPeer.namespacesWithLabel(PROFILE_PART_OF),
      ],
      ports: [{ port: MLFLOW_PORT }],
    });
    new PlaintextClientsPort(servers, {
      name: `${MLFLOW_SERVERS.workloads}-clients-without-mesh`,
      namespace: namespace.name,
      labels: meshLabels,
      selector: workloads.podLabels,
      port: MLFLOW_PORT,
    }).accept(
      'Kubeflow Pipelines runs steps without an Istio sidecar; every request carries a service account token that the server checks with a SelfSubjectAccessReview.',
    );
    new ApiObject(servers, 'MlflowWorkloadsAllow', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: MLFLOW_SERVERS.workloads, namespace: namespace.name, labels: meshLabels },
      spec: {
        selector: { matchLabels: { ...workloads.podLabels } },
        action: 'ALLOW',
        // Any caller the network policy admits: the server authorizes each request's token.
        rules: [{ to: [{ operation: { ports: [String(MLFLOW_PORT)] } }] }],
      },
    });

    if (ctx.tryGet(Contracts.podDefaults)) {
      const labels = standardLabels({ name: 'mlflow', component: 'tenant' });
      profiles.addToProfiles({
        id: 'mlflow',
        build: (scope, tenant) => {
          // MLflow's Kubernetes request auth provider sends the pod's service account token and
          // namespace (its workspace) with every request.
          new ApiObject(scope, 'AccessMlflow', {
            apiVersion: 'kubeflow.org/v1alpha1',
            kind: 'PodDefault',
            metadata: { name: ACCESS_MLFLOW, namespace: tenant, labels },
            spec: {
              desc: 'Allow access to MLflow tracking',
              selector: { matchLabels: { [ACCESS_MLFLOW]: 'true' } },
              env: [
                { name: 'MLFLOW_TRACKING_URI', value: mlflowWorkloadsUri() },
                { name: 'MLFLOW_TRACKING_AUTH', value: 'kubernetes' },
                { name: 'MLFLOW_WORKSPACE', value: tenant },
              ],
            },
          });
        },
      });
    }
  },
});
