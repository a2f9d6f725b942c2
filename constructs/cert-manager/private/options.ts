import { ResourceSpec } from '../../core/resources';

/** What every component construct is given, resolved from `CertManagerProps`. @internal */
export interface ComponentOptions {
  readonly namespace: string;
  readonly leaderElectionNamespace: string;
  readonly replicas: number;
  readonly resources: ResourceSpec;
  readonly logLevel: number;
  /** Prometheus may scrape: add the scrape annotations. */
  readonly scrapeMetrics: boolean;
}
