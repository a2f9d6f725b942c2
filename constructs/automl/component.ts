import { Construct } from 'constructs';
import { Contracts, defineComponent } from '../core/component';
import { IDatabase } from '../core/database';
import { Layer } from '../core/layers';
import { NetworkPeer } from '../core/network';
import { propProblem } from '../core/validation';
import { externalDatabaseFrom } from '../database/config';
import {
  KATIB_DEFAULT_TRIAL_RESOURCES,
  KATIB_EARLY_STOPPING_ALGORITHMS,
  KATIB_SUGGESTION_ALGORITHMS,
} from '../katib/config';
import { KatibController } from '../katib/controller';
import { KatibCrds } from '../katib/crds';
import { KatibDbManager } from '../katib/db-manager';
import { Experiment } from '../katib/experiment';
import { KatibKubeflowRoles } from '../katib/kubeflow-roles';
import { KATIB_METRICS_COLLECTOR_INJECTION_LABEL, KATIB_PORTS } from '../katib/names';
import { KATIB_UI_MENU_ITEM, KatibUi } from '../katib/ui';
import { KatibTrialTemplates } from '../katib/trial-templates';
import { KATIB_VERSION } from '../katib/versions';
import { monitorKatib } from './monitoring';
import {
  AUTOML_RULES,
  ExperimentConfig,
  KATIB_DATABASE_NAME,
  automlShape,
  automlTenantShape,
  experimentProps,
} from './config';

/** Where Katib runs (Kubeflow's `kubeflow`). */
export const KATIB_NAMESPACE = 'kubeflow';

/**
 * The trial kinds Katib watches: Kubernetes Jobs, and Kubeflow Trainer's TrainJobs when training
 * is installed. Kubeflow lists the training-operator v1 kinds too (TFJob, PyTorchJob, MPIJob,
 * XGBoostJob), which 26.03.1 no longer installs; an experiment of such a kind is refused here.
 */
const JOB_TRIALS = KATIB_DEFAULT_TRIAL_RESOURCES.filter((r) => r === 'Job.v1.batch');
const TRAINJOB_TRIALS = KATIB_DEFAULT_TRIAL_RESOURCES.filter((r) => r.startsWith('TrainJob.'));

/**
 * Hyperparameter search with Katib v0.19.0: the controller with its webhooks (certificate from the
 * platform's service CA) and `katib-config`, the DB manager on the platform's database (or an
 * external MySQL), the UI at `/katib/`, Katib's rights in the Kubeflow roles, and every tenant's
 * experiments of the environment file. Trials run in the tenant's namespace, under its quota and
 * policies, outside the mesh (as Katib's metrics collector requires).
 */
export const automlComponent = defineComponent({
  key: 'katib',
  description: 'Katib hyperparameter search and early stopping',
  toggle: 'kubeflow.katib.enabled',
  config: { shape: automlShape, tenantShape: automlTenantShape, rules: AUTOML_RULES },
  namespaces: [KATIB_NAMESPACE],
  needs: (config) => [
    Contracts.gateway,
    Contracts.mesh,
    Contracts.serviceIssuer,
    Contracts.kubeflowProfiles,
    ...(config.kubeflow.katib.database.type === 'platform' ? [Contracts.database] : []),
  ],
  // Trials of kind TrainJob run when Kubeflow Trainer is installed.
  uses: [Contracts.trainingRuntimes, Contracts.monitoring],
  versions: () => [{ project: 'katib', version: KATIB_VERSION }],
  enabled: (config) => config.kubeflow.katib.enabled,
  build(ctx) {
    const settings = ctx.config.kubeflow.katib;
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const namespace = ctx.namespace(KATIB_NAMESPACE, { owner: 'kubeflow', mesh: true });
    const gateway = ctx.get(Contracts.gateway);
    const profiles = ctx.get(Contracts.kubeflowProfiles);

    const database: IDatabase =
      settings.database.type === 'platform'
        ? ctx.get(Contracts.database)
        : externalDatabaseFrom(scope, 'KatibDatabase', settings.database);

    new KatibCrds(ctx.chart(Layer.CRDS), 'KatibCrds');
    const dbManager = new KatibDbManager(scope, 'KatibDbManager', {
      namespace,
      database,
      databaseName: KATIB_DATABASE_NAME,
      // Where Katib's pod webhook injects metrics collectors: the namespaces that run trials.
      clientNamespaceLabels: KATIB_METRICS_COLLECTOR_INJECTION_LABEL,
    });
    // As upstream, the DB manager runs without a sidecar (trials' collectors, outside the mesh,
    // call it in plain text), so an in-mesh database must take its plain connection.
    database.acceptClientsWithoutMesh?.(
      "Katib's DB manager runs without an Istio sidecar, as upstream's (trial pods' metrics collectors, outside the mesh, call it in plain text).",
    );
    const training = ctx.tryGet(Contracts.trainingRuntimes);
    const trialResources = training ? [...JOB_TRIALS, ...TRAINJOB_TRIALS] : JOB_TRIALS;
    const controller = new KatibController(scope, 'KatibController', {
      namespace,
      issuer: ctx.get(Contracts.serviceIssuer),
      replicas: settings.replicas,
      dbManager,
      config: {
        controller: {
          trialResources,
        },
        restrictedSuggestions: true,
      },
    });
    const monitoring = ctx.tryGet(Contracts.monitoring);
    if (monitoring) {
      monitorKatib(scope, {
        monitoring,
        namespace,
        controllerPods: controller.podSelector,
        metricsPort: KATIB_PORTS.metrics,
      });
    }
    // The controller calls the suggestion (and early-stopping) services it creates in each
    // tenant's namespace.
    profiles.allowIntoProfiles({
      id: 'katib-suggestions-from-controller',
      description: "Katib's controller calls the suggestion services of the tenant's experiments",
      from: [NetworkPeer.namespace(namespace.name, { ...controller.podSelector })],
      ports: [{ port: KATIB_PORTS.suggestion }, { port: KATIB_PORTS.earlyStopping }],
    });

    if (settings.ui.enabled) {
      new KatibUi(scope, 'KatibUi', {
        namespace,
        gateway,
        dbManager,
        userIdHeader: profiles.userIdHeader,
        userIdPrefix: profiles.userIdPrefix,
      });
      profiles.addMenuEntry(KATIB_UI_MENU_ITEM);
    }
    new KatibKubeflowRoles(scope, 'KatibKubeflowRoles');
    // The UI offers them as starting points; PyTorchJob's is left out (no training-operator v1).
    new KatibTrialTemplates(scope, 'KatibTrialTemplates', {
      namespace,
      templates: ['defaultTrialTemplate.yaml', 'enasCPUTemplate'],
    });

    const installed = {
      algorithms: KATIB_SUGGESTION_ALGORITHMS,
      earlyStoppingAlgorithms: KATIB_EARLY_STOPPING_ALGORITHMS,
      trialResources,
    };
    const declared = new Map(ctx.config.tenants.map((t) => [t.name, t.experiments]));
    profiles.addToProfiles({
      id: 'katib',
      build: (tenantScope, tenantNamespace) => {
        for (const e of declared.get(tenantNamespace) ?? []) {
          tenantExperiment(tenantScope, tenantNamespace, e, installed, training?.runtimes);
        }
      },
    });
  },
});

function tenantExperiment(
  scope: Construct,
  namespace: string,
  e: ExperimentConfig,
  installed: Parameters<typeof experimentProps>[2],
  runtimes: readonly string[] | undefined,
): void {
  const trial = e.trial;
  if (trial.kind === 'TrainJob' && runtimes && !runtimes.includes(trial.runtime)) {
    throw new Error(
      `Experiment "${namespace}/${e.name}": ${propProblem(
        'trial.runtime',
        'is not a ClusterTrainingRuntime the platform installs',
        `"${trial.runtime}"`,
        `Use one of ${runtimes.join(', ')}, or install it (kubeflow.training.runtimes).`,
      )}`,
    );
  }
  new Experiment(scope, `Experiment-${e.name}`, experimentProps(namespace, e, installed));
}
