/**
 * Facts of Katib v0.19.0 that the `Experiment` construct checks against, each with the file at
 * the tag it comes from. The integrator may swap `KATIB_V0190_ALGORITHMS` for the list the Katib
 * component exports from the katib-config it renders.
 */

/** `kubeflow.org/v1beta1` (pkg/apis/controller/experiments/v1beta1/register.go). */
export const KATIB_EXPERIMENT_API_VERSION = 'kubeflow.org/v1beta1';

/**
 * The suggestion algorithms of the `katib-config` that Kubeflow installs
 * (manifests/v1beta1/installs/katib-standalone/katib-config.yaml, `runtime.suggestions`).
 */
export const KATIB_V0190_ALGORITHMS: readonly string[] = [
  'random',
  'tpe',
  'grid',
  'hyperband',
  'bayesianoptimization',
  'cmaes',
  'sobol',
  'multivariate-tpe',
  'enas',
  'darts',
  'pbt',
];

/**
 * The kinds Katib creates trials of (`init.controller.trialResources` of the same file), as
 * `Kind.version.group`.
 */
export const KATIB_V0190_TRIAL_RESOURCES: readonly string[] = [
  'TrainJob.v1alpha1.trainer.kubeflow.org',
  'Job.v1.batch',
  'TFJob.v1.kubeflow.org',
  'PyTorchJob.v1.kubeflow.org',
  'MPIJob.v1.kubeflow.org',
  'XGBoostJob.v1.kubeflow.org',
];

/** What each trial kind of the `Experiment` construct is in `trialResources`. */
export const TRIAL_RESOURCE_OF = {
  Job: 'Job.v1.batch',
  TrainJob: 'TrainJob.v1alpha1.trainer.kubeflow.org',
} as const;

/** `runtime.earlyStoppings` of the same katib-config. */
export const KATIB_V0190_EARLY_STOPPING_ALGORITHMS: readonly string[] = ['medianstop'];

/** Neural architecture search: these need `spec.nasConfig`, which the construct does not model. */
export const NAS_ALGORITHMS: readonly string[] = ['enas', 'darts'];

/**
 * The settings each suggestion service accepts, as its ValidateAlgorithmSettings reads them
 * (katib-config maps random and tpe to suggestion-hyperopt, grid and multivariate-tpe to
 * suggestion-optuna, cmaes and sobol to suggestion-goptuna):
 * pkg/suggestion/v1beta1/hyperopt/service.py, optuna/service.py, goptuna/converter.go,
 * skopt/service.py, hyperband/service.py, pbt/service.py.
 */
export const ALGORITHM_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  random: ['random_state'],
  tpe: ['gamma', 'prior_weight', 'n_EI_candidates', 'random_state'],
  grid: ['random_state'],
  'multivariate-tpe': ['n_startup_trials', 'n_ei_candidates', 'random_state'],
  bayesianoptimization: [
    'base_estimator',
    'n_initial_points',
    'acq_func',
    'acq_optimizer',
    'random_state',
  ],
  cmaes: ['random_state', 'sigma', 'restart_strategy'],
  sobol: ['random_state'],
  hyperband: ['eta', 'r_l', 'resource_name'],
  pbt: ['suggestion_trial_dir', 'n_population', 'truncation_threshold', 'resample_probability'],
};

/** Settings a service refuses to run without (hyperband/service.py, pbt/service.py `_REQUIRED_SETTINGS`). */
export const REQUIRED_ALGORITHM_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  hyperband: ['r_l', 'resource_name'],
  pbt: ['suggestion_trial_dir', 'n_population', 'truncation_threshold'],
};

/** Settings of the median-stop service (pkg/earlystopping/v1beta1/medianstop/service.py). */
export const EARLY_STOPPING_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  medianstop: ['min_trials_required', 'start_step'],
};

/**
 * How a trial template names a parameter (`${trialParameters.<name>}`, TrialTemplateParamReplaceFormat
 * in pkg/controller.v1beta1/consts/const.go), found anywhere in the template.
 */
export const TRIAL_PARAMETER_REFERENCE = /\$\{trialParameters\.(.+?)\}/g;

/**
 * The metrics filter of the StdOut and File (TEXT) collectors when none is given: `name=value`
 * lines whose name is word characters, `|` or `-` (DefaultFilter in
 * pkg/metricscollector/v1beta1/common/const.go).
 */
export const DEFAULT_METRIC_NAME = /^[\w|-]+$/;

/** Where Katib's collectors look by default (pkg/apis/controller/common/v1beta1/common_types.go). */
export const DEFAULT_METRICS_FILE = '/var/log/katib/metrics.log';
export const DEFAULT_TFEVENT_DIR = '/var/log/katib/tfevent/';

/**
 * Istio's switch for one pod. Katib's controller sets it as a label on its own suggestion pods and
 * its examples set it as a pod label (pkg/controller.v1beta1/consts/const.go
 * LabelIstioSidecarInjectName); Kubeflow's own Katib test (kubeflow/manifests 26.03
 * tests/katib_test.yaml) sets it as a pod annotation. Istio reads either, the label first.
 */
export const ISTIO_INJECT_KEY = 'sidecar.istio.io/inject';

/** The container that Katib wraps and collects metrics from in a batch Job trial. */
export const JOB_TRIAL_CONTAINER = 'training-container';

/**
 * The replicated job and container of a TrainJob's trainer: `node` (Node in
 * kubeflow/trainer v2.2.0 pkg/constants/constants.go). Katib v0.19.0 defaults a TrainJob trial's
 * primary pod labels to node 0 of that job (DefaultTrainJobPrimaryPodLabels in
 * pkg/apis/controller/experiments/v1beta1/constants.go) and lists
 * `TrainJob.v1alpha1.trainer.kubeflow.org` in katib-config's `trialResources`.
 */
export const TRAINJOB_NODE = 'node';
