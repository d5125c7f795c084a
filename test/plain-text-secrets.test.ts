/** Credentials written into the spec would be copied verbatim into every manifest: refused, by field, never echoed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specErrors, tritonDoc, synth, container, all } from './support/synth';
import { lintDocument } from '../lib/lint';
import { GENERATED_SECRET_ENV, looksLikeSecretName } from '../lib/spec/rules-secrets';
import type { ModelServingDocument } from '../lib/spec/schema/spec';
import { parseSpecs } from '../lib/spec/load';
import { SpecError, redactCredentials } from '../lib/spec/errors';
import { main } from '../lib/cli/main';

const SECRET = 'hunter2-s3cr3t';
const vllmDoc = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'llm', namespace: 'ml' },
  spec: {
    runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }],
    repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct', tokenSecret: 'hf-token' } },
    resources: { gpu: { count: 1 } }, ...spec,
  },
}) as unknown as ModelServingDocument;
const LITERAL = (i: number, name: string) => `spec.yaml: spec.env[${i}].value: "${name}" looks like a secret, and a literal value is written into every manifest in plain text: ` +
  'put it in a Secret and use secretKeyRef (or allow it with spec.security.unsafe.plainTextSecretEnv)';
const URL_PASSWORD = 'contains a URL with a password (user:password@), which would be written into the manifest in plain text: remove it and give the credentials to the component from a Secret';

test('refuses env literals whose names look like secrets (*_KEY, *TOKEN, *SECRET, *PASSWORD), without echoing the value', () => {
  const err = specErrors(tritonDoc({
    env: [
      { name: 'HF_TOKEN', value: SECRET }, { name: 'OPENAI_API_KEY', value: SECRET }, { name: 'DB_PASSWORD', value: SECRET },
      { name: 'CLIENT_SECRET', value: SECRET }, { name: 'apikey', value: SECRET },
    ],
  }))!;
  assert.equal(err, [LITERAL(0, 'HF_TOKEN'), LITERAL(1, 'OPENAI_API_KEY'), LITERAL(2, 'DB_PASSWORD'), LITERAL(3, 'CLIENT_SECRET'), LITERAL(4, 'apikey')].join('\n'));
  assert.doesNotMatch(err, /hunter2/);
});

test('keeps settings that only contain the word (TOKENIZERS_PARALLELISM, MAX_TOKENS), references to files, and empty values', () => {
  for (const name of ['TOKENIZERS_PARALLELISM', 'VLLM_MAX_TOKENS', 'TOKEN_FILE', 'HF_TOKEN_PATH', 'SECRETS_DIR', 'MONKEY', 'KEY_ID']) {
    assert.equal(looksLikeSecretName(name), false, name);
  }
  assert.equal(specErrors(tritonDoc({ env: [{ name: 'TOKENIZERS_PARALLELISM', value: 'false' }, { name: 'HF_TOKEN', value: '' }] })), undefined);
  assert.equal(specErrors(tritonDoc({ env: [{ name: 'HF_TOKEN', secretKeyRef: { name: 'hf', key: 'token' } }] })), undefined);
});

test('spec.security.unsafe.plainTextSecretEnv allows the env literals, and lint says so', () => {
  const doc = tritonDoc({ env: [{ name: 'HF_TOKEN', value: SECRET }, { name: 'LOG_LEVEL', value: 'info' }], security: { unsafe: { plainTextSecretEnv: true } } });
  assert.equal(specErrors(doc), undefined);
  const w = lintDocument(doc).find((x) => x.path === 'spec.security.unsafe.plainTextSecretEnv');
  assert.equal(w?.message, 'allows plain-text secrets in spec.env (HF_TOKEN): their values are in every manifest, in git and in `kubectl get -o yaml`; use secretKeyRef');
  assert.equal(container(synth(doc).find((o) => o.kind === 'Deployment')!).env.find((e: any) => e.name === 'HF_TOKEN').value, SECRET);
});

test('refuses an env variable that would replace one filled from a Secret (TRITON_ADMIN_KEY, HF_TOKEN), even when plain text is allowed', () => {
  assert.equal(specErrors(tritonDoc({
    triton: { adminKeySecret: { name: 'triton-admin', key: 'key' } },
    env: [{ name: 'TRITON_ADMIN_KEY', value: SECRET }],
    security: { unsafe: { plainTextSecretEnv: true } },
  })), 'spec.yaml: spec.env[0].name: "TRITON_ADMIN_KEY" is filled from the Secret of spec.triton.adminKeySecret; this entry would replace it');
  assert.equal(specErrors(vllmDoc({ env: [{ name: 'HF_TOKEN', secretKeyRef: { name: 'other', key: 'token' } }] })),
    'spec.yaml: spec.env[0].name: "HF_TOKEN" is filled from the Secret of spec.repository.huggingface.tokenSecret; this entry would replace it');
  assert.equal(specErrors(vllmDoc({ vllm: { apiKeySecret: { name: 'vllm-key', key: 'key' } }, env: [{ name: 'VLLM_API_KEY', secretKeyRef: { name: 'other', key: 'k' } }] })),
    'spec.yaml: spec.env[0].name: "VLLM_API_KEY" is filled from the Secret of spec.vllm.apiKeySecret; this entry would replace it');
});

test('the generated secret variables the rule protects are exactly those the pods get from Secrets', () => {
  const docs = [tritonDoc({ triton: { adminKeySecret: { name: 'triton-admin', key: 'key' } } }), vllmDoc({ vllm: { apiKeySecret: { name: 'vllm-key', key: 'key' } } })];
  const fromSecrets = new Set<string>();
  for (const d of docs) {
    for (const w of all(synth(d), 'Deployment')) {
      for (const e of container(w).env ?? []) if (e.valueFrom?.secretKeyRef) fromSecrets.add(e.name);
    }
  }
  assert.deepEqual([...fromSecrets].sort(), GENERATED_SECRET_ENV.map((g) => g.name).sort());
});

test('refuses user:password@ in every URL field (KEDA serverAddress, runbookBaseUrl, annotations, env values), never echoing it', () => {
  const err = specErrors(tritonDoc({
    env: [{ name: 'DATABASE_URL', value: `postgres://app:${SECRET}@db:5432/x` }],
    autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: `http://admin:${SECRET}@prometheus.monitoring:9090`, threshold: 5 } },
    monitoring: { alerts: { runbookBaseUrl: `https://wiki:${SECRET}@runbooks.example.org/ml` } },
    ingress: { host: 'a.example.org', annotations: { 'example.com/upstream': `https://u:${SECRET}@upstream.example.org` } },
    networkPolicy: { allowFromNamespaces: ['ingress-system'] },
  }, { annotations: { 'example.com/docs': `see https://u:${SECRET}@docs.example.org` } }))!;
  assert.equal(err, [
    `spec.yaml: metadata.annotations["example.com/docs"]: ${URL_PASSWORD}`,
    `spec.yaml: spec.env[0].value: ${URL_PASSWORD}`,
    `spec.yaml: spec.autoscaling.keda.serverAddress: ${URL_PASSWORD}`,
    `spec.yaml: spec.monitoring.alerts.runbookBaseUrl: ${URL_PASSWORD}`,
    `spec.yaml: spec.ingress.annotations["example.com/upstream"]: ${URL_PASSWORD}`,
  ].join('\n'));
  assert.doesNotMatch(err, /hunter2/);
});

test('refuses an image reference with credentials, and keeps digests', () => {
  assert.equal(specErrors(tritonDoc({ image: `bob:${SECRET}@registry.example.org/nvidia/tritonserver:25.01-py3` })),
    'spec.yaml: spec.image: contains credentials (user:password@registry), which would be written into the manifest in plain text: registry credentials belong in an image pull Secret');
  assert.equal(specErrors(tritonDoc({ image: `nvcr.io/nvidia/tritonserver:25.01-py3@sha256:${'a'.repeat(64)}` })), undefined);
});

test('refuses repository and batch URIs with credentials once, with their own advice', () => {
  assert.equal(specErrors(tritonDoc({ repository: { uri: `s3://AKIA:${SECRET}@bucket/models` } })),
    'spec.yaml: spec.repository.uri: must not contain credentials (user:password@); put them in a Secret and name it in credentialsSecret');
});

test('refuses server flags that take a secret in extraArgs, unless the value comes from the environment', () => {
  assert.equal(specErrors(tritonDoc({ extraArgs: ['--api-key', SECRET, '--hf-token=abc', '--api-key=$(VLLM_API_KEY)', '--max-tokens=5', '--ssl-keyfile=/etc/tls/key.pem'] })), [
    'spec.yaml: spec.extraArgs[0]: --api-key takes a secret, and extraArgs are written into the manifest in plain text: put it in a Secret, add it to spec.env with secretKeyRef, and pass --api-key=$(NAME_OF_THAT_VARIABLE)',
    'spec.yaml: spec.extraArgs[2]: --hf-token takes a secret, and extraArgs are written into the manifest in plain text: put it in a Secret, add it to spec.env with secretKeyRef, and pass --hf-token=$(NAME_OF_THAT_VARIABLE)',
  ].join('\n'));
});

test('refuses a value that breaks its schema pattern without printing the password it quotes (KEDA serverAddress)', () => {
  const err = specErrors(tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: `http://u:${SECRET}@prom:9090 x`, threshold: 5 } } }))!;
  assert.equal(err, 'spec.yaml: spec.autoscaling.keda.serverAddress: "http://u:***@prom:9090 x" does not match ^https?://[^\\s]+$ (Prometheus URL (required for engine keda))');
  assert.doesNotMatch(err, /hunter2/);
});

test('refuses an unpinned image with credentials without printing the password (spec.image, a track image, an image volume)', () => {
  const err = specErrors(tritonDoc({
    image: `bob:${SECRET}@registry.example.com/triton`,
    repository: { image: { reference: `bob:${SECRET}@registry.example.com/models/resnet` } },
    gateway: { parentRef: { name: 'gw' } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: `bob:p@ss:${SECRET}@registry.example.com/triton` } },
  }))!;
  const CREDENTIALS = 'contains credentials (user:password@registry), which would be written into the manifest in plain text: registry credentials belong in an image pull Secret';
  const PINNED = "must be pinned to a tag or digest (no ':latest', no missing tag)";
  assert.equal(err, [
    `spec.yaml: spec.image: image "bob:***@registry.example.com/triton" ${PINNED}`,
    `spec.yaml: spec.rollout.canary.image: image "bob:***@registry.example.com/triton" ${PINNED}`,
    `spec.yaml: spec.repository.image.reference: image "bob:***@registry.example.com/models/resnet" ${PINNED}`,
    `spec.yaml: spec.repository.image.reference: ${CREDENTIALS}`,
    `spec.yaml: spec.image: ${CREDENTIALS}`,
    `spec.yaml: spec.rollout.canary.image: ${CREDENTIALS}`,
  ].join('\n'));
  assert.doesNotMatch(err, /hunter2|p@ss/);
});

test('refuses a wrong literal without printing the password of the URL it quotes, in the error, its issues and the CLI JSON', () => {
  const doc = { apiVersion: `http://u:${SECRET}@x`, kind: 'ModelServing' };
  assert.equal(specErrors(doc), 'spec.yaml: apiVersion: must be model-serving/v1alpha1 (got "http://u:***@x")');
  try {
    parseSpecs(JSON.stringify(doc), 'spec.yaml');
    assert.fail('accepted');
  } catch (e) {
    assert.ok(e instanceof SpecError);
    assert.deepEqual(e.issues, [{ path: 'apiVersion', message: 'must be model-serving/v1alpha1 (got "http://u:***@x")', file: 'spec.yaml' }]);
  }
  let out = '';
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s), stdin: () => JSON.stringify(doc) };
  assert.equal(main(['validate', '--json', '-'], io), 1);
  assert.deepEqual(JSON.parse(out).issues, [{ file: '<stdin>', path: 'apiVersion', message: 'must be model-serving/v1alpha1 (got "http://u:***@x")' }]);
  assert.doesNotMatch(out, /hunter2/);
});

test('redactCredentials masks URL and registry passwords (also ones holding @), and keeps digests and e-mail addresses', () => {
  assert.equal(redactCredentials('"http://u:p@ss@h:9/x?y@z" and https://tok@github.com/o'), '"http://u:***@h:9/x?y@z" and https://***@github.com/o');
  assert.equal(redactCredentials('image "bob:hun@ter3@registry.example.com/t" x'), 'image "bob:***@registry.example.com/t" x');
  for (const kept of ['nvcr.io/nvidia/tritonserver:25.01-py3@sha256:abcd', '"tritonserver:25.01@sha256:abcd" a/b', 'ops@example.com', 's3://bucket/a@b']) {
    assert.equal(redactCredentials(kept), kept);
  }
});

test('refuses credentials in every image reference: an image volume of the spec and of each track, even when pinned', () => {
  const ref = (tag: string) => ({ image: { reference: `bob:${SECRET}@registry.example.com/models/resnet:${tag}` } });
  const err = specErrors(tritonDoc({
    repository: ref('1'),
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: ref('2') } } },
  }))!;
  const CREDENTIALS = 'contains credentials (user:password@registry), which would be written into the manifest in plain text: registry credentials belong in an image pull Secret';
  assert.equal(err, [`spec.yaml: spec.repository.image.reference: ${CREDENTIALS}`, `spec.yaml: spec.rollout.tracks.green.repository.image.reference: ${CREDENTIALS}`].join('\n'));
  assert.doesNotMatch(err, /hunter2/);
});

test('refuses an env value or server argument of the wrong type by its type, never printing the value (text and --json)', () => {
  const DIGITS = '98765432101234';
  const cases: [Record<string, unknown>, string][] = [
    [{ env: [{ name: 'API_KEY', value: Number(DIGITS) }] }, 'spec.yaml: spec.env[0].value: must be a string (got a number)'],
    [{ env: [{ name: 'PIN', value: true }] }, 'spec.yaml: spec.env[0].value: must be a string (got true or false)'],
    [{ env: [`API_KEY=${DIGITS}`] }, 'spec.yaml: spec.env[0]: must be a mapping (got a string)'],
    [{ env: `API_KEY=${DIGITS}` }, 'spec.yaml: spec.env: must be a list (got a string)'],
    [{ extraArgs: ['--log-verbose=1', Number(DIGITS)] }, 'spec.yaml: spec.extraArgs[1]: must be a string (got a number)'],
    [{ extraArgs: `--api-key=${DIGITS}` }, 'spec.yaml: spec.extraArgs: must be a list (got a string)'],
  ];
  for (const [spec, message] of cases) {
    assert.equal(specErrors(tritonDoc(spec)), message);
    let out = '';
    let err = '';
    const code = main(['validate', '--json', '-'], { out: (s) => (out += s), err: (s) => (err += s), stdin: () => JSON.stringify(tritonDoc(spec)) });
    assert.equal(code, 1);
    assert.ok(!`${out}${err}`.includes(DIGITS), `${out}${err}`);
  }
  // other fields still quote what was written
  assert.equal(specErrors(tritonDoc({ replicas: 'two' })), 'spec.yaml: spec.replicas: must be a whole number (got "two")');
});
