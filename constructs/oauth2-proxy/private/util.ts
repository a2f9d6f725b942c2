import { Duration } from 'cdk8s';

/** A DNS-1123 subdomain: ServiceAccount names. @internal */
export const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws one error listing every problem, if there are any. @internal */
export function throwIfProblems(what: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(
      `${what}: ${problems.length === 1 ? problems[0] : `\n- ${problems.join('\n- ')}`}`,
    );
  }
}

/** A duration as Go's `time.ParseDuration` reads it, in the largest whole unit. @internal */
export function goDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** An `https://` URL with a host. @internal */
export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.host !== '';
  } catch {
    return false;
  }
}

/** An absolute `http(s)://` URL. @internal */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host !== '';
  } catch {
    return false;
  }
}

/** Istio's security API. @internal */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';
