/** The `app.kubernetes.io/part-of` value of every object this library synthesizes. */
export const PART_OF = 'mlops-platform';
/** The `app.kubernetes.io/managed-by` value of every object this library synthesizes. */
export const MANAGED_BY = 'mlops-blueprint';

export interface ComponentLabelOptions {
  /** `app.kubernetes.io/name`: the application, e.g. `minio`. */
  readonly name: string;
  /** `app.kubernetes.io/component`: its role, e.g. `server`, `bucket-provisioner`. */
  readonly component: string;
  /** `app.kubernetes.io/instance`: distinguishes two installs of the same application. @default - same as `name` */
  readonly instance?: string;
  /** `app.kubernetes.io/version`: the upstream version being deployed. */
  readonly version?: string;
}

/**
 * The labels a pod selector matches on: stable for the lifetime of a workload, so they never
 * include the version (a selector cannot change after creation).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export function selectorLabels(opts: ComponentLabelOptions): Record<string, string> {
  return {
    'app.kubernetes.io/name': opts.name,
    'app.kubernetes.io/instance': opts.instance ?? opts.name,
    'app.kubernetes.io/component': opts.component,
  };
}

/** The full recommended label set for an object of a component. */
export function standardLabels(opts: ComponentLabelOptions): Record<string, string> {
  return {
    ...selectorLabels(opts),
    ...(opts.version ? { 'app.kubernetes.io/version': opts.version } : {}),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** What a component's labels share across its parts: upstream facts, stated once. */
export interface ComponentLabelFacts<P extends string> {
  /** `app.kubernetes.io/name`, or each part's where upstream names its parts apart. */
  readonly name: string | ((part: P) => string);
  /** @default - each part's name */
  readonly instance?: string;
  /** The upstream version being deployed. @default - no version label */
  readonly version?: string;
}

/**
 * The labels of one component's parts (`app.kubernetes.io/component`): the component keeps one of
 * these with its name and version, and labels and selects every object through it.
 */
export class ComponentLabels<P extends string> {
  public constructor(private readonly facts: ComponentLabelFacts<P>) {}

  /** The label options of `part`, e.g. for a Secret request or a CRD. */
  public options(part: P): ComponentLabelOptions {
    const { name, instance, version } = this.facts;
    return {
      name: typeof name === 'string' ? name : name(part),
      ...(instance !== undefined ? { instance } : {}),
      component: part,
      ...(version !== undefined ? { version } : {}),
    };
  }

  /** The full label set of an object of `part`. */
  public labels(part: P): Record<string, string> {
    return standardLabels(this.options(part));
  }

  /** The pod selector of `part`: stable, without the version. */
  public selector(part: P): Record<string, string> {
    return selectorLabels(this.options(part));
  }
}
