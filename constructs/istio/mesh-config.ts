import { stringify } from 'yaml';
import { ExtAuthzHttpProvider } from '../core/mesh';
import { DNS_LABEL, throwIfProblems } from '../core/validation';

/**
 * Where Envoy writes access logs, mesh-wide.
 * @see https://istio.io/latest/docs/tasks/observability/logs/access-log/
 */
export class AccessLogging {
  /** No access logs (upstream's default). */
  public static disabled(): AccessLogging {
    return new AccessLogging();
  }

  /** Access logs on the proxy's standard output, where the cluster's log collector reads them. */
  public static stdout(encoding: 'TEXT' | 'JSON' = 'TEXT'): AccessLogging {
    return new AccessLogging('/dev/stdout', encoding);
  }

  private constructor(
    /** `accessLogFile`, or undefined when disabled. */
    public readonly file?: string,
    public readonly encoding?: 'TEXT' | 'JSON',
  ) {}
}

export interface MeshConfigOptions {
  readonly rootNamespace: string;
  readonly trustDomain: string;
  /** Where proxies reach istiod for xDS and certificates. */
  readonly discoveryAddress: string;
  readonly accessLogging: AccessLogging;
}

/** One `extensionProviders[]` entry of the mesh config, with upstream's field names. */
export function extensionProviderJson(p: ExtAuthzHttpProvider): Record<string, unknown> {
  return {
    name: p.name,
    envoyExtAuthzHttp: {
      service: p.service,
      port: p.port,
      ...(p.includeRequestHeadersInCheck?.length
        ? { includeRequestHeadersInCheck: [...p.includeRequestHeadersInCheck] }
        : {}),
      ...(p.headersToUpstreamOnAllow?.length
        ? { headersToUpstreamOnAllow: [...p.headersToUpstreamOnAllow] }
        : {}),
      ...(p.headersToDownstreamOnDeny?.length
        ? { headersToDownstreamOnDeny: [...p.headersToDownstreamOnDeny] }
        : {}),
    },
  };
}

/**
 * The mesh configuration (the `mesh` key of the `istio` ConfigMap). Extension providers can be
 * added until synthesis; `render()` is called lazily from the ConfigMap, and lists providers by
 * name so that the output does not depend on the order components registered them.
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
 */
export class MeshConfig {
  private readonly providers = new Map<string, ExtAuthzHttpProvider>();

  public constructor(private readonly options: MeshConfigOptions) {}

  public get trustDomain(): string {
    return this.options.trustDomain;
  }

  /** Registered providers, by name. */
  public get extensionProviders(): readonly ExtAuthzHttpProvider[] {
    return [...this.providers.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Adds an `envoyExtAuthzHttp` provider; AuthorizationPolicies with `action: CUSTOM` name it. */
  public addExtensionProvider(provider: ExtAuthzHttpProvider): void {
    const problems: string[] = [];
    if (!DNS_LABEL.test(provider.name)) {
      problems.push(
        `\`name\` must be a lower-case DNS label (got "${provider.name}"). Use a name such as oauth2-proxy.`,
      );
    } else if (this.providers.has(provider.name)) {
      problems.push(
        `\`name\` "${provider.name}" is already registered. Give every extension provider its own name.`,
      );
    }
    if (!provider.service.trim()) {
      problems.push(
        '`service` is empty. Use the FQDN of the authorization service, e.g. oauth2-proxy.oauth2-proxy.svc.cluster.local.',
      );
    }
    if (!Number.isInteger(provider.port) || provider.port < 1 || provider.port > 65535) {
      problems.push(`\`port\` must be a port number from 1 to 65535 (got ${provider.port}).`);
    }
    throwIfProblems('Mesh extension provider', problems);
    this.providers.set(provider.name, provider);
  }

  /** The mesh config as an object with upstream's field names. */
  public toJson(): Record<string, unknown> {
    const o = this.options;
    const providers = this.extensionProviders.map(extensionProviderJson);
    return {
      ...(o.accessLogging.file
        ? { accessLogEncoding: o.accessLogging.encoding, accessLogFile: o.accessLogging.file }
        : {}),
      defaultConfig: { discoveryAddress: o.discoveryAddress },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      ...(providers.length > 0 ? { extensionProviders: providers } : {}),
      rootNamespace: o.rootNamespace,
      trustDomain: o.trustDomain,
    };
  }

  /** The YAML istiod reads. */
  public render(): string {
    return stringify(this.toJson(), { lineWidth: 0 });
  }
}
