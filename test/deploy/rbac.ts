/**
 * RBAC authorization as the Kubernetes API server decides it (k8s.io/kubernetes
 * pkg/apis/rbac/v1/evaluation_helpers.go and plugin/pkg/auth/authorizer/rbac), for checking a
 * request audit against roles: rule matching (apiGroups, resources with `resource/subresource`
 * and the `*` and `*`-slash-subresource wildcards, verbs, resourceNames, nonResourceURLs with a trailing
 * `*`), subjects (User, Group, ServiceAccount and the groups a service account belongs to), and
 * the scope of bindings (a RoleBinding grants only in its namespace; a ClusterRoleBinding
 * everywhere, cluster-scoped and all-namespace requests included).
 */
import type { RequestRecord } from '../../src/local/index.js';

/** One `rules[]` entry of a Role or ClusterRole. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleObject {
  kind: 'Role' | 'ClusterRole';
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

export interface BindingObject {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  metadata: { name: string; namespace?: string };
  roleRef: { apiGroup: string; kind: 'Role' | 'ClusterRole'; name: string };
  subjects?: Subject[];
}

/** What a request asks, in RBAC's terms (a subset of the audit record). */
export type Attributes = Pick<RequestRecord, 'resourceRequest' | 'verb' | 'apiGroup' | 'resource' | 'subresource' | 'namespace' | 'name' | 'path'>;

/** Who asks. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** The user name and groups of a service account's token. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

function groupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`));
}

function nameMatches(rule: PolicyRule, name: string): boolean {
  return !rule.resourceNames || rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

/** True when `rule` allows the request (RBAC's RuleAllows). */
export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.resourceRequest) return urlMatches(rule, a.path);
  return groupMatches(rule, a.apiGroup) && resourceMatches(rule, a.resource, a.subresource) && nameMatches(rule, a.name);
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.name === `system:serviceaccount:${s.namespace ?? bindingNamespace ?? ''}:${s.name}`;
  }
}

/** Which rule allowed a request. */
export interface Grant {
  role: string;
  ruleIndex: number;
  rule: PolicyRule;
}

/** An RBAC authorizer over a fixed set of roles and bindings. */
export class Authorizer {
  constructor(
    private readonly roles: RoleObject[],
    private readonly bindings: BindingObject[],
  ) {}

  private role(ref: BindingObject['roleRef'], namespace: string | undefined): RoleObject | undefined {
    return this.roles.find((r) => r.kind === ref.kind && r.metadata.name === ref.name && (ref.kind === 'ClusterRole' || r.metadata.namespace === namespace));
  }

  /** The first rule that allows the request, or undefined (denied). */
  authorize(user: UserInfo, a: Attributes): Grant | undefined {
    for (const b of this.bindings) {
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, b.metadata.namespace))) continue;
      // A RoleBinding grants in its namespace only: never cluster-scoped or all-namespace requests.
      if (b.kind === 'RoleBinding' && (!a.resourceRequest || a.namespace !== b.metadata.namespace)) continue;
      const role = this.role(b.roleRef, b.metadata.namespace);
      if (!role) continue;
      const rules = role.rules ?? [];
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (ruleAllows(rule, a)) return { role: `${role.kind}/${role.metadata.namespace ? `${role.metadata.namespace}/` : ''}${role.metadata.name}`, ruleIndex: i, rule };
      }
    }
    return undefined;
  }
}

/**
 * The default roles every Kubernetes cluster binds to `system:authenticated`
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): discovery and version, health.
 */
export const DEFAULT_DISCOVERY: { roles: RoleObject[]; bindings: BindingObject[] } = {
  roles: [
    {
      kind: 'ClusterRole',
      metadata: { name: 'system:discovery' },
      rules: [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }],
    },
    {
      kind: 'ClusterRole',
      metadata: { name: 'system:public-info-viewer' },
      rules: [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }],
    },
  ],
  bindings: ['system:discovery', 'system:public-info-viewer'].map((name) => ({
    kind: 'ClusterRoleBinding' as const,
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole' as const, name },
    subjects: [{ kind: 'Group' as const, name: 'system:authenticated' }],
  })),
};

/** One (apiGroup, resource, verb) a rule grants; `resourceNames` noted when restricted. */
export interface Permission {
  apiGroup: string;
  resource: string;
  verb: string;
}

/** `group resource verb`: the key of a permission. */
export function permissionKey(p: Permission): string {
  return `${p.apiGroup || 'core'} ${p.resource} ${p.verb}`;
}

/** Every (apiGroup, resource, verb) a resource rule names (wildcards kept as written). */
export function expandRule(rule: PolicyRule): Permission[] {
  const out: Permission[] = [];
  for (const apiGroup of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) for (const verb of rule.verbs) out.push({ apiGroup, resource, verb });
  return out;
}

/** The permission a request used, in the terms of {@link expandRule} (no wildcards). */
export function requestPermission(a: Attributes): Permission {
  return { apiGroup: a.apiGroup, resource: a.subresource ? `${a.resource}/${a.subresource}` : a.resource, verb: a.verb };
}
