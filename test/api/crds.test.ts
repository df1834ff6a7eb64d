import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { crdDocuments, renderCrdFiles, structuralProblems } from '../../src/api/index.js';
import type { CrdDocument, JSONSchemaProps } from '../../src/api/index.js';

const crdsDir = new URL('../../crds/', import.meta.url);

function byKind(kind: string): CrdDocument {
  const d = crdDocuments().find((c) => c.spec.names.kind === kind);
  assert.ok(d, `no CRD for ${kind}`);
  return d;
}

function schemaOf(kind: string): JSONSchemaProps {
  const v = byKind(kind).spec.versions[0];
  assert.ok(v);
  return v.schema.openAPIV3Schema;
}

/** The node at a dotted path of properties (`[]` steps into array items). */
function node(root: JSONSchemaProps, path: string): JSONSchemaProps {
  let cur: JSONSchemaProps | undefined = root;
  for (const seg of path.split('.')) {
    cur = seg === '[]' ? cur?.items : cur?.properties?.[seg];
    assert.ok(cur, `no schema node at ${path} (stopped at ${seg})`);
  }
  return cur;
}

describe('api/crds', () => {
  const files = renderCrdFiles();

  for (const [name, text] of Object.entries(files)) {
    it(`crds/${name} is up to date`, () => {
      const path = new URL(name, crdsDir);
      assert.ok(existsSync(path), `crds/${name} is missing: run npm run gen:crds`);
      assert.ok(readFileSync(path, 'utf8') === text, `crds/${name} is stale: run npm run gen:crds`);
    });
  }

  it('writes the four CRDs, deterministically', () => {
    assert.deepEqual(Object.keys(files), [
      'rollouts.sluice.dev.yaml',
      'analysistemplates.sluice.dev.yaml',
      'clusteranalysistemplates.sluice.dev.yaml',
      'analysisruns.sluice.dev.yaml',
    ]);
    assert.deepEqual(renderCrdFiles(), files);
    for (const text of Object.values(files)) assert.equal(parse(text).apiVersion, 'apiextensions.k8s.io/v1');
  });

  for (const doc of crdDocuments()) {
    it(`${doc.spec.names.kind}: the schema is structural`, () => {
      const v = doc.spec.versions[0];
      assert.ok(v);
      assert.deepEqual(structuralProblems(v.schema.openAPIV3Schema), []);
    });
  }

  it('the structural check catches what Kubernetes rejects', () => {
    const bad: JSONSchemaProps = {
      type: 'object',
      properties: {
        a: {},
        b: { type: 'array' },
        c: { type: 'string', 'x-kubernetes-int-or-string': true },
        d: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
      },
      required: ['e'],
    };
    (bad.properties as Record<string, unknown>)['f'] = { anyOf: [{ type: 'string' }], type: 'string' };
    assert.deepEqual(structuralProblems(bad), [
      'a: has no type',
      'b: array without items',
      'c: x-kubernetes-int-or-string must not have a type',
      'd: has both properties and additionalProperties',
      'f: uses anyOf',
      '<root>: requires undeclared property e',
    ]);
  });

  it('Rollout: names, scope, categories and subresources', () => {
    const d = byKind('Rollout');
    assert.equal(d.metadata.name, 'rollouts.sluice.dev');
    assert.deepEqual(d.spec.names.shortNames, ['ro']);
    assert.deepEqual(d.spec.names.categories, ['sluice', 'all']);
    assert.equal(d.spec.scope, 'Namespaced');
    assert.deepEqual(d.spec.versions[0]?.subresources, {
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    });
  });

  it('Rollout: printer columns', () => {
    const cols = byKind('Rollout').spec.versions[0]?.additionalPrinterColumns.map((c) => `${c.name} ${c.type} ${c.jsonPath}`);
    assert.deepEqual(cols, [
      'Desired integer .spec.replicas',
      'Current integer .status.replicas',
      'Up-to-date integer .status.updatedReplicas',
      'Available integer .status.availableReplicas',
      'Step integer .status.currentStepIndex',
      'Weight integer .status.canary.weights.canary.weight',
      'Phase string .status.phase',
      'Age date .metadata.creationTimestamp',
    ]);
  });

  it('other kinds: short names, scope and categories like Argo', () => {
    const names = crdDocuments().map((d) => [d.spec.names.kind, d.spec.names.shortNames.join(','), d.spec.scope, d.spec.names.categories.join(',')]);
    assert.deepEqual(names, [
      ['Rollout', 'ro', 'Namespaced', 'sluice,all'],
      ['AnalysisTemplate', 'at', 'Namespaced', 'sluice'],
      ['ClusterAnalysisTemplate', 'cat', 'Cluster', 'sluice'],
      ['AnalysisRun', 'ar', 'Namespaced', 'sluice'],
    ]);
    assert.deepEqual(byKind('AnalysisRun').spec.versions[0]?.subresources, { status: {} });
    assert.equal(byKind('AnalysisTemplate').spec.versions[0]?.subresources, undefined);
  });

  const nodes: Record<string, { kind: string; path: string; expect: JSONSchemaProps }> = {
    'status.observedGeneration is an integer': {
      kind: 'Rollout',
      path: 'status.observedGeneration',
      expect: { description: 'metadata.generation this status describes (an integer, for kstatus).', type: 'integer' },
    },
    'pause duration is int-or-string': {
      kind: 'Rollout',
      path: 'spec.strategy.canary.steps.[].pause.duration',
      expect: { 'x-kubernetes-int-or-string': true },
    },
    'maxSurge is int-or-string': {
      kind: 'Rollout',
      path: 'spec.strategy.canary.maxSurge',
      expect: { description: 'Pods that may be created above replicas: a count or a percentage (default 25%).', 'x-kubernetes-int-or-string': true },
    },
    'setWeight is a bounded integer': {
      kind: 'Rollout',
      path: 'spec.strategy.canary.steps.[].setWeight',
      expect: { type: 'integer', minimum: 0, maximum: 100, description: 'Percentage of traffic (or replicas, without traffic routing) for the canary.' },
    },
    'metric interval is int-or-string': {
      kind: 'AnalysisTemplate',
      path: 'spec.metrics.[].interval',
      expect: { description: 'Time between measurements; absent means a single measurement.', 'x-kubernetes-int-or-string': true },
    },
    'failureLimit is int-or-string': {
      kind: 'AnalysisTemplate',
      path: 'spec.metrics.[].failureLimit',
      expect: { description: 'Failed measurements tolerated before the metric fails; -1 disables.', 'x-kubernetes-int-or-string': true },
    },
    'web jsonBody keeps any JSON': { kind: 'AnalysisTemplate', path: 'spec.metrics.[].provider.web.jsonBody', expect: { 'x-kubernetes-preserve-unknown-fields': true } },
    'measurements are typed': { kind: 'AnalysisRun', path: 'status.metricResults.[].measurements.[].value', expect: { type: 'string' } },
  };
  for (const [name, tc] of Object.entries(nodes)) {
    it(`node: ${name}`, () => assert.deepEqual(node(schemaOf(tc.kind), tc.path), tc.expect));
  }

  it('the pod template keeps unknown fields but types labels and containers', () => {
    const t = node(schemaOf('Rollout'), 'spec.template');
    assert.equal(t['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(node(t, 'metadata')['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(node(t, 'metadata.labels'), { type: 'object', additionalProperties: { type: 'string' } });
    const c = node(t, 'spec.containers.[]');
    assert.equal(c['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(c.required, ['name']);
    assert.deepEqual(node(c, 'image'), { type: 'string' });
  });

  it('writes no defaults: parsing applies them, the API server never rewrites a manifest', () => {
    for (const text of Object.values(files)) assert.doesNotMatch(text, /^\s*default:/m);
  });
});
