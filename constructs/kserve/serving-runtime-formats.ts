import { propProblem } from '../core/validation';
import {
  KSERVE_RUNTIME_NAMES,
  KSERVE_SERVING_RUNTIMES,
  KServeRuntimeName,
  KServeProtocolVersion,
  ServingRuntimeModelFormat,
} from './serving-runtime-table';

/**
 * Which runtime serves which model, the way the KServe v0.18.0 controller decides it
 * (`pkg/apis/serving/v1beta1/predictor_model.go`, `GetSupportingRuntimes` and
 * `RuntimeSupportsModel`; `pkg/apis/serving/v1alpha1/servingruntime_types.go`):
 * - a format matches by exact name; when the model states a version, a runtime entry must state
 *   the same version string;
 * - without `predictor.model.runtime`, only entries with `autoSelect: true` count, a runtime must
 *   speak the model's protocol (`protocolVersion`, default `v1`), and a runtime with a
 *   `workerSpec` is chosen only for a model with a `workerSpec` (and the other way round);
 * - among candidates the highest `priority` of the format wins.
 * With a named runtime, every entry counts, autoSelect or not.
 */

/** The `protocolVersion` an InferenceService model has when it states none. */
export const KSERVE_DEFAULT_PROTOCOL_VERSION: KServeProtocolVersion = 'v1';

function isKnownRuntime(name: string): name is KServeRuntimeName {
  return (KSERVE_RUNTIME_NAMES as readonly string[]).includes(name);
}

function matching(
  formats: readonly ServingRuntimeModelFormat[],
  format: string,
  version: string | undefined,
  autoSelectOnly: boolean,
): ServingRuntimeModelFormat[] {
  return formats.filter(
    (f) =>
      f.name === format &&
      (version === undefined || f.version === version) &&
      (!autoSelectOnly || f.autoSelect === true),
  );
}

/** Every model format name some runtime of the release supports, sorted. */
export const KSERVE_MODEL_FORMATS: readonly string[] = [
  ...new Set(
    KSERVE_RUNTIME_NAMES.flatMap((n) => KSERVE_SERVING_RUNTIMES[n].supportedModelFormats).map(
      (f) => f.name,
    ),
  ),
].sort();

/** Whether `format` is a model format some runtime of the release supports. */
export function isKnownModelFormat(format: string): boolean {
  return KSERVE_MODEL_FORMATS.includes(format);
}

/** The versions of `format` the release's runtimes state, sorted (empty for an unknown format). */
export function modelFormatVersions(format: string): string[] {
  const versions = KSERVE_RUNTIME_NAMES.flatMap((n) =>
    matching(KSERVE_SERVING_RUNTIMES[n].supportedModelFormats, format, undefined, false),
  ).flatMap((f) => (f.version === undefined ? [] : [f.version]));
  return [...new Set(versions)].sort();
}

/** The protocols runtime `name` speaks (its `protocolVersions`), in upstream's order. */
export function runtimeProtocolVersions(name: KServeRuntimeName): readonly KServeProtocolVersion[] {
  return KSERVE_SERVING_RUNTIMES[name].protocolVersions;
}

/** Each runtime's `protocolVersions`, by runtime name. */
export const KSERVE_RUNTIME_PROTOCOL_VERSIONS: Readonly<
  Record<KServeRuntimeName, readonly KServeProtocolVersion[]>
> = Object.fromEntries(
  KSERVE_RUNTIME_NAMES.map((n) => [n, KSERVE_SERVING_RUNTIMES[n].protocolVersions]),
) as Record<KServeRuntimeName, readonly KServeProtocolVersion[]>;

/**
 * Whether runtime `runtimeName`, named explicitly by an InferenceService
 * (`predictor.model.runtime`), serves a model of `format` (and `version`, when given). Unknown
 * runtime names answer `false`. `autoSelect` does not matter for a named runtime.
 */
export function runtimeSupports(runtimeName: string, format: string, version?: string): boolean {
  if (!isKnownRuntime(runtimeName)) return false;
  const formats = KSERVE_SERVING_RUNTIMES[runtimeName].supportedModelFormats;
  return matching(formats, format, version, false).length > 0;
}

export interface ServingRuntimeSelectionOptions {
  /**
   * The model's `protocolVersion`: runtimes that do not speak it are left out.
   * @default - any protocol
   */
  readonly protocolVersion?: KServeProtocolVersion;
  /**
   * Whether the model has a `workerSpec` (multi-node): only runtimes with a worker then, only
   * runtimes without one otherwise.
   * @default - both kinds
   */
  readonly multiNode?: boolean;
  /**
   * The runtimes installed: others are left out.
   * @default - every runtime of the release
   */
  readonly installed?: readonly string[];
}

/**
 * The runtimes the controller may auto-select for a model of `format` (and `version`, when given)
 * that names no runtime: those with an `autoSelect` entry for it, highest priority of the format
 * first, then by name. The controller picks the first; ties of priority it breaks by protocol and
 * creation time, which this does not predict.
 */
export function runtimesServing(
  format: string,
  version?: string,
  options: ServingRuntimeSelectionOptions = {},
): KServeRuntimeName[] {
  const candidates = KSERVE_RUNTIME_NAMES.filter((name) => {
    const rt = KSERVE_SERVING_RUNTIMES[name];
    if (options.installed && !options.installed.includes(name)) return false;
    if (options.multiNode !== undefined && (rt.worker !== undefined) !== options.multiNode) {
      return false;
    }
    if (options.protocolVersion && !rt.protocolVersions.includes(options.protocolVersion)) {
      return false;
    }
    return matching(rt.supportedModelFormats, format, version, true).length > 0;
  });
  // The controller reads the priority of the first entry with the format's name.
  const priority = (name: KServeRuntimeName): number =>
    KSERVE_SERVING_RUNTIMES[name].supportedModelFormats.find((f) => f.name === format)?.priority ??
    Number.NEGATIVE_INFINITY;
  return [...candidates].sort((a, b) => priority(b) - priority(a) || a.localeCompare(b));
}

/** A predictor model as an InferenceService states it, for `modelRuntimeProblems`. */
export interface PredictorModelRef {
  /** `predictor.model.modelFormat`. */
  readonly modelFormat: { readonly name: string; readonly version?: string };
  /** `predictor.model.runtime`. @default - the controller auto-selects one */
  readonly runtime?: string;
  /** `predictor.model.protocolVersion`. @default 'v1' */
  readonly protocolVersion?: KServeProtocolVersion;
  /** Whether the predictor has a `workerSpec`. @default false */
  readonly multiNode?: boolean;
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/**
 * What stops KServe from serving `model` with the `installed` runtimes, in the house template
 * with `path` (e.g. `tenants[0].models[1]`) as the prefix; empty when the controller would find a
 * runtime. Checks, as the controller does (`reconcileModel` in
 * `pkg/controller/v1beta1/inferenceservice/components/predictor.go`): the format is one some
 * runtime serves; a named runtime is installed, serves the format (and version, autoSelect or
 * not) and speaks the model's protocol if the model states one; without a named runtime, some
 * installed runtime is auto-selected for the format, protocol (default v1) and node layout.
 */
export function modelRuntimeProblems(
  path: string,
  model: PredictorModelRef,
  installed: readonly string[] = KSERVE_RUNTIME_NAMES,
): string[] {
  const { name: format, version } = model.modelFormat;
  const protocol = model.protocolVersion ?? KSERVE_DEFAULT_PROTOCOL_VERSION;
  const multiNode = model.multiNode ?? false;
  const what = `model format "${format}"${version === undefined ? '' : ` version "${version}"`}`;
  if (!isKnownModelFormat(format)) {
    return [
      propProblem(
        `${path}.modelFormat.name`,
        'is not a model format any KServe runtime serves',
        `"${format}"`,
        `Use one of ${quoted(KSERVE_MODEL_FORMATS)} (names are case-sensitive).`,
      ),
    ];
  }
  if (model.runtime === undefined) {
    const auto = runtimesServing(format, version, {
      protocolVersion: protocol,
      multiNode,
      installed,
    });
    if (auto.length > 0) return [];
    const named = KSERVE_RUNTIME_NAMES.filter(
      (n) => installed.includes(n) && runtimeSupports(n, format, version),
    );
    return [
      propProblem(
        `${path}.modelFormat`,
        `has no installed runtime that KServe selects automatically for protocol ${protocol}${multiNode ? ' with a workerSpec' : ''}`,
        `${what}`,
        named.length > 0
          ? `Name one of ${quoted(named)} in \`${path}.runtime\` and set \`${path}.protocolVersion\` to a protocol it speaks.`
          : `Install a runtime that serves it (${quoted(runtimesServing(format, version))}), or change the format.`,
      ),
    ];
  }
  const runtime = model.runtime;
  if (!installed.includes(runtime)) {
    return [
      propProblem(
        `${path}.runtime`,
        'is not an installed ClusterServingRuntime',
        `"${runtime}"`,
        `Use one of ${quoted(installed)}, or install it.`,
      ),
    ];
  }
  if (!runtimeSupports(runtime, format, version)) {
    const serving = KSERVE_RUNTIME_NAMES.filter(
      (n) => installed.includes(n) && runtimeSupports(n, format, version),
    );
    return [
      propProblem(
        `${path}.runtime`,
        `does not serve ${what}`,
        `"${runtime}"`,
        serving.length > 0
          ? `Use a runtime that serves it: ${quoted(serving)}.`
          : 'No installed runtime serves it: install one or change the format.',
      ),
    ];
  }
  // For a named runtime the controller checks the protocol only when the model states one.
  if (model.protocolVersion !== undefined && isKnownRuntime(runtime)) {
    const protocols = KSERVE_SERVING_RUNTIMES[runtime].protocolVersions;
    if (!protocols.includes(protocol)) {
      return [
        propProblem(
          `${path}.protocolVersion`,
          `is not a protocol runtime "${runtime}" speaks`,
          `"${protocol}"`,
          `Use one of ${quoted(protocols)}.`,
        ),
      ];
    }
  }
  return [];
}
