/**
 * The vocabulary shared by every rule, pack, engine adapter and formatter. Nothing here depends on
 * cdk8s, constructs or Pulumi: a rule sees the plain JSON of one Kubernetes object.
 */

/** How bad a finding is: an unsuppressed `error` fails the gate, a `warning` is only printed. */
export type Level = 'error' | 'warning';

/** Metadata fields the rules read; everything else is passed through untouched. */
export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** A Kubernetes object as found in a manifest: plain JSON, nothing resolved. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly [key: string]: unknown;
}

/** What part of an object a rule looks at; used for docs and to keep fixtures honest. */
export type RuleSubject =
  /** Fields of the pod spec or pod template metadata. */
  | 'pod'
  /** Fields of every container, init container and ephemeral container. */
  | 'containers'
  /** Both the pod-level field and its per-container counterpart. */
  | 'pod-and-containers'
  /** One whole object of the listed kinds. */
  | 'object'
  /** One object, judged against the rest of the object set (cross-object rule). */
  | 'object-set';

/** One problem a rule found in one object. */
export interface RuleViolation {
  /** Field path from the object root, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** What is wrong, phrased to follow the path: "must be false or unset". */
  readonly problem: string;
  /** What was found, already rendered for humans; never a secret value. */
  readonly found: string;
  /** A fix specific to this occurrence; defaults to the rule's remediation. */
  readonly fix?: string;
}

/** Everything a rule may consult besides the object itself. */
export interface RuleContext {
  /** Production mode: literal-credential findings become errors. */
  readonly production: boolean;
  /** The whole object set, indexed once, for cross-object rules. */
  readonly index: ObjectIndexView;
  /** Every rule ID a suppression may name. */
  readonly knownRuleIds: ReadonlySet<string>;
}

/** Read-only lookups over the object set (see `core/object-index.ts`). */
export interface ObjectIndexView {
  /** Objects of one kind, in input order. */
  ofKind(kind: string): readonly KubeObject[];
  /** NetworkPolicies whose `metadata.namespace` is `namespace`. */
  networkPoliciesIn(namespace: string): readonly KubeObject[];
}

/** A pure check with the metadata people need to understand and fix what it reports. */
export interface Rule {
  /** Stable, pack-prefixed ID, e.g. `pss-baseline/host-namespaces`. Suppressions name it. */
  readonly id: string;
  /** Level of its findings. */
  readonly level: Level;
  /** Level of its findings when evaluating a production environment, if different. */
  readonly productionLevel?: Level;
  /** One line: what compliant objects look like. */
  readonly title: string;
  /** Why the rule exists. */
  readonly rationale: string;
  /** How to fix a finding. */
  readonly remediation: string;
  /** Kinds the rule applies to; every kind when absent. */
  readonly kinds?: readonly string[];
  /** What the rule looks at. `object-set` rules need the whole object set. */
  readonly subject: RuleSubject;
  /** False for rules that guard suppressions themselves. */
  readonly suppressible?: boolean;
  /** Pure: same object and context, same violations. */
  check(obj: KubeObject, ctx: RuleContext): readonly RuleViolation[];
}

/** A named group of rules, selectable as a unit. */
export interface Pack {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly rules: readonly Rule[];
}

/** The identity of the object a finding is about. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Where an object came from, when known (CLI, cdk8s plugin). */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line where the object's YAML document starts. */
  readonly line?: number;
}

/** A rule violation attached to its object, with its resolved level and full message. */
export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly object: ObjectRef;
  readonly path: string;
  readonly problem: string;
  readonly found: string;
  readonly remediation: string;
  /** "<Kind> <namespace>/<name>: `<path>` <problem> (got <found>). <remediation>" */
  readonly message: string;
  readonly source?: SourceLocation;
}

/** Alias kept for readers who think in violations rather than findings. */
export type Violation = Finding;

/** A finding that a reasoned suppression on its object silenced. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

/** One suppression declared on one object, and how many findings it silenced. */
export interface SuppressionRecord {
  readonly object: ObjectRef;
  readonly rule: string;
  readonly reason: string;
  readonly matched: number;
  readonly source?: SourceLocation;
}

/** The outcome of one evaluation. */
export interface PolicyReport {
  /** True when there is no unsuppressed error. */
  readonly passed: boolean;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Every valid suppression seen, matched or not. */
  readonly suppressions: readonly SuppressionRecord[];
  readonly objectsChecked: number;
  readonly production: boolean;
  /** IDs of the packs that were applied. */
  readonly packs: readonly string[];
}
