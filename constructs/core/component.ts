import { Construct } from 'constructs';
import { z } from 'zod';
import { ICertificateIssuer } from './certificates';
import { ConfigRule, PresetName, RuleDescription } from './config/rules';
import { IDatabase } from './database';
import { ITrainingRuntimes } from './training';
import { IMachineTokenIssuer, IOidcProvider } from './identity';
import { IKubeflowProfiles, IPodDefaults } from './kubeflow';
import { IModelRegistry } from './model-registry';
import { IMonitoring } from './monitoring';
import { Layer } from './layers';
import { ComponentVersion } from './release-set';
import { IGateway, IMesh } from './mesh';
import { INamespace } from './network';
import { IObjectStore } from './object-store';

/**
 * A typed token for something one component offers and others need. Components declare their
 * dependencies by contract, never by another component's name, so that any implementation of
 * the contract (ours, an external one, a team's own) can stand in.
 */
export class Contract<T> {
  /** Carries `T` for the type checker only. */
  declare public readonly type?: T;

  public constructor(
    /** The interface's name, e.g. `IGateway`, for messages. */
    public readonly name: string,
    /** What it provides, for messages and docs. */
    public readonly description: string,
  ) {}
}

/** Any contract, whatever it carries. */
export type AnyContract = Contract<unknown>;

/** The contracts of the platform; each is offered by at most one component. */
export const Contracts = {
  certificateIssuer: new Contract<ICertificateIssuer>(
    'ICertificateIssuer',
    'issues the certificates of the gateway and the webhooks',
  ),
  serviceIssuer: new Contract<ICertificateIssuer>(
    'ICertificateIssuer (in-cluster)',
    'a CA issuer for in-cluster Service names, such as admission webhooks',
  ),
  mesh: new Contract<IMesh>('IMesh', 'the service mesh: sidecar injection and mesh policy'),
  gateway: new Contract<IGateway>('IGateway', 'the HTTPS ingress gateway users enter through'),
  oidcProvider: new Contract<IOidcProvider>('IOidcProvider', 'who users are: an OIDC provider'),
  machineTokens: new Contract<IMachineTokenIssuer>(
    'IMachineTokenIssuer',
    'service account tokens the gateway accepts from machines',
  ),
  objectStore: new Contract<IObjectStore>('IObjectStore', 'the S3-compatible object store'),
  database: new Contract<IDatabase>('IDatabase', 'the relational database of the platform'),
  kubeflowProfiles: new Contract<IKubeflowProfiles>(
    'IKubeflowProfiles',
    'Kubeflow profiles, their roles and the central dashboard',
  ),
  podDefaults: new Contract<IPodDefaults>(
    'IPodDefaults',
    'the PodDefaults admission webhook of profile namespaces',
  ),
  trainingRuntimes: new Contract<ITrainingRuntimes>(
    'ITrainingRuntimes',
    'Kubeflow Trainer: TrainJobs and the ClusterTrainingRuntimes they run on',
  ),
  modelRegistry: new Contract<IModelRegistry>(
    'IModelRegistry',
    'Kubeflow Hub: registered model versions that serving resolves by reference',
  ),
  monitoring: new Contract<IMonitoring>(
    'IMonitoring',
    "the cluster's Prometheus and Grafana: scrape targets, alerts and dashboards",
  ),
} as const;

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** A namespace a component asks the platform for. */
export interface NamespaceRequest {
  /** The component that owns it, for `app.kubernetes.io/*` labels. */
  readonly owner: string;
  /**
   * Whether the namespace joins the service mesh (sidecar injection with the labels `IMesh`
   * states). A component that asks for a meshed namespace needs or uses `Contracts.mesh`.
   */
  readonly mesh: boolean;
  /** @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /** Why a level below `restricted` is needed; required with such a level. */
  readonly podSecurityReason?: string;
}

/**
 * A custom resource kind whose objects the install waits for (`kubectl wait --for=condition=...`)
 * before the next layer, because later objects rely on them being usable.
 */
export interface ReadinessCheck {
  /** API group, e.g. `cert-manager.io`. */
  readonly group: string;
  readonly kind: string;
  /** @default 'Ready' */
  readonly condition?: string;
}

/** An object an upgrade step deletes, by its kubectl resource type, namespace and name. */
export interface ObjectRef {
  /** As `kubectl delete` takes it, e.g. `deployment`, `secret`, `job.batch`. */
  readonly resource: string;
  /** Omit for a cluster-scoped object. */
  readonly namespace?: string;
  readonly name: string;
}

/**
 * What an upgrade to `version` of a component must do beyond applying the new objects: delete
 * what cannot be changed in place (an immutable field, a value generated once) before the apply,
 * and prune objects a rename leaves behind after it. `install.sh` runs a step when the installed
 * version it recorded is older than `version` (or unknown, on an install from before the record).
 */
export interface UpgradeStep {
  readonly version: string;
  /** Why, for the install log and the docs. */
  readonly description: string;
  /** @default [] */
  readonly deleteBeforeApply?: readonly ObjectRef[];
  /** @default [] */
  readonly pruneAfterApply?: readonly ObjectRef[];
}

/** What every component knows of the environment it is built for. */
export interface EnvironmentInfo {
  readonly name: string;
  readonly preset: PresetName;
  /** Literal credentials are errors, static users need a reason, and so on. */
  readonly production: boolean;
  /** The host users open; the gateway serves it. */
  readonly domain: string;
}

/** What a component's `build` receives from the platform. */
export interface ComponentContext<C> {
  /** The component's own slice of the environment, validated and filled by its preset. */
  readonly config: C;
  readonly environment: EnvironmentInfo;
  /** The chart of an install layer: objects created under it install in that layer. */
  chart(layer: Layer): Construct;
  /**
   * A namespace of the platform, created in the namespaces layer with Pod Security labels,
   * default-deny ingress and, when meshed, the mesh's injection labels. Only names the component
   * declares in `namespaces` may be asked for.
   */
  namespace(name: string, request: NamespaceRequest): INamespace;
  /** A contract the component declared in `needs`. */
  get<T>(contract: Contract<T>): T;
  /** A contract the component declared in `uses`, if some component offers it. */
  tryGet<T>(contract: Contract<T>): T | undefined;
  /** Hands a contract the component declared in `offers` to the components built after it. */
  offer<T>(contract: Contract<T>, value: T): void;
}

/** What the environment file states that other slices' schemas depend on, read before parsing. */
export interface FileFacts {
  /** The token claim that names users (`identity.external.userClaim`; `email` with Dex). */
  readonly userClaim: string;
}

/** What every entry of `tenants` states, whichever component reads it. */
export interface TenantEntry {
  /** Also the tenant's namespace. */
  readonly name: string;
  readonly owner: string;
  readonly members: readonly { readonly user: string; readonly role: string }[];
  readonly groups: readonly { readonly name: string; readonly role: string }[];
}

/**
 * The tenants as a component with a tenant section reads them: each entry with the keys the
 * component adds (nothing when it adds none).
 */
export type TenantsOf<TenantShape extends z.ZodRawShape> = 0 extends 1 & TenantShape
  ? unknown // any component, as the platform holds them
  : [keyof TenantShape] extends [never]
    ? unknown
    : { readonly tenants: readonly (TenantEntry & z.output<z.ZodObject<TenantShape>>)[] };

/** A component's parsed settings: its own keys, and the tenants with its tenant section. */
export type SliceOutput<
  Shape extends z.ZodRawShape,
  TenantShape extends z.ZodRawShape = Record<never, never>,
> = z.output<z.ZodObject<Shape>> & TenantsOf<TenantShape>;

/** A component's part of the environment file: the top-level keys it owns and its rules. */
export interface ConfigSlice<
  Shape extends z.ZodRawShape,
  TenantShape extends z.ZodRawShape = Record<never, never>,
> {
  /**
   * The schemas of the keys the component owns, for a preset: the preset's defaults are part of
   * the schema, so the parsed slice holds every value the component reads. `tenantSections` are
   * the keys every component adds to a tenant entry (only the tenants component reads them).
   */
  shape(
    preset: PresetName,
    domain: string,
    file?: FileFacts,
    tenantSections?: z.ZodRawShape,
  ): Shape;
  /**
   * Keys the component adds to every entry of `tenants` (e.g. serving's `models`), each owned by
   * it as a top-level key is; its `build` and `rules` then see `tenants` with them.
   * @default - none
   */
  tenantShape?(preset: PresetName, domain: string, file?: FileFacts): TenantShape;
  /** Cross-field checks over the parsed slice, each with an ID that appears in its messages. */
  readonly rules?: readonly ConfigRule<SliceOutput<Shape, TenantShape>>[];
  /**
   * Rules the schema itself enforces (a value a preset cannot default, one of several exclusive
   * fields), listed for the rule catalogue; their messages carry the same IDs.
   */
  readonly parseRules?: readonly RuleDescription[];
}

/**
 * A platform component: one upstream project (or a tightly coupled group) on the platform, in
 * the spirit of an EKS Blueprints add-on, typed end to end. It owns a slice of the environment
 * file, says which contracts it needs and offers, and builds its constructs into the layers
 * where they belong.
 */
export interface PlatformComponent<
  Shape extends z.ZodRawShape = z.ZodRawShape,
  TenantShape extends z.ZodRawShape = Record<never, never>,
> {
  /** Stable identifier, e.g. `cert-manager`; a team's component with the same key replaces ours. */
  readonly key: string;
  readonly description: string;
  /** @default - no settings in the environment file */
  readonly config?: ConfigSlice<Shape, TenantShape>;
  /** Namespaces it creates; tenants may not take these names. @default [] */
  readonly namespaces?: readonly string[];
  /** Contracts it cannot be built without, possibly depending on its settings. @default [] */
  readonly needs?: readonly AnyContract[] | SettingsFunction<Shape, readonly AnyContract[]>;
  /** Contracts it uses when some component offers them. @default [] */
  readonly uses?: readonly AnyContract[];
  /** Contracts it offers to the components built after it. @default [] */
  readonly offers?: readonly AnyContract[];
  /**
   * The upstream versions it deploys (from its `versions.ts`), against the release set.
   * @default []
   */
  readonly versions?:
    readonly ComponentVersion[] | SettingsFunction<Shape, readonly ComponentVersion[]>;
  /** Steps an upgrade across a version of this component needs. @default [] */
  readonly upgrades?: readonly UpgradeStep[];
  /** Custom resources the install waits for before the next layer. @default [] */
  readonly readiness?: readonly ReadinessCheck[];
  /**
   * Where the environment file turns it on and off, e.g. `kubeflow.notebooks.enabled`, for
   * messages about combinations that cannot work.
   * @default - it cannot be turned off
   */
  readonly toggle?: string;
  /** Whether the environment turns it on. @default - always */
  enabled?(config: z.output<z.ZodObject<Shape>>): boolean;
  build(ctx: ComponentContext<SliceOutput<Shape, TenantShape>>): void;
}

/** A function of a component's settings (a method type, so that components of any shape mix). */
type SettingsFunction<Shape extends z.ZodRawShape, R> = {
  fn(config: z.output<z.ZodObject<Shape>>): R;
}['fn'];

/** The parsed slice a component's build receives. */
export type ComponentConfig<C> =
  C extends PlatformComponent<infer S, infer T> ? SliceOutput<S, T> : never;

/** The slice as written in an environment file (defaults may be left out). */
export type ComponentInput<C> =
  C extends PlatformComponent<infer S> ? z.input<z.ZodObject<S>> : never;

/** A component of any settings, as the platform holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyComponent = PlatformComponent<any, any>;

/** Declares a component with its types inferred from its config shape. */
export function defineComponent<
  Shape extends z.ZodRawShape = Record<never, never>,
  TenantShape extends z.ZodRawShape = Record<never, never>,
>(component: PlatformComponent<Shape, TenantShape>): PlatformComponent<Shape, TenantShape> {
  return component;
}
