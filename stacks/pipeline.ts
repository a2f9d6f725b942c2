import { App } from 'cdk8s';
import { AnyComponent } from '../constructs/core/component';
import { PolicyReport, evaluate, formatText } from '../policies';
import { MlopsPlatform } from './platform';
import { RenderedPlatform, renderPlatform } from './render';

/** The policy gate found unsuppressed errors; nothing was written or deployed. */
export class PolicyGateError extends Error {
  public constructor(public readonly report: PolicyReport) {
    super(formatText(report));
    this.name = 'PolicyGateError';
  }
}

/** A rendered platform that passed the policy gate. */
export interface GatedPlatform {
  readonly rendered: RenderedPlatform;
  readonly policy: PolicyReport;
}

/**
 * The policy gate over every rendered object, whichever engine runs next: production rules for a
 * production environment. Throws `PolicyGateError` on an unsuppressed error.
 */
export function gate(rendered: RenderedPlatform): GatedPlatform {
  const policy = evaluate(
    rendered.layers.flatMap((l) => l.objects),
    { production: rendered.production },
  );
  if (!policy.passed) throw new PolicyGateError(policy);
  return { rendered, policy };
}

export interface SynthesizeOptions {
  /** Where the environment came from, for messages. @default 'environment' */
  readonly source?: string;
  /** A team's components (see `MlopsPlatformProps.components`). @default [] */
  readonly components?: readonly AnyComponent[];
  /** Changes to the platform in code before it renders (tenants, objects, overrides). */
  readonly customize?: (platform: MlopsPlatform) => void;
}

/**
 * The one pipeline of both engines: validate the environment, build the platform, render it and
 * run the policy gate. Nothing is written; the caller's engine takes it from here.
 */
export function synthesize(environment: unknown, opts: SynthesizeOptions = {}): GatedPlatform {
  const platform = new MlopsPlatform(new App(), 'Platform', {
    environment: environment as never,
    ...(opts.source ? { source: opts.source } : {}),
    ...(opts.components ? { components: opts.components } : {}),
  });
  opts.customize?.(platform);
  return gate(renderPlatform(platform));
}
