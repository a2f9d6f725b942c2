import { Duration } from 'cdk8s';
import { goDuration } from '../core/duration';
import { RenderedExpiry } from './private/config';

/** Refresh token lifetimes (`expiry.refreshTokens`). */
export interface DexRefreshTokenExpiry {
  /** @default false */
  readonly disableRotation?: boolean;
  /** @default - Dex's default (3s) */
  readonly reuseInterval?: Duration;
  /** @default - Dex's default (no limit) */
  readonly validIfNotUsedFor?: Duration;
  /** @default - Dex's default (no limit) */
  readonly absoluteLifetime?: Duration;
}

/** How long Dex's tokens and requests live (`expiry`). */
export interface DexExpiry {
  /** ID tokens; also what the auth proxy's cookie should not outlive. @default Duration.hours(24) */
  readonly idTokens?: Duration;
  /** @default Duration.hours(24) */
  readonly authRequests?: Duration;
  /** @default Duration.minutes(5) */
  readonly deviceRequests?: Duration;
  /** @default - Dex's defaults (not rendered) */
  readonly refreshTokens?: DexRefreshTokenExpiry;
}

/** `expiry` with the defaults applied, as Go durations. @internal */
export function renderExpiry(expiry: DexExpiry = {}): RenderedExpiry {
  const r = expiry.refreshTokens;
  const refreshTokens: Record<string, unknown> = {
    ...(r?.disableRotation !== undefined ? { disableRotation: r.disableRotation } : {}),
    ...(r?.reuseInterval ? { reuseInterval: goDuration(r.reuseInterval) } : {}),
    ...(r?.validIfNotUsedFor ? { validIfNotUsedFor: goDuration(r.validIfNotUsedFor) } : {}),
    ...(r?.absoluteLifetime ? { absoluteLifetime: goDuration(r.absoluteLifetime) } : {}),
  };
  return {
    idTokens: goDuration(expiry.idTokens ?? Duration.hours(24)),
    authRequests: goDuration(expiry.authRequests ?? Duration.hours(24)),
    deviceRequests: goDuration(expiry.deviceRequests ?? Duration.minutes(5)),
    ...(r ? { refreshTokens } : {}),
  };
}
