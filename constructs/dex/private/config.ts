import { stringify } from 'yaml';
import { DEX_PORTS } from '../names';

/** Dex's lifetimes, rendered as Go durations. @internal */
export interface RenderedExpiry {
  readonly idTokens: string;
  readonly authRequests: string;
  readonly deviceRequests: string;
  readonly refreshTokens?: Record<string, unknown>;
}

/** A static client, with its secret only as the name of an environment variable. @internal */
export interface RenderedClient {
  readonly id: string;
  readonly name: string;
  readonly redirectURIs: readonly string[];
  readonly secretEnv: string;
}

/** Everything the Dex config is made of. @internal */
export interface DexConfigInput {
  readonly issuer: string;
  readonly logLevel: string;
  readonly expiry: RenderedExpiry;
  readonly keysRotationPeriod: string;
  readonly connectors: readonly Record<string, unknown>[];
  readonly staticPasswords: readonly Record<string, unknown>[];
  readonly clients: readonly RenderedClient[];
}

/**
 * Dex's configuration (`config.yaml`) with upstream's keys. It holds no secret: client secrets are
 * `secretEnv` names, connector credentials `$VAR` references, password hashes `hashFromEnv`
 * names or gomplate expressions filled in at startup.
 * @see https://github.com/dexidp/dex/blob/v2.45.1/config.yaml.dist
 * @internal
 */
export function dexConfig(input: DexConfigInput): Record<string, unknown> {
  return {
    issuer: input.issuer,
    storage: {
      type: 'kubernetes',
      // `check`: the CRDs are ours (CRDs layer); Dex only verifies they exist.
      config: { inCluster: true, crdHandling: 'check' },
    },
    web: {
      http: `0.0.0.0:${DEX_PORTS.http}`,
      headers: {
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Strict-Transport-Security': 'max-age=31536000',
      },
    },
    telemetry: { http: `0.0.0.0:${DEX_PORTS.telemetry}` },
    logger: { level: input.logLevel, format: 'json' },
    oauth2: { skipApprovalScreen: true },
    expiry: {
      idTokens: input.expiry.idTokens,
      authRequests: input.expiry.authRequests,
      deviceRequests: input.expiry.deviceRequests,
      ...(input.expiry.refreshTokens ? { refreshTokens: input.expiry.refreshTokens } : {}),
    },
    signer: { type: 'local', config: { keysRotationPeriod: input.keysRotationPeriod } },
    enablePasswordDB: input.staticPasswords.length > 0,
    ...(input.staticPasswords.length > 0 ? { staticPasswords: [...input.staticPasswords] } : {}),
    staticClients: input.clients.map((c) => ({
      id: c.id,
      name: c.name,
      redirectURIs: [...c.redirectURIs],
      secretEnv: c.secretEnv,
    })),
    ...(input.connectors.length > 0 ? { connectors: [...input.connectors] } : {}),
  };
}

/** The config as the YAML file Dex reads. @internal */
export function renderDexConfig(input: DexConfigInput): string {
  return stringify(dexConfig(input), { lineWidth: 0 });
}
