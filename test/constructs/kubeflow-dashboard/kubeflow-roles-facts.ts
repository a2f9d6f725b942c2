/**
 * The rules of the Kubernetes part of the Kubeflow roles, written down from
 * community-distribution `common/kubeflow-roles/base/cluster-roles.yaml` at f09f3eea (release set
 * 26.03.1), one string per rule: `apiGroups | resources | verbs`, comma-joined in upstream's order.
 */
export const KUBEFLOW_KUBERNETES_ROLE_FACTS: Readonly<Record<string, readonly string[]>> = {
  'kubeflow-kubernetes-admin': [
    'authorization.k8s.io | localsubjectaccessreviews | create',
    'rbac.authorization.k8s.io | rolebindings,roles | create,delete,deletecollection,get,list,patch,update,watch',
  ],
  'kubeflow-kubernetes-edit': [
    ' | pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy | get,list,watch',
    ' | pods,pods/attach,pods/exec,pods/portforward,pods/proxy | create,delete,deletecollection,patch,update',
    ' | configmaps,endpoints,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy | create,delete,deletecollection,patch,update',
    'apps | daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale | create,delete,deletecollection,patch,update',
    'autoscaling | horizontalpodautoscalers | create,delete,deletecollection,patch,update',
    'batch | cronjobs,jobs | create,delete,deletecollection,patch,update',
    'extensions | daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale | create,delete,deletecollection,patch,update',
    'policy | poddisruptionbudgets | create,delete,deletecollection,patch,update',
    'networking.k8s.io | ingresses,networkpolicies | create,delete,deletecollection,patch,update',
  ],
  'kubeflow-kubernetes-view': [
    ' | configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status | get,list,watch',
    ' | bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status | get,list,watch',
    ' | namespaces | get,list,watch',
    'apps | controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status | get,list,watch',
    'autoscaling | horizontalpodautoscalers,horizontalpodautoscalers/status | get,list,watch',
    'batch | cronjobs,cronjobs/status,jobs,jobs/status | get,list,watch',
    'extensions | daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale | get,list,watch',
    'policy | poddisruptionbudgets,poddisruptionbudgets/status | get,list,watch',
    'networking.k8s.io | ingresses,ingresses/status,networkpolicies | get,list,watch',
  ],
};
