import { parseImageReference } from '../../core/images';
import { DNS_LABEL, DNS_SUBDOMAIN, propProblem } from '../../core/validation';
import type { TrainJobInitializerSource, TrainJobProps, TrainJobToleration } from '../train-job';
import {
  DATASET_URI_SCHEMES,
  MAX_RUNTIME_PATCHES_REPLICATED_JOBS,
  MAX_STORAGE_URI_LENGTH,
  MODEL_URI_SCHEMES,
  RESERVED_TRAINER_ENV,
} from './train-job-facts';
import { trainingResourcesProblems } from './train-job-resources';

/** The TrainJob CRD's name rule (XValidation in trainjob_types.go): RFC 1035, 63 characters. */
const TRAINJOB_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
const LABEL_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const quoted = (s: string) => `"${s}"`;
const list = (xs: readonly string[]) => xs.join(', ');

function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  if (slash < 0) return LABEL_NAME.test(key);
  return DNS_SUBDOMAIN.test(key.slice(0, slash)) && LABEL_NAME.test(key.slice(slash + 1));
}

function wholeAtLeast(path: string, value: number | undefined, min: number, fix: string): string[] {
  return value !== undefined && (!Number.isInteger(value) || value < min)
    ? [propProblem(path, `is not a whole number of at least ${min}`, String(value), fix)]
    : [];
}

function envProblems(path: string, env: Readonly<Record<string, string>> | undefined): string[] {
  return Object.keys(env ?? {})
    .filter((name) => !ENV_NAME.test(name))
    .map((name) =>
      propProblem(
        `${path}.${name}`,
        'is not an environment variable name',
        quoted(name),
        'Use e.g. HF_HOME.',
      ),
    );
}

function mapProblems(
  path: string,
  map: Readonly<Record<string, string>> | undefined,
  values: boolean,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    if (!isLabelKey(key)) {
      problems.push(
        propProblem(
          `${path}`,
          'has a key that is not a label key',
          quoted(key),
          'Use e.g. team or example.com/team.',
        ),
      );
    } else if (values && !LABEL_VALUE.test(value)) {
      problems.push(
        propProblem(
          `${path}.${key}`,
          'is not a label value',
          quoted(value),
          'Use at most 63 letters, digits, - _ .',
        ),
      );
    }
  }
  return problems;
}

function sourceProblems(
  path: string,
  s: TrainJobInitializerSource | undefined,
  schemes: readonly string[],
): string[] {
  if (!s) return [];
  const problems: string[] = [];
  const scheme = /^([a-z0-9+.-]+):\/\/\S+$/.exec(s.storageUri)?.[1];
  if (!scheme || !schemes.includes(scheme)) {
    problems.push(
      propProblem(
        `${path}.storageUri`,
        'is not a URI this initializer reads',
        quoted(s.storageUri),
        `Give ${list(schemes.map((x) => `${x}://...`))}.`,
      ),
    );
  } else if (s.storageUri.length > MAX_STORAGE_URI_LENGTH) {
    problems.push(
      propProblem(
        `${path}.storageUri`,
        `is longer than ${MAX_STORAGE_URI_LENGTH} characters`,
        String(s.storageUri.length),
        'Shorten it.',
      ),
    );
  }
  if (s.secretName !== undefined && !DNS_SUBDOMAIN.test(s.secretName)) {
    problems.push(
      propProblem(
        `${path}.secretName`,
        'is not a Secret name',
        quoted(s.secretName),
        'Use e.g. hf-token.',
      ),
    );
  }
  problems.push(...envProblems(`${path}.env`, s.env));
  return problems;
}

function tolerationProblems(path: string, t: TrainJobToleration): string[] {
  const problems: string[] = [];
  if (t.operator === 'Exists' && t.value) {
    problems.push(
      propProblem(
        `${path}.value`,
        'is set with operator Exists',
        quoted(t.value),
        'Leave value out or use operator Equal.',
      ),
    );
  }
  if (!t.key && t.operator !== 'Exists') {
    problems.push(
      propProblem(
        `${path}.key`,
        'is empty, which only operator Exists allows',
        undefined,
        'Give a taint key, or operator: Exists.',
      ),
    );
  }
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
    problems.push(
      propProblem(
        `${path}.tolerationSeconds`,
        'is set without effect NoExecute',
        String(t.tolerationSeconds),
        'Set effect: NoExecute or leave tolerationSeconds out.',
      ),
    );
  }
  return problems;
}

/** Every problem of a TrainJob's props (see `trainJobProblems`). */
export function trainJobProblemList(props: TrainJobProps): string[] {
  const problems: string[] = [];
  if (!TRAINJOB_NAME.test(props.name) || props.name.length > 63) {
    problems.push(
      propProblem(
        'name',
        'is not an RFC 1035 label (a lower-case letter first, then letters, digits and hyphens, at most 63 characters)',
        quoted(props.name),
        'Use e.g. mnist-train.',
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
  const runtime = typeof props.runtime === 'string' ? props.runtime : props.runtime.name;
  if (!DNS_SUBDOMAIN.test(runtime)) {
    problems.push(
      propProblem(
        'runtime',
        'is not a runtime name',
        quoted(runtime),
        'Name a ClusterTrainingRuntime, e.g. torch-distributed.',
      ),
    );
  } else if (props.knownRuntimes && !props.knownRuntimes.includes(runtime)) {
    problems.push(
      propProblem(
        'runtime',
        'is not a training runtime the platform installs',
        quoted(runtime),
        `Use one of ${list(props.knownRuntimes) || '(none installed)'}.`,
      ),
    );
  }
  const t = props.trainer;
  if (t) {
    if (typeof t.image === 'string' && !parseImageReference(t.image)) {
      problems.push(
        propProblem(
          'trainer.image',
          'is not a pinned image reference',
          quoted(t.image),
          'Give registry/repository:tag, optionally @sha256:digest, with a release tag.',
        ),
      );
    }
    problems.push(...wholeAtLeast('trainer.numNodes', t.numNodes, 1, 'Give e.g. 2.'));
    problems.push(
      ...wholeAtLeast(
        'trainer.numProcPerNode',
        t.numProcPerNode,
        1,
        'Give e.g. the GPUs per node.',
      ),
    );
    if (t.resourcesPerNode) {
      problems.push(...trainingResourcesProblems('trainer.resourcesPerNode', t.resourcesPerNode));
    }
    problems.push(...envProblems('trainer.env', t.env));
    const reserved = Object.keys(t.env ?? {}).filter((n) => RESERVED_TRAINER_ENV.includes(n));
    if (reserved.length > 0) {
      problems.push(
        propProblem(
          'trainer.env',
          'sets variables the runtime sets itself, which Trainer refuses',
          list(reserved),
          'Leave them out; use numNodes and numProcPerNode instead.',
        ),
      );
    }
    if (t.command?.length === 0) {
      problems.push(
        propProblem(
          'trainer.command',
          'is empty',
          undefined,
          "Leave it out to keep the runtime's command.",
        ),
      );
    }
  }
  problems.push(
    ...sourceProblems('initializer.dataset', props.initializer?.dataset, DATASET_URI_SCHEMES),
  );
  problems.push(
    ...sourceProblems('initializer.model', props.initializer?.model, MODEL_URI_SCHEMES),
  );
  problems.push(...mapProblems('labels', props.labels, true));
  problems.push(...mapProblems('annotations', props.annotations, false));
  problems.push(
    ...wholeAtLeast(
      'activeDeadlineSeconds',
      props.activeDeadlineSeconds,
      1,
      'Give seconds, e.g. 86400.',
    ),
  );
  const patches = Object.entries(props.runtimePatches ?? {});
  if (patches.length > MAX_RUNTIME_PATCHES_REPLICATED_JOBS) {
    problems.push(
      propProblem(
        'runtimePatches',
        `patches more than ${MAX_RUNTIME_PATCHES_REPLICATED_JOBS} replicated jobs`,
        String(patches.length),
        'Patch fewer jobs.',
      ),
    );
  }
  for (const [job, p] of patches) {
    const at = `runtimePatches.${job}`;
    if (!DNS_LABEL.test(job)) {
      problems.push(
        propProblem(
          'runtimePatches',
          'names a replicated job that is not a DNS label',
          quoted(job),
          "Use the runtime's job name, e.g. node.",
        ),
      );
    }
    if (p.serviceAccountName !== undefined && !DNS_SUBDOMAIN.test(p.serviceAccountName)) {
      problems.push(
        propProblem(
          `${at}.serviceAccountName`,
          'is not a ServiceAccount name',
          quoted(p.serviceAccountName),
          'Use e.g. default-editor.',
        ),
      );
    }
    problems.push(...mapProblems(`${at}.nodeSelector`, p.nodeSelector, true));
    problems.push(...mapProblems(`${at}.labels`, p.labels, true));
    problems.push(...mapProblems(`${at}.annotations`, p.annotations, false));
    (p.tolerations ?? []).forEach((tol, i) =>
      problems.push(...tolerationProblems(`${at}.tolerations[${i}]`, tol)),
    );
  }
  return problems;
}
