import { Duration } from 'cdk8s';

/** A duration as Go's `time.ParseDuration` reads it, in the largest whole unit. @internal */
export function goDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Istio's security API. @internal */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';
