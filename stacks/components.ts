import { automlComponent } from '../constructs/automl/component';
import { certManagerComponent } from '../constructs/cert-manager/component';
import { identityComponent } from '../constructs/dex/component';
import { istioComponent } from '../constructs/istio/component';
import { monitoringComponent } from '../constructs/monitoring/component';
import { kubeflowDashboardComponent } from '../constructs/kubeflow-dashboard/component';
import { kubeflowNotebooksComponent } from '../constructs/kubeflow-notebooks/component';
import { kubeflowPipelinesComponent } from '../constructs/kubeflow-pipelines/component';
import { objectStoreComponent } from '../constructs/object-store/component';
import { oauth2ProxyComponent } from '../constructs/oauth2-proxy/component';
import { podDefaultsComponent } from '../constructs/poddefaults/component';
import { servingComponent } from '../constructs/serving/component';
import { tenantsComponent } from '../constructs/tenant/component';
import { trainingComponent } from '../constructs/training/component';
import { trackingComponent } from '../constructs/tracking/component';
import { registryComponent } from '../constructs/registry/component';

/**
 * The platform's components, one line each. The order here is only the tie-breaker: the platform
 * builds every component after the ones whose contracts it needs.
 */
export const BUILT_IN_COMPONENTS = [
  certManagerComponent,
  istioComponent,
  monitoringComponent,
  identityComponent,
  oauth2ProxyComponent,
  objectStoreComponent,
  kubeflowDashboardComponent,
  podDefaultsComponent,
  kubeflowNotebooksComponent,
  kubeflowPipelinesComponent,
  trackingComponent,
  registryComponent,
  servingComponent,
  trainingComponent,
  automlComponent,
  tenantsComponent,
] as const;
