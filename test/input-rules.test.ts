/**
 * Input the API server, the scheduler or the CronJob controller would refuse or misread after the fact:
 * each refused at validate time with its field path (rules and sources: docs/VALIDATION.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specErrors, tritonDoc, synth, find } from './support/synth';
import { DocumentSchema } from '../lib/spec/schema/spec';
import { INT32_MAX, INT64_SAFE_MAX } from '../lib/spec/schema/common';
import { timeZoneProblem } from '../lib/spec/rules-input';
import { checkCron } from '../lib/spec/cron';

const batchDoc = (batch: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  tritonDoc({ mode: 'batch', batch: { input: 's3://data/in/', output: 's3://data/out/', ...batch } }, metadata);
const INT32 = 'must be <= 2147483647, the largest Kubernetes integer (int32)';

/** Every integer schema node with its path. */
function integers(s: any, path: string, out: [string, any][] = []): [string, any][] {
  if (!s || typeof s !== 'object') return out;
  if (s.type === 'integer') out.push([path, s]);
  for (const [k, v] of Object.entries(s.properties ?? {})) integers(v, `${path}.${k}`, out);
  if (s.items) integers(s.items, `${path}[]`, out);
  for (const v of s.anyOf ?? []) integers(v, path, out);
  for (const v of Object.values(s.patternProperties ?? {})) integers(v, `${path}{}`, out);
  return out;
}

test('every integer field of the schema is bounded: int32, or 2^53 - 1 for the runtimes\' int64 fields', () => {
  const all = integers(DocumentSchema, '');
  assert.ok(all.length > 40, `found ${all.length} integer fields`);
  const unbounded = all.filter(([, s]) => !(typeof s.maximum === 'number' && s.maximum <= INT64_SAFE_MAX && typeof s.minimum === 'number' && s.minimum >= -1));
  assert.deepEqual(unbounded.map(([p]) => p), []);
  // the int64-safe bound is kept for fields the runtimes read as int64 (versions, dims, microseconds, bytes)
  const wide = all.filter(([, s]) => s.maximum > INT32_MAX).map(([p]) => p);
  assert.deepEqual(wide, [
    '.spec.models[].versions[]', '.spec.models[].inputs[].dims[]', '.spec.models[].outputs[].dims[]',
    '.spec.models[].dynamicBatching.maxQueueDelayMicroseconds', '.spec.models[].optimization.tensorrt.maxWorkspaceSizeBytes',
    '.spec.models[].ensemble.steps[].version', '.spec.rollout.tracks{}.models[].versions[]', '.spec.rollout.canary.models[].versions[]',
  ]);
});

test('refuses integers beyond int32 in replicas, maxSkew, tolerationSeconds, startupTimeoutSeconds and batch sizes', () => {
  const big = INT32_MAX + 1;
  assert.equal(specErrors(tritonDoc({
    replicas: big, startupTimeoutSeconds: big, topologySpread: { maxSkew: big },
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: big }],
    models: [{ name: 'resnet50', format: 'onnx', maxBatchSize: big, dynamicBatching: { preferredBatchSizes: [big] } }],
  })), [
    `spec.yaml: spec.models[0].maxBatchSize: ${INT32} (got 2147483648)`,
    `spec.yaml: spec.models[0].dynamicBatching.preferredBatchSizes[0]: ${INT32} (got 2147483648)`,
    `spec.yaml: spec.replicas: ${INT32} (got 2147483648)`,
    `spec.yaml: spec.tolerations[0].tolerationSeconds: ${INT32} (got 2147483648)`,
    `spec.yaml: spec.startupTimeoutSeconds: ${INT32} (got 2147483648)`,
    `spec.yaml: spec.topologySpread.maxSkew: ${INT32} (got 2147483648)`,
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ autoscaling: { minReplicas: 1, maxReplicas: big } })), `spec.yaml: spec.autoscaling.maxReplicas: ${INT32} (got 2147483648)`);
  assert.equal(specErrors(tritonDoc({ replicas: INT32_MAX })), undefined);
});

test('refuses model versions beyond 2^53 - 1, quoting the digits the user wrote', () => {
  const yaml = JSON.stringify(tritonDoc()).replace('"format":"onnx"', '"format":"onnx","versions":[9007199254740993]');
  assert.equal(specErrors(yaml),
    'spec.yaml: spec.models[0].versions[0]: must be <= 9007199254740991 (2^53 - 1: larger whole numbers are not exact in YAML or JSON) (got 9007199254740993)');
});

test('refuses negative quantities in resources, shared memory and volume sizes', () => {
  assert.equal(specErrors(tritonDoc({
    resources: { cpu: { request: '-1' }, memory: { request: -1, limit: '-2Gi' }, gpu: { count: 1 } },
    sharedMemorySize: '-1Gi',
    repository: { pvc: { create: { size: '-100Gi' } } },
  })), [
    'spec.yaml: spec.repository.pvc.create.size: must not be negative (got "-100Gi")',
    'spec.yaml: spec.resources.cpu.request: must not be negative (got "-1")',
    'spec.yaml: spec.resources.memory.request: must not be negative (got -1)',
    'spec.yaml: spec.resources.memory.limit: must not be negative (got "-2Gi")',
    'spec.yaml: spec.sharedMemorySize: must not be negative (got "-1Gi")',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ resources: { cpu: { request: '+500m', limit: '1e0' }, gpu: { count: 1 } } })), undefined);
});

test('refuses maxSurge and maxUnavailable both 0 in every form (0, "0%", "00%", maxSurge left at its default 0)', () => {
  const both = (s: string, u: string) => `spec.yaml: spec.rollingUpdate: maxSurge (${s}) and maxUnavailable (${u}) cannot both be 0: the rollout could never progress`;
  assert.equal(specErrors(tritonDoc({ rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } })), both('0', '0%'));
  assert.equal(specErrors(tritonDoc({ rollingUpdate: { maxSurge: '00%', maxUnavailable: '000%' } })), both('00%', '000%'));
  assert.equal(specErrors(tritonDoc({ rollingUpdate: { maxUnavailable: 0 } })), both('0, the default', '0'));
  assert.equal(specErrors(tritonDoc({ rollingUpdate: { maxSurge: '0', maxUnavailable: 0 } })),
    'spec.yaml: spec.rollingUpdate.maxSurge: must be a whole number or a percentage such as 25% (got "0")');
  assert.equal(specErrors(tritonDoc({ rollingUpdate: { maxSurge: '10%', maxUnavailable: '00%' } })), undefined);
});

test('refuses a maxUnavailable above 100% and a negative maxSurge', () => {
  assert.equal(specErrors(tritonDoc({ rollingUpdate: { maxSurge: -1, maxUnavailable: '150%' } })), [
    'spec.yaml: spec.rollingUpdate.maxSurge: must not be negative (got -1)',
    'spec.yaml: spec.rollingUpdate.maxUnavailable: (150%) must not be more than 100%',
  ].join('\n'));
});

test('refuses a PodDisruptionBudget maxUnavailable of "00%"', () => {
  assert.match(specErrors(tritonDoc({ replicas: 3, disruption: { maxUnavailable: '00%' } }))!,
    /^spec\.yaml: spec\.disruption\.maxUnavailable: \(00%\): no pod could ever be evicted/);
});

test('refuses gpu.resourceName cpu, memory and other names that are not extended resources', () => {
  const err = (name: string) => specErrors(tritonDoc({ resources: { gpu: { count: 1, resourceName: name } } }));
  const native = (name: string) => `spec.yaml: spec.resources.gpu.resourceName: "${name}" is a native resource, not an extended resource: a GPU is requested as <vendor-domain>/<name>, e.g. nvidia.com/gpu or nvidia.com/mig-1g.5gb`;
  assert.equal(err('cpu'), native('cpu'));
  assert.equal(err('memory'), native('memory'));
  assert.equal(err('ephemeral-storage'), native('ephemeral-storage'));
  assert.equal(err('kubernetes.io/gpu'), native('kubernetes.io/gpu'));
  assert.equal(err('example.kubernetes.io/gpu'), native('example.kubernetes.io/gpu'));
  assert.equal(err('requests.nvidia.com/gpu'),
    'spec.yaml: spec.resources.gpu.resourceName: "requests.nvidia.com/gpu" is not a valid extended resource name (<vendor-domain>/<name>, e.g. nvidia.com/gpu)');
  assert.equal(err('nvidia.com/mig-1g.5gb'), undefined);
  assert.equal(err('amd.com/gpu'), undefined);
});

test('refuses a metadata.name that is not a DNS-1035 label when it names a Service', () => {
  assert.equal(specErrors(tritonDoc({}, { name: '9lives' })),
    'spec.yaml: metadata.name: "9lives" names the Services of mode online, and a Service name must be a DNS-1035 label: start with a letter (a-z)');
  assert.equal(specErrors(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } } }, { name: '9lives' })),
    'spec.yaml: metadata.name: "9lives" names the Services of mode edge, and a Service name must be a DNS-1035 label: start with a letter (a-z)');
  // a batch job has no Service: a DNS-1123 name that starts with a digit is fine there
  assert.equal(specErrors(batchDoc({}, { name: '9lives' })), undefined);
});

test('refuses toleration keys that are not qualified names and tolerations the API server refuses', () => {
  assert.equal(specErrors(tritonDoc({
    tolerations: [
      { key: 'bad key!', operator: 'Exists' },
      { operator: 'Equal', value: 'v' },
      { key: 'a', operator: 'Exists', value: 'x' },
      { key: 'b', value: 'not a label value' },
      { key: 'c', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 },
    ],
  })), [
    'spec.yaml: spec.tolerations[0].key: toleration key name part "bad key!" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.tolerations[1].operator: must be Exists when key is empty (an empty key with Exists tolerates every taint)',
    'spec.yaml: spec.tolerations[2].value: must be empty when operator is Exists',
    'spec.yaml: spec.tolerations[3].value: toleration value "not a label value" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.tolerations[4].tolerationSeconds: applies to effect NoExecute only (effect is NoSchedule)',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' }, tolerations: [{ key: 'x//y', operator: 'Exists' }] } })),
    'spec.yaml: spec.edge.tolerations[0].key: toleration key may contain at most one "/"');
  assert.equal(specErrors(tritonDoc({ tolerations: [{ operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }] })), undefined);
});

test('refuses a negative tolerationSeconds', () => {
  assert.equal(specErrors(tritonDoc({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -5 }] })),
    'spec.yaml: spec.tolerations[0].tolerationSeconds: must be >= 0 (got -5)');
});

test('refuses label and nodeSelector keys that are not qualified names', () => {
  assert.equal(specErrors(tritonDoc({ nodeSelector: { 'a/b/c': 'x' } }, { labels: { '-bad': 'x' } })), [
    'spec.yaml: metadata.labels["-bad"]: label key name part "-bad" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.nodeSelector["a/b/c"]: label key may contain at most one "/"',
  ].join('\n'));
});

test('refuses unknown IANA time zones, wrong capitals and "Local"', () => {
  const err = (tz: string) => specErrors(batchDoc({ schedule: '0 2 * * *', timeZone: tz }));
  assert.equal(err('Mars/Olympus'), 'spec.yaml: spec.batch.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)');
  assert.equal(err('Europe/Berln'), 'spec.yaml: spec.batch.timeZone: "Europe/Berln" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)');
  assert.equal(err('europe/berlin'), 'spec.yaml: spec.batch.timeZone: "europe/berlin" is not an IANA time zone: names are case-sensitive (did you mean "Europe/Berlin"?)');
  assert.equal(err('us/eastern'), 'spec.yaml: spec.batch.timeZone: "us/eastern" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)');
  assert.equal(err('Local'), 'spec.yaml: spec.batch.timeZone: "Local" is refused by Kubernetes: name an explicit IANA time zone such as Europe/Berlin');
  assert.equal(err('America/A_Very_Long_Component'),
    'spec.yaml: spec.batch.timeZone: "America/A_Very_Long_Component" is not an IANA time zone name (components of letters, digits, . - _ +, at most 14 characters each)');
});

test('accepts canonical IANA zones and the aliases the zone database keeps', () => {
  for (const tz of ['Europe/Berlin', 'UTC', 'Etc/GMT+5', 'US/Eastern', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires']) {
    assert.equal(timeZoneProblem(tz), undefined, tz);
  }
});

test('refuses cron schedules that never fire (February 30, day 31 of 30-day months)', () => {
  assert.equal(specErrors(batchDoc({ schedule: '0 0 30 2 *' })),
    'spec.yaml: spec.batch.schedule: never fires: February has no day 30 (the CronJob would never create a Job)');
  assert.equal(specErrors(batchDoc({ schedule: '0 0 31 4,6,9,11 *' })),
    'spec.yaml: spec.batch.schedule: never fires: April, June, September, November have no day 31 (the CronJob would never create a Job)');
  assert.equal(specErrors(batchDoc({ schedule: '*/15 * 30-31 feb ?' })),
    'spec.yaml: spec.batch.schedule: never fires: February has no day 30, 31 (the CronJob would never create a Job)');
});

test('accepts schedules that fire rarely or through the day of week (robfig/cron: either day field matches when both are set)', () => {
  assert.deepEqual(checkCron('0 0 29 2 *'), []); // leap years
  assert.deepEqual(checkCron('0 0 30 2 mon'), []); // every Monday in February
  assert.deepEqual(checkCron('0 0 31 */2 *'), []); // January 31
  assert.deepEqual(checkCron('0 0 5/40 2 *'), []); // "N/step" is N-max/step: February 5
});

test('refuses day of week 7 (robfig/cron v3, which the API server parses with, takes 0-6)', () => {
  assert.equal(specErrors(batchDoc({ schedule: '0 0 * * 7' })), 'spec.yaml: spec.batch.schedule: day of week field "7" is not a value or range within 0-6');
});

test('refuses subPath and model paths with ".." (they would leave the volume)', () => {
  assert.equal(specErrors(tritonDoc({
    repository: { pvc: { claimName: 'models', subPath: 'team/../../etc' } },
    models: [{ name: 'resnet50', format: 'onnx', path: '../other-team/resnet50' }],
  })), [
    'spec.yaml: spec.repository.pvc.subPath: "team/../../etc" must not contain ".." (it would leave the volume)',
    'spec.yaml: spec.models[0].path: "../other-team/resnet50" must not contain ".." (it would leave the volume)',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: { pvc: { claimName: 'models', subPath: '..' } } } } },
  })), 'spec.yaml: spec.rollout.tracks.green.repository.pvc.subPath: ".." must not contain ".." (it would leave the volume)');
  assert.equal(specErrors(tritonDoc({ mode: 'edge', repository: { uri: 's3://b/m' }, edge: { nodeSelector: { edge: 'true' }, hostPathCache: '/var/lib/../../etc' } })),
    'spec.yaml: spec.edge.hostPathCache: "/var/lib/../../etc" must not contain ".." (it would leave the volume)');
  assert.equal(specErrors(tritonDoc({ repository: { pvc: { claimName: 'models', subPath: 'v1..2/models' } } })), undefined);
});

test('refuses an image volume subPath with ".." (main and track repositories), which would leave the image', () => {
  const image = (subPath: string) => ({ image: { reference: 'registry.example.com/models:1', subPath } });
  assert.equal(specErrors(tritonDoc({
    repository: image('../etc'),
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: image('models/../../x') } } },
  })), [
    'spec.yaml: spec.repository.image.subPath: "../etc" must not contain ".." (it would leave the volume)',
    'spec.yaml: spec.rollout.tracks.green.repository.image.subPath: "models/../../x" must not contain ".." (it would leave the volume)',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 10, canary: { repository: image('..') } } })),
    'spec.yaml: spec.rollout.canary.repository.image.subPath: ".." must not contain ".." (it would leave the volume)');
  // a name that only contains two dots is a directory name, and is mounted as given
  const deploy = find(synth(tritonDoc({ repository: image('v1..2/models') })), 'Deployment');
  assert.equal(deploy.spec.template.spec.initContainers.flatMap((c: any) => c.volumeMounts ?? []).concat(deploy.spec.template.spec.containers[0].volumeMounts)
    .find((m: any) => m.name === 'model-store').subPath, 'v1..2/models');
});

test('refuses annotations over the 256 KiB object limit', () => {
  const big = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`example.com/a${i}`, 'x'.repeat(65536)]));
  assert.equal(specErrors(tritonDoc({}, { annotations: big(4) })),
    'spec.yaml: metadata.annotations: 262200 bytes: they are copied onto every object, and Kubernetes allows 262144 bytes (256 KiB) of annotation keys and values per object');
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'a.example.org', annotations: big(2) }, networkPolicy: { enabled: false } }, { annotations: big(2) })),
    'spec.yaml: spec.ingress.annotations: 131100 bytes, with the 131100 bytes of metadata.annotations on the same Ingress: Kubernetes allows 262144 bytes (256 KiB) of annotation keys and values per object');
  assert.equal(specErrors(tritonDoc({}, { annotations: big(3) })), undefined);
});

test('an accepted large annotation set is copied onto the objects as given', () => {
  const annotations = { 'example.com/note': 'y'.repeat(60000) };
  const svc = find(synth(tritonDoc({}, { annotations })), 'Service', 'm');
  assert.equal(svc.metadata.annotations['example.com/note'].length, 60000);
});

test('refuses pod annotations that, with the generated config hash, exceed the 256 KiB limit of the pod template', () => {
  // 262144 - 25 (model-serving/config-hash) - 16 (its value) = 262103 bytes are left for podAnnotations
  const pod = (valueBytes: number) => ({ 'example.com/blob': 'x'.repeat(valueBytes) });
  const key = 'example.com/blob'.length;
  assert.equal(specErrors(tritonDoc({ podAnnotations: pod(262103 - key + 1) })),
    'spec.yaml: spec.podAnnotations: 262104 bytes, with the 41 bytes of the generated model-serving/config-hash annotation on the same pod template: Kubernetes allows 262144 bytes (256 KiB) of annotation keys and values per object');
  const objs = synth(tritonDoc({ podAnnotations: pod(262103 - key) }));
  const annotations = find(objs, 'Deployment').spec.template.metadata.annotations;
  // exactly the limit: the rule counts what the pod template carries
  assert.equal(Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v as string), 0), 262144);
});

test('accepts an annotation value over 64 KiB: Kubernetes bounds only the total per object (label values stay 63 characters)', () => {
  const big = 'y'.repeat(100000);
  const objs = synth(tritonDoc({ podAnnotations: { 'example.com/pod': big } }, { annotations: { 'example.com/note': big } }));
  assert.equal(find(objs, 'Service', 'm').metadata.annotations['example.com/note'].length, 100000);
  assert.equal(find(objs, 'Deployment').spec.template.metadata.annotations['example.com/pod'].length, 100000);
  assert.equal(specErrors(tritonDoc({ podLabels: { team: 'y'.repeat(64) } })),
    `spec.yaml: spec.podLabels["team"]: label value "${'y'.repeat(64)}" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit`);
});
