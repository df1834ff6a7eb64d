// kubectl against the local cluster: apply, get (tables, printer columns, -w), patch (all
// three types), scale, wait, delete.
import assert from 'node:assert/strict';
import { installCrdsFromDir } from '../../src/local/index.js';
import { useCluster } from './support/cluster.js';
import { kubectlFor, requireKubectl, type Kubectl } from './support/kubectl.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  mode: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          ports: [{containerPort: 80}]
`;

describe('local cluster: kubectl conformance', function () {
  this.timeout(60_000);
  const cluster = useCluster();
  let k: Kubectl;

  before(async function () {
    requireKubectl(this);
    k = await kubectlFor(cluster());
  });

  it('apply -f creates, then reports unchanged, then configures', async () => {
    const first = await k.ok(['apply', '-f', '-'], MANIFEST);
    assert.match(first, /configmap\/app-config created/);
    assert.match(first, /deployment.apps\/web created/);
    const again = await k.ok(['apply', '-f', '-'], MANIFEST);
    assert.match(again, /configmap\/app-config unchanged/);
    const changed = await k.ok(['apply', '-f', '-'], MANIFEST.replace('mode: blue', 'mode: green'));
    assert.match(changed, /configmap\/app-config configured/);
    assert.equal(await k.ok(['get', 'cm', 'app-config', '-o', 'jsonpath={.data.mode}']), 'green');
  });

  it('get prints tables for built-ins and shortNames work', async () => {
    const out = await k.ok(['get', 'deploy']);
    assert.match(out.split('\n')[0] ?? '', /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    assert.match(out, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
    const ns = await k.ok(['get', 'ns', 'kube-system']);
    assert.match(ns, /^kube-system\s+Active\s+/m);
  });

  it('patch --type merge, json and strategic', async () => {
    await k.ok(['patch', 'cm', 'app-config', '--type', 'merge', '-p', '{"data":{"extra":"1"}}']);
    await k.ok(['patch', 'cm', 'app-config', '--type', 'json', '-p', '[{"op":"replace","path":"/data/mode","value":"red"}]']);
    assert.equal(await k.ok(['get', 'cm', 'app-config', '-o', 'jsonpath={.data.mode},{.data.extra}']), 'red,1');
    await k.ok(['patch', 'deploy', 'web', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']);
    assert.equal(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']), 'web sidecar');
  });

  it('scale changes replicas through the scale subresource', async () => {
    assert.match(await k.ok(['scale', 'deploy', 'web', '--replicas=5']), /deployment.apps\/web scaled/);
    assert.equal(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
  });

  it('get -w prints the current state, then changes as they happen', async () => {
    const child = k.spawn(['get', 'cm', 'app-config', '-w', '--no-headers']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const lines = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && out.split('\n').filter((l) => l).length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await lines(1);
    await k.ok(['patch', 'cm', 'app-config', '--type', 'merge', '-p', '{"data":{"more":"x"}}']);
    await lines(2);
    child.kill();
    const got = out.split('\n').filter((l) => l);
    assert.match(got[0] ?? '', /^app-config\s+2\s+/);
    assert.match(got[1] ?? '', /^app-config\s+3\s+/);
  });

  it('get of a custom resource shows its printer columns; wait --for=condition works', async () => {
    await installCrdsFromDir(cluster().kubeConfig, FIXTURES);
    await k.ok(['wait', '--for=condition=Established', 'crd/widgets.example.dev', '--timeout=10s']);
    await k.ok(['apply', '-f', '-'], 'apiVersion: example.dev/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {color: red, replicas: 3}\n');
    const waiting = k.run(['wait', '--for=condition=Ready', 'widget/w1', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 300));
    await k.ok(['patch', 'widget', 'w1', '--subresource=status', '--type', 'merge', '-p', '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}']);
    const w = await waiting;
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /widget.example.dev\/w1 condition met/);
    const table = await k.ok(['get', 'wg']);
    assert.match(table.split('\n')[0] ?? '', /^NAME\s+REPLICAS\s+PHASE\s+READY\s+AGE$/);
    assert.match(table, /^w1\s+3\s+Running\s+True\s+\d+s$/m);
  });

  it('apply rejects an invalid custom resource with the server message', async () => {
    const r = await k.run(['apply', '-f', '-'], 'apiVersion: example.dev/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {color: red, replicas: "three"}\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer/);
  });

  it('apply refuses unknown fields of a custom resource (kubectl asks for Strict validation)', async () => {
    const r = await k.run(['apply', '-f', '-'], 'apiVersion: example.dev/v1\nkind: Widget\nmetadata: {name: w3}\nspec: {color: red, colour: blue}\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec.colour"/);
  });

  it('create namespace/configmap/secret/serviceaccount (protobuf bodies) work; default may not be deleted', async () => {
    await k.ok(['create', 'namespace', 'team-a']);
    await k.ok(['create', 'configmap', 'c1', '-n', 'team-a', '--from-literal=a=b', '--from-literal=c=d']);
    await k.ok(['create', 'secret', 'generic', 's1', '-n', 'team-a', '--from-literal=pw=secret']);
    await k.ok(['create', 'serviceaccount', 'bot', '-n', 'team-a']);
    assert.equal(await k.ok(['get', 'cm', 'c1', '-n', 'team-a', '-o', 'jsonpath={.data.a},{.data.c}']), 'b,d');
    assert.equal(await k.ok(['get', 'secret', 's1', '-n', 'team-a', '-o', 'jsonpath={.type},{.data.pw}']), `Opaque,${Buffer.from('secret').toString('base64')}`);
    assert.equal(await k.ok(['get', 'sa', 'bot', '-n', 'team-a', '-o', 'jsonpath={.metadata.name}']), 'bot');
    const r = await k.run(['delete', 'namespace', 'default']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "default" is forbidden: this namespace may not be deleted/);
  });

  it('get events shows the event columns', async () => {
    await k.ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Event\nmetadata: {name: ev1}\ninvolvedObject: {kind: Deployment, name: web}\nreason: Scaled\ntype: Normal\nmessage: scaled up\n');
    const out = await k.ok(['get', 'events']);
    assert.match(out.split('\n')[0] ?? '', /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(out, /Normal\s+Scaled\s+deployment\/web\s+scaled up/);
  });

  it('delete removes objects', async () => {
    assert.match(await k.ok(['delete', 'cm', 'app-config']), /configmap "app-config" deleted/);
    const r = await k.run(['get', 'cm', 'app-config']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound|not found/);
    assert.match(await k.ok(['delete', '-f', '-'], MANIFEST.split('---')[1] ?? ''), /deployment.apps "web" deleted/);
  });

  it('get all lists custom resources in the all category', async () => {
    const out = await k.ok(['get', 'all']);
    assert.match(out, /widget\.example\.dev\/w1/);
  });
});
