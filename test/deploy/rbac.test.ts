/** The RBAC matcher the least-privilege test relies on, against Kubernetes' own rules. */
import assert from 'node:assert/strict';
import { Authorizer, DEFAULT_DISCOVERY, expandRule, ruleAllows, serviceAccountUser, type Attributes, type BindingObject, type PolicyRule, type RoleObject } from './rbac.js';

function req(verb: string, apiGroup: string, resource: string, extra: Partial<Attributes> = {}): Attributes {
  return { resourceRequest: true, verb, apiGroup, resource, subresource: '', namespace: 'apps', name: '', path: '', ...extra };
}

describe('deploy: RBAC rule matching', () => {
  const cases: Record<string, { rule: PolicyRule; a: Attributes; allowed: boolean }> = {
    'exact group, resource and verb': { rule: { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['patch'] }, a: req('patch', 'apps', 'replicasets'), allowed: true },
    'another verb is denied': { rule: { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['patch'] }, a: req('update', 'apps', 'replicasets'), allowed: false },
    'list does not grant watch': { rule: { apiGroups: [''], resources: ['pods'], verbs: ['list'] }, a: req('watch', '', 'pods'), allowed: false },
    'get does not grant list': { rule: { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, a: req('list', '', 'secrets'), allowed: false },
    'the core group is ""': { rule: { apiGroups: [''], resources: ['services'], verbs: ['patch'] }, a: req('patch', 'apps', 'services'), allowed: false },
    'a resource does not grant its subresource': { rule: { apiGroups: ['sluice.dev'], resources: ['rollouts'], verbs: ['update'] }, a: req('update', 'sluice.dev', 'rollouts', { subresource: 'status', name: 'web' }), allowed: false },
    'resource/subresource grants the subresource': { rule: { apiGroups: ['sluice.dev'], resources: ['rollouts/status'], verbs: ['update'] }, a: req('update', 'sluice.dev', 'rollouts', { subresource: 'status', name: 'web' }), allowed: true },
    'a subresource does not grant the resource': { rule: { apiGroups: ['sluice.dev'], resources: ['rollouts/status'], verbs: ['update'] }, a: req('update', 'sluice.dev', 'rollouts', { name: 'web' }), allowed: false },
    '* matches every resource and subresource': { rule: { apiGroups: ['sluice.dev'], resources: ['*'], verbs: ['update'] }, a: req('update', 'sluice.dev', 'rollouts', { subresource: 'status' }), allowed: true },
    '*/status matches any status': { rule: { apiGroups: ['*'], resources: ['*/status'], verbs: ['*'] }, a: req('update', 'apps', 'deployments', { subresource: 'status' }), allowed: true },
    '*/status does not match scale': { rule: { apiGroups: ['*'], resources: ['*/status'], verbs: ['*'] }, a: req('update', 'apps', 'deployments', { subresource: 'scale' }), allowed: false },
    'resourceNames allow the named object': { rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['sluice-controller'], verbs: ['get'] }, a: req('get', 'coordination.k8s.io', 'leases', { name: 'sluice-controller' }), allowed: true },
    'resourceNames deny other objects': { rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['sluice-controller'], verbs: ['get'] }, a: req('get', 'coordination.k8s.io', 'leases', { name: 'other' }), allowed: false },
    'resourceNames never allow create (no name yet)': { rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['sluice-controller'], verbs: ['create'] }, a: req('create', 'coordination.k8s.io', 'leases'), allowed: false },
    'a non-resource URL prefix': { rule: { nonResourceURLs: ['/apis/*'], verbs: ['get'] }, a: { ...req('get', '', ''), resourceRequest: false, path: '/apis/sluice.dev/v1alpha1' }, allowed: true },
    'a resource rule never matches a non-resource URL': { rule: { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, a: { ...req('get', '', ''), resourceRequest: false, path: '/version' }, allowed: false },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => assert.equal(ruleAllows(tc.rule, tc.a), tc.allowed));
  }

  it('a RoleBinding grants only in its namespace, never across all namespaces; a ClusterRoleBinding everywhere', () => {
    const sa = serviceAccountUser('sluice-system', 'sluice-controller');
    const roles: RoleObject[] = [
      { kind: 'ClusterRole', metadata: { name: 'pods' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] },
      { kind: 'Role', metadata: { name: 'leases', namespace: 'sluice-system' }, rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }] },
    ];
    const subjects = [{ kind: 'ServiceAccount' as const, name: 'sluice-controller', namespace: 'sluice-system' }];
    const bindings: BindingObject[] = [
      { kind: 'RoleBinding', metadata: { name: 'leases', namespace: 'sluice-system' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leases' }, subjects },
      // A ClusterRole bound in one namespace by a RoleBinding.
      { kind: 'RoleBinding', metadata: { name: 'pods-here', namespace: 'apps' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pods' }, subjects },
    ];
    const authz = new Authorizer(roles, bindings);
    assert.ok(authz.authorize(sa, req('get', 'coordination.k8s.io', 'leases', { namespace: 'sluice-system', name: 'x' })));
    assert.equal(authz.authorize(sa, req('get', 'coordination.k8s.io', 'leases', { namespace: 'default', name: 'x' })), undefined);
    assert.ok(authz.authorize(sa, req('list', '', 'pods', { namespace: 'apps' })));
    assert.equal(authz.authorize(sa, req('list', '', 'pods', { namespace: '' })), undefined, 'a list across all namespaces needs a ClusterRoleBinding');
    assert.equal(authz.authorize(serviceAccountUser('other', 'sluice-controller'), req('list', '', 'pods')), undefined, 'another namespace’s service account');
    const cluster = new Authorizer(roles, [{ kind: 'ClusterRoleBinding', metadata: { name: 'pods' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pods' }, subjects }]);
    assert.ok(cluster.authorize(sa, req('list', '', 'pods', { namespace: '' })));
  });

  it('the default discovery roles allow what every authenticated client reads', () => {
    const authz = new Authorizer(DEFAULT_DISCOVERY.roles, DEFAULT_DISCOVERY.bindings);
    const sa = serviceAccountUser('sluice-system', 'sluice-controller');
    const get = (path: string): Attributes => ({ ...req('get', '', ''), resourceRequest: false, path });
    for (const p of ['/version', '/api', '/apis', '/apis/sluice.dev/v1alpha1']) assert.ok(authz.authorize(sa, get(p)), p);
    assert.equal(authz.authorize(sa, get('/metrics')), undefined);
    assert.equal(authz.authorize(sa, { ...get('/version'), verb: 'post' }), undefined);
  });

  it('expands a rule into (group, resource, verb) permissions', () => {
    assert.deepEqual(expandRule({ apiGroups: ['sluice.dev'], resources: ['analysistemplates', 'clusteranalysistemplates'], verbs: ['list', 'watch'] }).map((p) => `${p.resource} ${p.verb}`), [
      'analysistemplates list',
      'analysistemplates watch',
      'clusteranalysistemplates list',
      'clusteranalysistemplates watch',
    ]);
  });
});
