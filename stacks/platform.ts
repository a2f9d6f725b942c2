import { z } from 'zod';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AnyContract,
  ComponentContext,
  Contract,
  Contracts,
  NamespaceRequest,
  AnyComponent,
} from '../constructs/core/component';
import { CompositionError } from '../constructs/core/composition';
import { ConfigError } from '../constructs/core/config/problems';
import { REGISTRY_MIRROR_CONTEXT } from '../constructs/core/images';
import { ComponentVersion } from '../constructs/core/release-set';
import type { ComponentUpgrades } from './render';
import { ILayerCharts, LAYERS, LAYERS_CONTEXT, Layer, LayerInfo } from '../constructs/core/layers';
import { INamespace } from '../constructs/core/network';
import { IObjectStore } from '../constructs/core/object-store';
import { PlatformNamespace } from '../constructs/namespaces/namespace';
import { platformTenant } from '../constructs/tenant/component';
import { Tenant, TenantProps } from '../constructs/tenant/tenant';
import { BUILT_IN_COMPONENTS } from './components';
import {
  PlannedComponent,
  buildOrder,
  resolveNeeds,
  selectComponents,
  sliceOf,
} from './composition';
import { OverrideConfig } from './config/platform-slice';
import { DEFAULT_ENVIRONMENT, Environment, EnvironmentConfig } from './config/schema';
import { validateEnvironment } from './config/validate';

export interface MlopsPlatformProps {
  /**
   * The environment, as written in an environment file, in Pulumi stack config or in code. It is
   * validated here: an invalid environment throws a `ConfigError` listing every problem.
   * @default DEFAULT_ENVIRONMENT (name dev, preset dev)
   */
  readonly environment?: EnvironmentConfig & { readonly [componentKey: string]: unknown };
  /** Where the environment came from, for error messages. @default 'environment' */
  readonly source?: string;
  /**
   * A team's components: one with the key of a built-in component replaces it behind the same
   * contracts; any other is added. Their settings are part of the environment and validated
   * with it.
   * @default []
   */
  readonly components?: readonly AnyComponent[];
}

/** An override added in code: `OverrideConfig` of the environment file, same fields. */
export type Override = OverrideConfig;

/** An override as applied, for the report. */
export interface AppliedOverride {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly reason: string;
  /** `op path` of each operation. */
  readonly operations: readonly string[];
  /** `environment` for the environment file's `overrides`, `code` for `addOverride`. */
  readonly origin: 'environment' | 'code';
}

/**
 * The whole platform for one environment: one cdk8s Chart per install layer, each depending on
 * the one before, and the components of the environment built into them in dependency order,
 * wired to each other by typed contracts.
 */
export class MlopsPlatform extends Construct implements ILayerCharts {
  /** The validated environment, with every preset default filled in. */
  public readonly environment: Environment;
  /** The components in the order they were built. */
  public readonly components: readonly AnyComponent[];
  public readonly namespaces: ReadonlyMap<string, PlatformNamespace>;
  private readonly charts = new Map<Layer, Chart>();
  private readonly offered = new Map<AnyContract, unknown>();
  private readonly namespaceMap = new Map<string, PlatformNamespace>();
  private readonly built: AnyComponent[] = [];
  private readonly overrides: { override: Override; origin: 'environment' | 'code' }[] = [];
  private applied?: readonly AppliedOverride[];
  private readonly source: string;

  public constructor(scope: Construct, id: string, props: MlopsPlatformProps = {}) {
    super(scope, id);
    this.source = props.source ?? 'environment';
    const components = selectComponents(BUILT_IN_COMPONENTS, props.components ?? []);
    const env = validateEnvironment(
      props.environment ?? DEFAULT_ENVIRONMENT,
      props.source,
      components,
    );
    this.environment = env;
    this.namespaces = this.namespaceMap;
    this.components = this.built;
    this.node.setContext(LAYERS_CONTEXT, this);
    if (env.images.registryMirror) {
      this.node.setContext(REGISTRY_MIRROR_CONTEXT, env.images.registryMirror);
    }

    // One chart per layer, created in install order, which is the order cdk8s writes them in.
    // No chart depends on another: cdk8s would expand each such dependency into one per pair of
    // objects and walk the result without memo, which takes minutes for the whole platform.
    for (const info of LAYERS) {
      this.charts.set(info.layer, new Chart(this, info.id, { disableResourceNameHashes: true }));
    }

    const planned = components
      .map((component) => this.plan(component, env as unknown as Record<string, unknown>))
      .filter((p) => p.component.enabled?.(p.config as never) ?? true);
    for (const p of buildOrder(planned)) this.build(p);
    for (const override of env.overrides) this.overrides.push({ override, origin: 'environment' });
  }

  /** The chart of an install layer; objects created under it install in that layer. */
  public chartFor(layer: Layer): Chart {
    const chart = this.charts.get(layer);
    if (!chart) throw new Error(`no chart for layer ${layer}`);
    return chart;
  }

  /** The layer charts in install order. */
  public layerCharts(): { info: LayerInfo; chart: Chart }[] {
    return LAYERS.map((info) => ({ info, chart: this.chartFor(info.layer) }));
  }

  /** What a component offers, e.g. `platform.contract(Contracts.objectStore)`. */
  public contract<T>(contract: Contract<T>): T | undefined {
    return this.offered.get(contract as AnyContract) as T | undefined;
  }

  /** The upstream versions the built components deploy, as they declare them. */
  public versions(): ComponentVersion[] {
    return this.built.flatMap((c) => this.versionsOf(c));
  }

  /**
   * For each built component that deploys a versioned upstream project: the version it deploys
   * (its first declared version) and its upgrade steps, which `install.sh` applies when it
   * upgrades an older install.
   */
  public upgrades(): ComponentUpgrades[] {
    return this.built.flatMap((c) => {
      const [deployed] = this.versionsOf(c);
      return deployed
        ? [{ component: c.key, version: deployed.version, steps: c.upgrades ?? [] }]
        : [];
    });
  }

  private versionsOf(component: AnyComponent): ComponentVersion[] {
    const versions = component.versions ?? [];
    if (typeof versions !== 'function') return [...versions];
    const { config } = this.plan(component, this.environment as unknown as Record<string, unknown>);
    return [...versions(config as never)];
  }

  /** The object store every component and tenant uses. */
  public get objectStore(): IObjectStore | undefined {
    return this.contract(Contracts.objectStore);
  }

  /** The tenants of the environment file and those added with `addTenant`. */
  public get tenants(): readonly Tenant[] {
    return this.chartFor(Layer.TENANTS).node.children.filter((c) => c instanceof Tenant);
  }

  /**
   * Adds a component after the environment's own, built at once against the contracts offered so
   * far. Its settings take their defaults; a component with settings in the environment file
   * belongs in `MlopsPlatformProps.components`, where they are validated with the rest.
   */
  public addComponent(component: AnyComponent): void {
    if (this.built.some((c) => c.key === component.key)) {
      throw new CompositionError([
        `Component ${component.key} is already part of the platform. To replace a built-in component, pass yours in MlopsPlatformProps.components.`,
      ]);
    }
    const shape = component.config?.shape(this.environment.preset, this.environment.domain) ?? {};
    const parsed: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [key, schema] of Object.entries<z.ZodType>(shape)) {
      const result = schema.safeParse(undefined);
      if (result.success) parsed[key] = result.data;
      else
        problems.push(
          `\`${key}\` of component ${component.key} has no default: pass the component in MlopsPlatformProps.components and set it in the environment.`,
        );
    }
    if (problems.length > 0) throw new CompositionError(problems);
    const planned: PlannedComponent = {
      component,
      config: parsed,
      needs: resolveNeeds(component, parsed),
    };
    if (!(component.enabled?.(parsed as never) ?? true)) return;
    const [ordered] = buildOrder([planned], new Set(this.offered.keys()));
    this.build(ordered);
  }

  /**
   * A team in the tenants layer, exactly as the environment's `tenants` make one: in the mesh,
   * labelled so that the object store (and every platform service after it) admits it.
   */
  public addTenant(props: Omit<TenantProps, 'meshLabels' | 'tenantLabel' | 'profile'>): Tenant {
    const mesh = this.contract(Contracts.mesh);
    if (!mesh) {
      throw new CompositionError([
        'addTenant needs IMesh, which no component offers. Keep the istio component (or an external mesh).',
      ]);
    }
    const profiles = this.contract(Contracts.kubeflowProfiles);
    const gateway = this.contract(Contracts.gateway);
    const oidcProvider = this.contract(Contracts.oidcProvider);
    const machineTokens = this.contract(Contracts.machineTokens);
    return platformTenant(
      this.chartFor(Layer.TENANTS),
      {
        mesh,
        ...(profiles ? { profiles } : {}),
        ...(gateway ? { gateway } : {}),
        ...(oidcProvider ? { oidcProvider } : {}),
        ...(machineTokens ? { machineTokens } : {}),
      },
      props,
    );
  }

  /**
   * Patches one synthesized object, addressed by kind, namespace and name, when typed settings do
   * not reach what you need. The patch is listed in the policy report and the patched object
   * still passes the policy gate.
   */
  public addOverride(override: Override): void {
    if (this.applied) {
      throw new Error(
        'addOverride after the platform was rendered: add overrides before rendering.',
      );
    }
    this.overrides.push({ override, origin: 'code' });
  }

  /**
   * Applies the overrides once, before the first render. A target that does not exist is an error
   * with the override's place (`overrides[i]` of the environment file, or the code's).
   * @internal
   */
  public applyOverrides(): readonly AppliedOverride[] {
    if (this.applied) return this.applied;
    const objects = new Map<string, ApiObject>();
    for (const { chart } of this.layerCharts()) {
      for (const c of chart.node.findAll()) {
        if (c instanceof ApiObject) {
          objects.set(objectKey(c.kind, c.metadata.namespace, c.metadata.name ?? ''), c);
        }
      }
    }
    const problems: { path: string; message: string }[] = [];
    const applied: AppliedOverride[] = [];
    let fromFile = 0;
    for (const { override: o, origin } of this.overrides) {
      const where = origin === 'environment' ? `overrides[${fromFile++}]` : 'addOverride';
      const target = objects.get(objectKey(o.kind, o.namespace, o.name));
      if (!target) {
        problems.push({
          path: where,
          message: `\`${where}\` names no object of the platform (got ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}). Check kind, namespace and name against the synthesized manifests; leave namespace out for a cluster-scoped object.`,
        });
        continue;
      }
      for (const op of o.patch) {
        target.addJsonPatch(
          op.op === 'remove'
            ? JsonPatch.remove(op.path)
            : op.op === 'add'
              ? JsonPatch.add(op.path, op.value)
              : JsonPatch.replace(op.path, op.value),
        );
      }
      applied.push({
        kind: o.kind,
        ...(o.namespace ? { namespace: o.namespace } : {}),
        name: o.name,
        reason: o.reason,
        operations: o.patch.map((op) => `${op.op} ${op.path}`),
        origin,
      });
    }
    if (problems.length > 0) throw new ConfigError(problems, 'overrides');
    this.applied = applied;
    return applied;
  }

  private plan(component: AnyComponent, env: Record<string, unknown>): PlannedComponent {
    const config = sliceOf(component, env, this.environment.preset, this.environment.domain);
    return { component, config, needs: resolveNeeds(component, config) };
  }

  private build(planned: PlannedComponent): void {
    const { component, config, needs } = planned;
    const declared = (contract: AnyContract, list: readonly AnyContract[], verb: string): void => {
      if (!list.includes(contract)) {
        throw new CompositionError([
          `${component.key} ${verb} ${contract.name} without declaring it. Add it to the component's ${verb === 'offers' ? 'offers' : 'needs or uses'}.`,
        ]);
      }
    };
    const ctx: ComponentContext<unknown> = {
      config,
      environment: {
        name: this.environment.name,
        preset: this.environment.preset,
        production: this.environment.preset === 'prod',
        domain: this.environment.domain,
      },
      chart: (layer) => this.chartFor(layer),
      namespace: (name, request) => this.namespace(component, name, request),
      get: <T>(contract: Contract<T>): T => {
        declared(contract as AnyContract, needs, 'uses');
        const value = this.offered.get(contract as AnyContract);
        if (value === undefined) {
          throw new CompositionError([
            `${component.key} needs ${contract.name}, but the component that declares it did not offer it.`,
          ]);
        }
        return value as T;
      },
      tryGet: <T>(contract: Contract<T>): T | undefined => {
        declared(contract as AnyContract, [...needs, ...(component.uses ?? [])], 'uses');
        return this.offered.get(contract as AnyContract) as T | undefined;
      },
      offer: <T>(contract: Contract<T>, value: T): void => {
        declared(contract as AnyContract, component.offers ?? [], 'offers');
        this.offered.set(contract as AnyContract, value);
      },
    };
    try {
      component.build(ctx as never);
    } catch (err) {
      // A construct's own check that the environment's schema and rules did not catch first: it
      // still reaches the user as a config problem of the component's settings, not as a trace.
      if (
        err instanceof ConfigError ||
        err instanceof CompositionError ||
        !(err instanceof Error)
      ) {
        throw err;
      }
      const keys = Object.keys(config);
      const path = keys[0] ?? component.key;
      throw new ConfigError(
        [
          {
            path,
            message: `${keys.length > 0 ? keys.map((k) => `\`${k}\``).join(', ') : `Component ${component.key}`} ${keys.length > 1 ? 'are' : 'is'} refused by component ${component.key}: ${err.message.replace(/\s+$/, '')}${/[.!?]$/.test(err.message.trim()) ? '' : '.'}`,
          },
        ],
        this.source,
      );
    }
    this.built.push(component);
  }

  private namespace(component: AnyComponent, name: string, request: NamespaceRequest): INamespace {
    if (!(component.namespaces ?? []).includes(name)) {
      throw new CompositionError([
        `${component.key} asks for namespace ${name} without declaring it. Add it to the component's namespaces, so that no tenant can take the name.`,
      ]);
    }
    const existing = this.namespaceMap.get(name);
    if (existing) return existing;
    let meshLabels: Readonly<Record<string, string>> | undefined;
    if (request.mesh) {
      const mesh = this.offered.get(Contracts.mesh as AnyContract) as
        { injectionLabels: Readonly<Record<string, string>> } | undefined;
      if (!mesh) {
        throw new CompositionError([
          `${component.key} asks for a meshed namespace ${name}, but no mesh was offered before it. Declare Contracts.mesh in its needs.`,
        ]);
      }
      meshLabels = mesh.injectionLabels;
    }
    const ns = new PlatformNamespace(this.chartFor(Layer.NAMESPACES), `Namespace-${name}`, {
      name,
      owner: request.owner,
      ...(meshLabels ? { meshLabels } : {}),
      ...(request.podSecurity ? { podSecurity: request.podSecurity } : {}),
      ...(request.podSecurityReason ? { podSecurityReason: request.podSecurityReason } : {}),
    });
    this.namespaceMap.set(name, ns);
    return ns;
  }
}

function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}
