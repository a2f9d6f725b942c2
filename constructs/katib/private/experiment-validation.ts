import { parseImageReference } from '../../core/images';
import { DNS_LABEL, DNS_SUBDOMAIN, propProblem } from '../../core/validation';
import type {
  ExperimentAlgorithm,
  ExperimentParameter,
  ExperimentProps,
  ExperimentTrial,
} from '../experiment';
import {
  ALGORITHM_SETTINGS,
  DEFAULT_METRIC_NAME,
  EARLY_STOPPING_SETTINGS,
  KATIB_V0190_ALGORITHMS,
  KATIB_V0190_EARLY_STOPPING_ALGORITHMS,
  KATIB_V0190_TRIAL_RESOURCES,
  NAS_ALGORITHMS,
  REQUIRED_ALGORITHM_SETTINGS,
  TRIAL_PARAMETER_REFERENCE,
  TRIAL_RESOURCE_OF,
} from './experiment-facts';
import { trialResourcesProblems } from './experiment-resources';

/** Katib's name rule (validator.go): a letter first, at most 40 characters. */
const EXPERIMENT_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A parameter name that fits in `${trialParameters.<name>}` and survives a shell line. */
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const quoted = (s: string) => `"${s}"`;
const list = (xs: readonly string[]) => xs.join(', ');

/** Every problem of an experiment's props (see `experimentProblems`). */
export function experimentProblemList(props: ExperimentProps): string[] {
  return [
    ...identityProblems(props),
    ...countProblems(props),
    ...objectiveProblems(props),
    ...parameterProblems(props.parameters),
    ...algorithmProblems(props),
    ...earlyStoppingProblems(props),
    ...collectorProblems(props),
    ...trialProblems(props),
  ];
}

function identityProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  if (!EXPERIMENT_NAME.test(props.name) || props.name.length > 40) {
    problems.push(
      propProblem(
        'name',
        'is not a Katib experiment name (a lower-case letter first, then letters, digits and hyphens, at most 40 characters)',
        quoted(props.name),
        'Use e.g. mnist-lr-search.',
      ),
    );
  }
  if (!DNS_LABEL.test(props.namespace)) {
    problems.push(
      propProblem(
        'namespace',
        'is not a DNS label',
        quoted(props.namespace),
        'Give the tenant namespace.',
      ),
    );
  }
  return problems;
}

function countProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  const whole = (path: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      problems.push(
        propProblem(
          path,
          `is not a whole number of at least ${min}`,
          String(value),
          'Give e.g. 3.',
        ),
      );
      return false;
    }
    return true;
  };
  const p = whole('parallelTrials', props.parallelTrials, 1);
  const m = whole('maxTrials', props.maxTrials, 1);
  const f = whole('maxFailedTrials', props.maxFailedTrials, 0);
  if (p && m && props.maxTrials < props.parallelTrials) {
    problems.push(
      propProblem(
        'maxTrials',
        `is below parallelTrials (${props.parallelTrials})`,
        String(props.maxTrials),
        'Katib refuses it; raise maxTrials or lower parallelTrials.',
      ),
    );
  }
  if (m && f && props.maxFailedTrials !== undefined && props.maxFailedTrials > props.maxTrials) {
    problems.push(
      propProblem(
        'maxFailedTrials',
        `is above maxTrials (${props.maxTrials})`,
        String(props.maxFailedTrials),
        'Katib refuses it; give at most maxTrials.',
      ),
    );
  }
  return problems;
}

function objectiveProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  const o = props.objective;
  const reports = new Set(props.trial.reports);
  const collector = props.metricsCollector?.kind ?? 'StdOut';
  if (o.goal !== undefined && !Number.isFinite(o.goal)) {
    problems.push(
      propProblem('objective.goal', 'is not a finite number', String(o.goal), 'Give e.g. 0.99.'),
    );
  }
  const additional = o.additionalMetrics ?? [];
  if (additional.includes(o.metric)) {
    problems.push(
      propProblem(
        'objective.additionalMetrics',
        'repeats the objective metric',
        quoted(o.metric),
        'Leave the objective metric out of additionalMetrics.',
      ),
    );
  }
  const metrics = [
    ['objective.metric', o.metric] as const,
    ...additional.map((m, i) => [`objective.additionalMetrics[${i}]`, m] as const),
  ];
  for (const [path, metric] of metrics) {
    if (!reports.has(metric)) {
      problems.push(
        propProblem(
          path,
          `is not a metric the trial reports, so the ${collector} collector cannot report it`,
          quoted(metric),
          `Report it from the trial and list it in trial.reports (now: ${list(props.trial.reports) || 'none'}).`,
        ),
      );
    }
  }
  const names = new Set([o.metric, ...additional]);
  for (const key of Object.keys(o.metricStrategies ?? {})) {
    if (!names.has(key)) {
      problems.push(
        propProblem(
          `objective.metricStrategies.${key}`,
          'names a metric that is neither the objective nor an additional metric',
          quoted(key),
          `Use one of ${list([...names])}.`,
        ),
      );
    }
  }
  return problems;
}

function parameterProblems(parameters: readonly ExperimentParameter[]): string[] {
  const problems: string[] = [];
  if (parameters.length === 0) {
    problems.push(
      propProblem('parameters', 'is empty', undefined, 'Give at least one parameter to search.'),
    );
  }
  const seen = new Set<string>();
  parameters.forEach((p, i) => {
    const at = `parameters[${i}]`;
    if (!PARAMETER_NAME.test(p.name)) {
      problems.push(
        propProblem(
          `${at}.name`,
          'is not a parameter name (a letter or _ first, then letters, digits, _ . -)',
          quoted(p.name),
          'Use e.g. learningRate.',
        ),
      );
    } else if (seen.has(p.name)) {
      problems.push(
        propProblem(
          `${at}.name`,
          'is declared twice',
          quoted(p.name),
          'Give each parameter its own name.',
        ),
      );
    }
    seen.add(p.name);
    if (p.type === 'int' || p.type === 'double') {
      const nums = [
        ['min', p.min],
        ['max', p.max],
        ...(p.step !== undefined ? [['step', p.step] as const] : []),
      ] as const;
      for (const [field, value] of nums) {
        if (!Number.isFinite(value) || (p.type === 'int' && !Number.isInteger(value))) {
          problems.push(
            propProblem(
              `${at}.${field}`,
              p.type === 'int' ? 'is not a whole number' : 'is not a finite number',
              String(value),
              `Give a ${p.type === 'int' ? 'whole' : 'finite'} number.`,
            ),
          );
        }
      }
      if (p.min > p.max) {
        problems.push(
          propProblem(`${at}.min`, `is above max (${p.max})`, String(p.min), 'Swap min and max.'),
        );
      }
      if (p.step !== undefined && !(p.step > 0)) {
        problems.push(
          propProblem(
            `${at}.step`,
            'is not positive',
            String(p.step),
            'Give a step above 0, e.g. 0.01.',
          ),
        );
      }
      if ((p.distribution === 'logUniform' || p.distribution === 'logNormal') && !(p.min > 0)) {
        problems.push(
          propProblem(
            `${at}.min`,
            `is not above 0, which a ${p.distribution} distribution needs`,
            String(p.min),
            'Give a positive min, or distribution: uniform.',
          ),
        );
      }
    } else {
      const values = p.list.map(String);
      if (values.length === 0) {
        problems.push(propProblem(`${at}.list`, 'is empty', undefined, 'Give at least one value.'));
      }
      const dupes = values.filter((v, j) => values.indexOf(v) !== j);
      if (dupes.length > 0) {
        problems.push(
          propProblem(
            `${at}.list`,
            'repeats values',
            list([...new Set(dupes)]),
            'Give each value once.',
          ),
        );
      }
      if (p.type === 'discrete' && p.list.some((v) => !Number.isFinite(v))) {
        problems.push(
          propProblem(
            `${at}.list`,
            'holds a value that is not a finite number',
            list(values),
            'Give numbers.',
          ),
        );
      }
    }
  });
  return problems;
}

function settingsProblems(
  path: string,
  a: ExperimentAlgorithm,
  known: readonly string[] | undefined,
): string[] {
  if (!known) return [];
  return Object.keys(a.settings ?? {})
    .filter((s) => !known.includes(s))
    .map((s) =>
      propProblem(
        `${path}.settings.${s}`,
        `is not a setting of ${a.name}`,
        quoted(s),
        known.length > 0 ? `Use ${list(known)}.` : `${a.name} takes no settings.`,
      ),
    );
}

function algorithmProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  const a = props.algorithm;
  const algorithms = props.algorithms ?? KATIB_V0190_ALGORITHMS;
  if (!algorithms.includes(a.name)) {
    problems.push(
      propProblem(
        'algorithm.name',
        'is not an algorithm of the installed Katib',
        quoted(a.name),
        `Use one of ${list(algorithms)}.`,
      ),
    );
    return problems;
  }
  if (NAS_ALGORITHMS.includes(a.name)) {
    problems.push(
      propProblem(
        'algorithm.name',
        'is a neural architecture search, which needs a nasConfig this construct does not model',
        quoted(a.name),
        'Use a hyperparameter algorithm such as tpe, or write the Experiment by hand.',
      ),
    );
  }
  problems.push(...settingsProblems('algorithm', a, ALGORITHM_SETTINGS[a.name]));
  for (const required of REQUIRED_ALGORITHM_SETTINGS[a.name] ?? []) {
    if (a.settings?.[required] === undefined) {
      problems.push(
        propProblem(
          `algorithm.settings.${required}`,
          `is required by ${a.name}`,
          undefined,
          `Set ${list(REQUIRED_ALGORITHM_SETTINGS[a.name])}.`,
        ),
      );
    }
  }
  const resourceName = a.settings?.resource_name;
  if (a.name === 'hyperband' && resourceName !== undefined) {
    if (!props.parameters.some((p) => p.name === resourceName)) {
      problems.push(
        propProblem(
          'algorithm.settings.resource_name',
          'is not a declared parameter',
          quoted(resourceName),
          'Name the parameter hyperband gives more budget, e.g. epochs.',
        ),
      );
    }
  }
  if (a.name === 'grid') {
    props.parameters.forEach((p, i) => {
      if (p.type === 'double' && p.step === undefined) {
        problems.push(
          propProblem(
            `parameters[${i}].step`,
            'is missing, which grid search needs for a double parameter',
            undefined,
            'Give a step, e.g. 0.01.',
          ),
        );
      }
    });
  }
  if (a.name === 'cmaes') {
    const numeric = props.parameters.filter((p) => p.type === 'int' || p.type === 'double');
    if (numeric.length < 2) {
      problems.push(
        propProblem(
          'algorithm.name',
          'needs at least two int or double parameters',
          `"cmaes" with ${numeric.length}`,
          'Add a numeric parameter or use another algorithm.',
        ),
      );
    }
  }
  return problems;
}

function earlyStoppingProblems(props: ExperimentProps): string[] {
  const es = props.earlyStopping;
  if (!es) return [];
  const problems: string[] = [];
  const algorithms = props.earlyStoppingAlgorithms ?? KATIB_V0190_EARLY_STOPPING_ALGORITHMS;
  if (!algorithms.includes(es.name)) {
    problems.push(
      propProblem(
        'earlyStopping.name',
        'is not an early-stopping algorithm of the installed Katib',
        quoted(es.name),
        `Use one of ${list(algorithms)}.`,
      ),
    );
  } else {
    problems.push(...settingsProblems('earlyStopping', es, EARLY_STOPPING_SETTINGS[es.name]));
  }
  if (props.metricsCollector?.kind === 'Push') {
    problems.push(
      propProblem(
        'earlyStopping',
        'cannot stop a trial whose metrics are pushed: Katib injects nothing into a Push trial',
        quoted(es.name),
        'Use the StdOut or File collector, or leave earlyStopping out.',
      ),
    );
  }
  return problems;
}

function filterProblems(path: string, filter: readonly string[] | undefined): string[] {
  const problems: string[] = [];
  (filter ?? []).forEach((f, i) => {
    let groups = -1;
    try {
      groups = new RegExp(`${f}|`).exec('')?.length ?? 0;
    } catch {
      problems.push(
        propProblem(
          `${path}[${i}]`,
          'is not a regular expression',
          quoted(f),
          'Fix the expression.',
        ),
      );
      return;
    }
    if (groups - 1 < 2) {
      problems.push(
        propProblem(
          `${path}[${i}]`,
          'has fewer than two groups (name, value)',
          quoted(f),
          'Write e.g. ([\\w-]+)\\s*:\\s*([0-9.]+).',
        ),
      );
    }
  });
  return problems;
}

function collectorProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  const mc = props.metricsCollector ?? { kind: 'StdOut' as const };
  const absolute = (path: string, value: string | undefined, what: string) => {
    if (!value?.startsWith('/')) {
      problems.push(
        propProblem(
          path,
          value
            ? `is not an absolute ${what} path`
            : `is required: the collector needs the ${what} the trial writes`,
          value === undefined ? undefined : quoted(value),
          `Give an absolute path such as ${what === 'file' ? '/var/log/katib/metrics.log' : '/var/log/katib/tfevent/'}.`,
        ),
      );
    }
  };
  if (mc.kind === 'File') {
    if (mc.path !== undefined) absolute('metricsCollector.path', mc.path, 'file');
    if (mc.format === 'JSON' && mc.filter?.length) {
      problems.push(
        propProblem(
          'metricsCollector.filter',
          'is set for JSON, which Katib reads by key',
          list(mc.filter),
          'Leave filter out or use format TEXT.',
        ),
      );
    }
  }
  if (mc.kind === 'TensorFlowEvent') absolute('metricsCollector.path', mc.path, 'directory');
  if (mc.kind === 'StdOut' || mc.kind === 'File') {
    problems.push(...filterProblems('metricsCollector.filter', mc.filter));
  }
  const defaultFilter =
    (mc.kind === 'StdOut' || (mc.kind === 'File' && mc.format !== 'JSON')) && !mc.filter?.length;
  if (defaultFilter) {
    props.trial.reports.forEach((m, i) => {
      if (!DEFAULT_METRIC_NAME.test(m)) {
        problems.push(
          propProblem(
            `trial.reports[${i}]`,
            `is not a name Katib's default ${mc.kind} filter reads (letters, digits, _, | and -)`,
            quoted(m),
            'Rename the metric, or give metricsCollector.filter.',
          ),
        );
      }
    });
  }
  return problems;
}

function trialProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  const t: ExperimentTrial = props.trial;
  const resources = props.trialResources ?? KATIB_V0190_TRIAL_RESOURCES;
  if (!resources.includes(TRIAL_RESOURCE_OF[t.kind])) {
    problems.push(
      propProblem(
        'trial.kind',
        `is not among the installed Katib's trialResources (${list(resources)})`,
        quoted(t.kind),
        `Add ${TRIAL_RESOURCE_OF[t.kind]} to katib-config or use another trial kind.`,
      ),
    );
  }
  if (t.reports.length === 0) {
    problems.push(
      propProblem(
        'trial.reports',
        'is empty',
        undefined,
        'List the metrics the trial prints, e.g. [accuracy, loss].',
      ),
    );
  }
  if (t.command.length === 0) {
    problems.push(
      propProblem(
        'trial.command',
        'is empty',
        undefined,
        "Give the entrypoint: Katib wraps it to collect metrics and otherwise looks the image's up in the registry.",
      ),
    );
  }
  const image = t.image;
  if (typeof image === 'string' && !parseImageReference(image)) {
    problems.push(
      propProblem(
        'trial.image',
        'is not a pinned image reference',
        quoted(image),
        'Give registry/repository:tag, optionally @sha256:digest, with a release tag.',
      ),
    );
  }
  if (t.serviceAccountName !== undefined && !DNS_SUBDOMAIN.test(t.serviceAccountName)) {
    problems.push(
      propProblem(
        'trial.serviceAccountName',
        'is not a ServiceAccount name',
        quoted(t.serviceAccountName),
        'Use e.g. default-editor.',
      ),
    );
  }
  for (const name of Object.keys(t.env ?? {})) {
    if (!ENV_NAME.test(name)) {
      problems.push(
        propProblem(
          `trial.env.${name}`,
          'is not an environment variable name',
          quoted(name),
          'Use e.g. LEARNING_RATE.',
        ),
      );
    }
  }
  if (t.kind === 'Job') {
    if (t.resources) problems.push(...trialResourcesProblems('trial.resources', t.resources));
  } else {
    if (!t.runtime) {
      problems.push(
        propProblem(
          'trial.runtime',
          'is empty',
          undefined,
          'Name a ClusterTrainingRuntime, e.g. torch-distributed.',
        ),
      );
    }
    if (t.numNodes !== undefined && (!Number.isInteger(t.numNodes) || t.numNodes < 1)) {
      problems.push(
        propProblem(
          'trial.numNodes',
          'is not a whole number of at least 1',
          String(t.numNodes),
          'Give e.g. 2.',
        ),
      );
    }
    if (t.resourcesPerNode) {
      problems.push(...trialResourcesProblems('trial.resourcesPerNode', t.resourcesPerNode));
    }
  }
  problems.push(...referenceProblems(props));
  problems.push(...shellLineProblems(props));
  return problems;
}

/** `${trialParameters.x}` used but not declared, and declared parameters never used. */
function referenceProblems(props: ExperimentProps): string[] {
  const problems: string[] = [];
  const t = props.trial;
  const declared = new Set(props.parameters.map((p) => p.name));
  const used = new Set<string>();
  const places: [string, string][] = [
    ...t.command.map((v, i): [string, string] => [`trial.command[${i}]`, v]),
    ...(t.args ?? []).map((v, i): [string, string] => [`trial.args[${i}]`, v]),
    ...Object.entries(t.env ?? {}).map(([k, v]): [string, string] => [`trial.env.${k}`, v]),
  ];
  for (const [path, value] of places) {
    for (const m of value.matchAll(TRIAL_PARAMETER_REFERENCE)) {
      used.add(m[1]);
      if (!declared.has(m[1])) {
        problems.push(
          propProblem(
            path,
            `uses \${trialParameters.${m[1]}}, which is not a declared parameter`,
            quoted(value),
            `Declare ${m[1]} in parameters or use one of ${list([...declared]) || 'none'}.`,
          ),
        );
      }
    }
  }
  props.parameters.forEach((p, i) => {
    if (!used.has(p.name)) {
      problems.push(
        propProblem(
          `parameters[${i}]`,
          'is never used by the trial, so Katib refuses the experiment',
          quoted(p.name),
          `Pass \${trialParameters.${p.name}} in trial.command, trial.args or trial.env.`,
        ),
      );
    }
  });
  return problems;
}

/**
 * Katib's StdOut, File and TensorFlowEvent collectors join the primary container's command and
 * args into one `sh -c` line (pkg/webhook/v1beta1/pod/utils.go wrapWorkerContainer), so an item
 * with a space or a quote is split or reinterpreted, unless the command is itself `sh -c` or
 * `bash -c`.
 */
function shellLineProblems(props: ExperimentProps): string[] {
  const kind = props.metricsCollector?.kind ?? 'StdOut';
  if (kind === 'Push') return [];
  const t = props.trial;
  const all = [...t.command, ...(t.args ?? [])];
  if ((all[0] === 'sh' || all[0] === 'bash') && all[1] === '-c') return [];
  const problems: string[] = [];
  const check = (path: string, items: readonly string[]) =>
    items.forEach((v, i) => {
      if (/[\s'"]/.test(v)) {
        problems.push(
          propProblem(
            `${path}[${i}]`,
            `holds a space or quote, which breaks the shell line the ${kind} collector runs the trial in`,
            quoted(v),
            'Split it into separate items, or make the command sh -c with one script.',
          ),
        );
      }
    });
  check('trial.command', t.command);
  check('trial.args', t.args ?? []);
  return problems;
}
