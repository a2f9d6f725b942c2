import { App } from 'cdk8s';
import { AlertGroup } from '../../constructs/core/monitoring';
import { MonitoringRegistry } from '../../constructs/monitoring/monitoring';
import { runbookMarkdown } from '../../constructs/monitoring/runbooks';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { MlopsPlatform } from '../../stacks/platform';

/** Where the runbooks are, relative to the repository root (alerts' `runbook_url` anchors). */
export const RUNBOOKS_FILE = 'docs/runbooks.md';

/**
 * The environment the runbooks are drawn from: every component that exports metrics switched on
 * (MLflow and the database backup too), with one tenant and one served model, so that each alert
 * appears once.
 */
export const RUNBOOK_ENVIRONMENT: EnvironmentConfig = {
  name: 'runbooks',
  preset: 'dev',
  monitoring: { enabled: true },
  tracking: { mlflow: { enabled: true } },
  // The database backup's alerts (on by default in prod).
  pipelines: { backup: { enabled: true } },
  tenants: [
    {
      name: 'team-a',
      owner: 'ana@example.com',
      models: [
        {
          name: 'iris',
          format: { name: 'sklearn' },
          storageUri: 's3://mlpipeline/private/team-a/models/iris',
        },
      ],
    },
  ],
} as EnvironmentConfig;

/**
 * The alert groups of a platform with every alert once: alerts made per tenant or per model (the
 * same name with other labels) are one runbook entry.
 */
export function platformAlertGroups(environment = RUNBOOK_ENVIRONMENT): AlertGroup[] {
  const platform = new MlopsPlatform(new App(), 'Platform', { environment });
  const seen = new Set<string>();
  return MonitoringRegistry.of(platform)
    .alertGroups()
    .map((g) => ({
      ...g,
      alerts: g.alerts.filter((a) => !seen.has(a.name) && seen.add(a.name) !== undefined),
    }))
    .filter((g) => g.alerts.length > 0);
}

/** docs/runbooks.md: one section per alert, with what it means and what to do. */
export function runbooksDoc(): string {
  return runbookMarkdown(platformAlertGroups());
}
