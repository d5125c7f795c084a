import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidObjects, validateObjects, type ValidationProblem } from './support/k8s-validate';

/** A realistic GPU inference Deployment: GPU limits, probes, volumes, dotted label keys. */
function gpuDeployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'llama-vllm',
      namespace: 'serving',
      labels: { 'app.kubernetes.io/name': 'llama', 'app.kubernetes.io/component': 'vllm' },
      annotations: { 'prometheus.io/scrape': 'true' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'llama' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'llama' } },
        spec: {
          nodeSelector: { 'nvidia.com/gpu.present': 'true' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: 'vllm',
              image: 'vllm/vllm-openai:v0.6.0',
              args: ['--model', '/models/llama', '--port', '8000'],
              ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
              env: [{ name: 'HF_HOME', value: '/cache' }],
              resources: {
                requests: { cpu: '4', memory: '32Gi', 'nvidia.com/gpu': '1' },
                limits: { memory: '32Gi', 'nvidia.com/gpu': 1 },
              },
              readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/health', port: 8000 }, failureThreshold: 3 },
              startupProbe: { tcpSocket: { port: 8000 }, failureThreshold: 60, periodSeconds: 10 },
              volumeMounts: [
                { name: 'models', mountPath: '/models', readOnly: true },
                { name: 'shm', mountPath: '/dev/shm' },
              ],
            },
          ],
          volumes: [
            { name: 'models', persistentVolumeClaim: { claimName: 'llama-weights' } },
            { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } },
          ],
        },
      },
    },
  };
}

const serviceMonitor = (): Record<string, any> => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'llama', labels: { release: 'kube-prometheus-stack' } },
  spec: {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'llama' } },
    endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }],
  },
});

const prometheusRule = (): Record<string, any> => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'llama-alerts' },
  spec: {
    groups: [{
      name: 'llama.rules',
      rules: [
        { record: 'llama:request_rate:5m', expr: 'sum(rate(vllm:request_success_total[5m]))' },
        { alert: 'LlamaDown', expr: 'up{job="llama"} == 0', for: '5m', labels: { severity: 'page' },
          annotations: { summary: 'llama is down' } },
      ],
    }],
  },
});

const scaledObject = (): Record<string, any> => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'llama' },
  spec: {
    scaleTargetRef: { name: 'llama-vllm' },
    minReplicaCount: 1,
    maxReplicaCount: 8,
    triggers: [{
      type: 'prometheus',
      metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(vllm:num_requests_waiting)', threshold: '10' },
    }],
  },
});

const httpRoute = (): Record<string, any> => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'llama' },
  spec: {
    parentRefs: [{ name: 'inference-gateway' }],
    hostnames: ['llama.example.com'],
    rules: [{
      matches: [{ path: { type: 'PathPrefix', value: '/v1' } }],
      backendRefs: [{ name: 'llama', port: 8000 }],
    }],
  },
});

const vpa = (): Record<string, any> => ({
  apiVersion: 'autoscaling.k8s.io/v1',
  kind: 'VerticalPodAutoscaler',
  metadata: { name: 'llama' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-vllm' },
    updatePolicy: { updateMode: 'Off', minReplicas: 2 },
    resourcePolicy: {
      containerPolicies: [{
        containerName: 'vllm',
        mode: 'Auto',
        controlledResources: ['cpu', 'memory'],
        controlledValues: 'RequestsOnly',
        minAllowed: { cpu: '1', memory: '8Gi' },
        maxAllowed: { cpu: 16, memory: '128Gi' },
      }],
    },
  },
});

/** Asserts that validation fails for object 0 and that some message matches `pattern`. */
async function expectProblem(obj: Record<string, any>, pattern: RegExp): Promise<ValidationProblem[]> {
  const problems = await validateObjects([obj]);
  assert.ok(problems.length > 0, 'expected at least one problem');
  assert.ok(problems.every((p) => p.index === 0));
  assert.ok(
    problems.some((p) => pattern.test(p.message)),
    `no message matches ${pattern}:\n${problems.map((p) => p.message).join('\n')}`,
  );
  return problems;
}

test('a valid GPU Deployment with GPU limits, probes and volumes passes', async () => {
  assert.deepEqual(await validateObjects([gpuDeployment()]), []);
  await assertValidObjects([gpuDeployment()]);
});

test('a typo in a container field (readinesProbe) fails and the message names the field and its path', async () => {
  const dep = gpuDeployment();
  const c = dep.spec.template.spec.containers[0];
  c.readinesProbe = c.readinessProbe;
  delete c.readinessProbe;
  const problems = await expectProblem(dep, /'readinesProbe' does not exist/);
  assert.ok(problems.some((p) => p.message.includes('spec.template.spec.containers[0].readinesProbe')));
  assert.equal(problems[0]!.kind, 'Deployment');
  assert.equal(problems[0]!.name, 'llama-vllm');
  await assert.rejects(assertValidObjects([dep]), /readinesProbe/);
});

test('a typo at the top of the Deployment spec (replica: 2) fails', async () => {
  const dep = gpuDeployment();
  delete dep.spec.replicas;
  dep.spec.replica = 2;
  await expectProblem(dep, /'replica' does not exist/);
});

test('a wrong type (replicas: "two") fails', async () => {
  const dep = gpuDeployment();
  dep.spec.replicas = 'two';
  await expectProblem(dep, /spec\.replicas/);
});

test('a Deployment without the required selector fails', async () => {
  const dep = gpuDeployment();
  delete dep.spec.selector;
  await expectProblem(dep, /selector/);
});

test('an object of an unknown apiVersion/kind is reported, never silently accepted', async () => {
  await expectProblem({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, /unknown apiVersion\/kind/);
  await expectProblem({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'd' } }, /unknown/);
});

test('a valid ServiceMonitor, PrometheusRule, ScaledObject, HTTPRoute and VPA pass', async () => {
  const objects = [serviceMonitor(), prometheusRule(), scaledObject(), httpRoute(), vpa()];
  assert.deepEqual(await validateObjects(objects), []);
});

test('a ServiceMonitor endpoint with a typo (scrapeInterval) fails', async () => {
  const sm = serviceMonitor();
  sm.spec.endpoints[0].scrapeInterval = '15s';
  const problems = await expectProblem(sm, /'scrapeInterval' does not exist/);
  assert.ok(problems.some((p) => p.message.includes('spec.endpoints[0].scrapeInterval')));
});

test('a VPA with an unsupported updateMode fails', async () => {
  const v = vpa();
  v.spec.updatePolicy.updateMode = 'Sometimes';
  await expectProblem(v, /\[schema\] spec\.updatePolicy\.updateMode: must be one of/);
});

test('a VPA with an unknown field fails', async () => {
  const v = vpa();
  v.spec.resourcePolicy.containerPolicies[0].controlledResource = ['cpu'];
  await expectProblem(v, /'controlledResource' does not exist/);
});

test('a VPA without targetRef.apiVersion or with a non-cpu/memory controlled resource fails', async () => {
  const v = vpa();
  delete v.spec.targetRef.apiVersion;
  v.spec.resourcePolicy.containerPolicies[0].controlledResources = ['cpu', 'nvidia.com/gpu'];
  await expectProblem(v, /spec\.targetRef\.apiVersion/);
  await expectProblem(v, /controlledResources\[1\]: must be one of cpu\|memory/);
});

test('problems carry the index of the offending object among many valid ones', async () => {
  const objects = [gpuDeployment(), serviceMonitor(), gpuDeployment(), httpRoute()];
  objects[2]!.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
  objects[3]!.spec.rules[0].backendRef = [];
  const problems = await validateObjects(objects);
  assert.deepEqual([...new Set(problems.map((p) => p.index))], [2, 3]);
  assert.ok(problems.some((p) => p.index === 3 && /'backendRef' does not exist/.test(p.message)));
});

test('a minimal valid object of every other supported kind passes (every model module resolves)', async () => {
  const m = (name: string) => ({ name });
  const labels = { matchLabels: { 'app.kubernetes.io/name': 'llama' } };
  const podSpec = { containers: [{ name: 'c', image: 'i' }] };
  const template = { metadata: { labels: labels.matchLabels }, spec: podSpec };
  const rbac = 'rbac.authorization.k8s.io/v1';
  const objects = [
    { apiVersion: 'v1', kind: 'Service', metadata: m('s'), spec: { selector: { a: 'b' }, ports: [{ port: 80, targetPort: 'http' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: m('c'), data: { 'config.pbtxt': 'name: "llama"' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: m('s'), type: 'Opaque', stringData: { token: 'x' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: m('sa') },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: m('p'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: m('ns') },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: m('d'), spec: { selector: labels, template } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: m('s'), spec: { serviceName: 's', selector: labels, template } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: m('j'), spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: m('cj'), spec: { schedule: '0 * * * *',
      jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: m('h'), spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: m('p'), spec: { maxUnavailable: 1, selector: labels } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: m('i'), spec: { rules: [{ host: 'x.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: m('n'),
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8000, protocol: 'TCP' }] }] } },
    { apiVersion: rbac, kind: 'Role', metadata: m('r'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    { apiVersion: rbac, kind: 'RoleBinding', metadata: m('rb'), roleRef: { apiGroup: rbac.split('/')[0], kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa' }] },
    { apiVersion: rbac, kind: 'ClusterRole', metadata: m('cr'), rules: [] },
    { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: m('crb'), roleRef: { apiGroup: rbac.split('/')[0], kind: 'ClusterRole', name: 'cr' } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: m('pm'), spec: { selector: {}, podMetricsEndpoints: [{ port: 'metrics' }] } },
    { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: m('ta'),
      spec: { secretTargetRef: [{ parameter: 'token', name: 's', key: 'k' }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: m('g'),
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 's', port: 8001 }] }] } },
  ];
  assert.deepEqual(await validateObjects(objects), []);
});

test('a null value is reported by the strict layer (Kubernetes would drop it; manifests should not carry it)', async () => {
  await expectProblem({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: null } },
    /metadata\.creationTimestamp: Type 'null'/);
});

test('strings containing line separators do not shift problems onto the wrong object', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { note: 'a\u2028b\u2029c\nd' } };
  const dep = gpuDeployment();
  dep.spec.replica = 3;
  const problems = await validateObjects([cm, dep]);
  assert.deepEqual(problems.map((p) => p.index), [1]);
  assert.match(problems[0]!.message, /'replica' does not exist/);
});
