import { Duration } from 'cdk8s';
import { durationProblem } from '../../core/duration';
import { gatewayHostProblem } from '../../core/gateway-exposure';
import { IGateway } from '../../core/mesh';
import { dexConnectorIdProblems, dexStaticUserProblems, formatDexProblem } from '../checks';
import { DexConnector } from '../connectors';
import { StaticUser } from '../static-users';
import { DNS_LABEL, isHttpsUrl } from '../../core/validation';

/** What the Dex props are checked on, with lists defaulted. @internal */
export interface DexValidationInput {
  readonly gateway: IGateway;
  readonly host?: string;
  readonly connectors: readonly DexConnector[];
  readonly staticUsers: readonly StaticUser[];
  readonly production?: boolean;
  readonly allowStaticUsers?: { readonly reason: string };
  readonly expiry?: {
    readonly idTokens?: Duration;
    readonly authRequests?: Duration;
    readonly deviceRequests?: Duration;
    readonly refreshTokens?: {
      readonly reuseInterval?: Duration;
      readonly validIfNotUsedFor?: Duration;
      readonly absoluteLifetime?: Duration;
    };
  };
  readonly keysRotationPeriod?: Duration;
  readonly replicas?: number;
}

const HOST =
  /^(?=.{1,253}(:|$))[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/;

/** Every problem with Dex's props, each starting with the path in backticks. @internal */
export function validateDex(p: DexValidationInput): string[] {
  const problems: string[] = [];
  const hosts = p.gateway.hosts;
  if (hosts.length === 0) {
    problems.push(
      '`gateway.hosts` is empty (got []). The issuer is https://<host>/dex; give the gateway a host such as kubeflow.example.com.',
    );
  }
  if (p.host !== undefined) {
    if (!HOST.test(p.host)) {
      problems.push(
        `\`host\` is not a host name with an optional port (got "${p.host}"). Use a name such as kubeflow.example.com, without scheme or path.`,
      );
    } else {
      const problem = gatewayHostProblem('host', p.host, p.gateway);
      if (problem) problems.push(problem);
    }
  }

  const connectorIdProblems = dexConnectorIdProblems(p.connectors.map((c) => c.id));
  p.connectors.forEach((c, i) => {
    for (const problem of c.problems()) {
      problems.push(problem.replace(/^`/, `\`connectors[${i}].`));
    }
    problems.push(...connectorIdProblems.filter((x) => x.index === i).map(formatDexProblem));
  });

  const userProblems = dexStaticUserProblems(p.staticUsers, {
    at: (i) => `staticUsers[${p.staticUsers[i].email}]`,
    production: p.production ?? false,
  });
  const secretNames = new Map<string, string>();
  p.staticUsers.forEach((u, i) => {
    const own = userProblems.filter((x) => x.index === i);
    problems.push(...u.problems(), ...own.map(formatDexProblem));
    // A name given as `secretName` must not be another user's Secret as well (derived names that
    // collide are reported on the email).
    const pw = u.password;
    if (pw.type === 'secret') return;
    const other = secretNames.get(pw.secretName);
    if (other !== undefined && !own.some((x) => x.path.endsWith('.email'))) {
      problems.push(
        `\`staticUsers[${u.email}].secretName\` is the Secret of staticUsers[${other}] as well (got "${pw.secretName}"). Give every user a Secret of its own.`,
      );
    }
    if (other === undefined) secretNames.set(pw.secretName, u.email);
  });

  if (p.connectors.length === 0 && p.staticUsers.length === 0) {
    problems.push(
      "`connectors` and `staticUsers` are both empty (got none). Dex refuses to start without a way to log in: add a connector such as DexConnector.oidc(...), or for development StaticUser.generatedPassword('admin@example.com').",
    );
  }
  const reason = p.allowStaticUsers?.reason;
  if (reason !== undefined && reason.trim().length < 10) {
    problems.push(
      `\`allowStaticUsers.reason\` is too short (got "${reason}"). Say in a sentence why static users are acceptable here.`,
    );
  }
  if (p.production && p.staticUsers.length > 0 && reason === undefined) {
    problems.push(
      `\`staticUsers\` are not allowed in production (got ${p.staticUsers.map((u) => u.email).join(', ')}). Log in through a connector, or set allowStaticUsers.reason to say why static users are acceptable.`,
    );
  }

  const e = p.expiry ?? {};
  for (const [path, d] of [
    ['expiry.idTokens', e.idTokens],
    ['expiry.authRequests', e.authRequests],
    ['expiry.deviceRequests', e.deviceRequests],
    ['expiry.refreshTokens.reuseInterval', e.refreshTokens?.reuseInterval],
    ['expiry.refreshTokens.validIfNotUsedFor', e.refreshTokens?.validIfNotUsedFor],
    ['expiry.refreshTokens.absoluteLifetime', e.refreshTokens?.absoluteLifetime],
    ['keysRotationPeriod', p.keysRotationPeriod],
  ] as const) {
    const problem = durationProblem(path, d);
    if (problem) problems.push(problem);
  }
  if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 1)) {
    problems.push(
      `\`replicas\` is not a whole number of at least 1 (got ${p.replicas}). Use 1, or 2 for availability.`,
    );
  }
  return problems;
}

/** Every problem with a client registration. @internal */
export function validateClient(
  id: string,
  request: {
    readonly clientId: string;
    readonly name: string;
    readonly redirectUris: readonly string[];
    readonly namespace: string;
  },
  registered: readonly { readonly id: string; readonly clientId: string }[],
): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(id) || id.length > 40) {
    problems.push(
      `\`id\` is not a DNS label of at most 40 characters (got "${id}"). Use lower-case letters, digits and '-', such as oauth2-proxy.`,
    );
  }
  if (!request.clientId.trim() || /[{}$\s]/.test(request.clientId)) {
    problems.push(
      `\`clientId\` is empty or has "{", "}", "$" or spaces (got "${request.clientId}"). Use a plain ID such as oauth2-proxy.`,
    );
  }
  if (registered.some((c) => c.id === id || c.clientId === request.clientId)) {
    problems.push(
      `a client with the id "${id}" or clientId "${request.clientId}" is already registered. Register each client once.`,
    );
  }
  if (/[{}]/.test(request.name)) {
    problems.push(`\`name\` has "{" or "}" (got "${request.name}"). Remove the braces.`);
  }
  if (request.redirectUris.length === 0) {
    problems.push(
      '`redirectUris` is empty (got []). Give the exact callback URL, such as https://kubeflow.example.com/oauth2/callback.',
    );
  }
  request.redirectUris.forEach((uri, i) => {
    if (!isHttpsUrl(uri) || /[{}$]/.test(uri)) {
      problems.push(
        `\`redirectUris[${i}]\` is not an https URL (got "${uri}"). Dex matches redirect URIs exactly; give the full https callback URL.`,
      );
    }
  });
  if (!DNS_LABEL.test(request.namespace)) {
    problems.push(`\`namespace\` is not a namespace name (got "${request.namespace}").`);
  }
  return problems;
}
