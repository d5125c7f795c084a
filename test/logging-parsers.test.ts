/**
 * The log parsers on real lines, with a real Oniguruma engine: the records the Logging Operator's Fluentd
 * (fluent-plugin-concat) and a Fluent Bit DaemonSet (multiline rules) build from each runtime's lines, and the
 * fields every record parses into. Patterns are read from the synthesized Flow objects and ConfigMap.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { synth, find, K8sObject } from './support/synth';
import { loadOniguruma, OnigRegex, parseRecord, groupNames } from './support/oniguruma';
import { concatFilter, fluentBitMultiline, rulesFromConf, parsersFromConf } from './support/log-collectors';
import { SAMPLES, LogSample } from './fixtures/logs/lines';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import { TRITON_LOG_DEFAULT, TRITON_LOG_ISO8601 } from '../lib/runtimes/triton-logs';

before(loadOniguruma);

const FORMAT = { triton: 'onnx', tfserving: 'savedmodel', torchserve: 'mar', vllm: 'huggingface' } as const;

/** A minimal valid spec of the sample's runtime and models, with spec.logging. */
function sampleDoc(s: LogSample, logging: Record<string, unknown>) {
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name: 'm', namespace: 'ml' },
    spec: {
      runtime: s.runtime,
      models: s.models.map((name) => ({ name, format: FORMAT[s.runtime] })),
      repository: s.runtime === 'vllm' ? { huggingface: { modelId: 'org/model' } } : { pvc: { claimName: 'models' } },
      resources: { gpu: { count: 1 } },
      ...(s.extraArgs ? { extraArgs: s.extraArgs } : {}),
      logging,
    },
  };
}

const unslash = (r: string) => r.replace(/^\/([\s\S]*)\/$/, '$1');

/** Records and parsed fields as the Logging Operator's Fluentd builds them from the synthesized Flows. */
function throughFluentd(s: LogSample): { records: string[]; parsed: (Record<string, string> | undefined)[]; statics: Record<string, string> } {
  const objs = synth(sampleDoc(s, { elasticsearch: { host: 'es.logging' } }));
  const flow = find(objs, 'Flow', 'm-logs');
  let records = [...s.lines];
  for (const f of flow.spec.filters) {
    const c = f.concat;
    records = concatFilter(records, { start: c.multiline_start_regexp && unslash(c.multiline_start_regexp), end: c.multiline_end_regexp && unslash(c.multiline_end_regexp) });
  }
  const parse = find(objs, 'Flow', 'm-logs-parse').spec.filters;
  const p = parse[0].parser.parse;
  const patterns = (p.type === 'regexp' ? [p.expression] : p.patterns.map((x: K8sObject) => x.expression)).map((e: string) => new OnigRegex(unslash(e)));
  const statics = Object.assign({}, ...parse[1].record_transformer.records);
  return { records, parsed: records.map((r) => parseRecord(patterns, r)), statics };
}

/** The same through the Fluent Bit parsers ConfigMap. */
function throughFluentBit(s: LogSample): { records: string[]; parsed: (Record<string, string> | undefined)[]; statics: Record<string, string> } {
  const cm = find(synth(sampleDoc(s, { collector: 'fluentBit' })), 'ConfigMap', 'm-fluent-bit');
  const records = fluentBitMultiline(s.lines, rulesFromConf(cm.data['parsers.conf']));
  const patterns = parsersFromConf(cm.data['parsers.conf']).map((p) => new OnigRegex(p));
  const statics = Object.fromEntries([...cm.data['filters.conf'].matchAll(/^\s*add\s+(\S+) (\S+)$/gm)].map((m: RegExpMatchArray) => [m[1], m[2]]));
  return { records, parsed: records.map((r) => parseRecord(patterns, r)), statics };
}

for (const s of SAMPLES) {
  for (const [collector, run] of [['the Logging Operator (Fluentd)', throughFluentd], ['Fluent Bit', throughFluentBit]] as const) {
    test(`${s.name}: records and fields through ${collector} (${s.source})`, () => {
      const { records, parsed, statics } = run(s);
      assert.deepEqual(records.map((r) => r.split('\n').length), s.records.map((r) => r.lines), `record sizes: ${JSON.stringify(records, null, 1)}`);
      s.records.forEach((want, i) => {
        const got = parsed[i];
        if (want.unparsed) return assert.equal(got, undefined, `record ${i} should not parse`);
        assert.ok(got, `record ${i} did not parse: ${JSON.stringify(records[i])}`);
        for (const [k, v] of Object.entries(want.fields)) assert.equal(got[k], v, `record ${i} field ${k}`);
        // every record carries level, message and (where the format has them) time and source
        assert.ok(got.level && 'message' in got, `record ${i}: ${JSON.stringify(got)}`);
        if (want.messageStartsWith) assert.ok(got.message.startsWith(want.messageStartsWith), `record ${i} message ${JSON.stringify(got.message)}`);
        if (want.messageEndsWith) assert.ok(got.message.endsWith(want.messageEndsWith), `record ${i} message ${JSON.stringify(got.message)}`);
      });
      assert.equal(statics.runtime, s.runtime);
      if (s.runtime === 'vllm') assert.equal(statics.model, s.models[0], 'vLLM lines never name the model: the spec adds it');
      else assert.equal(statics.model, undefined);
    });
  }
}

test('every runtime has a sample of real lines, and both Triton formats are sampled', () => {
  for (const r of RUNTIME_REGISTRY) assert.ok(SAMPLES.some((s) => s.runtime === r.name), r.name);
  assert.ok(SAMPLES.some((s) => s.extraArgs?.includes('--log-format=ISO8601')));
  assert.notEqual(TRITON_LOG_DEFAULT.startPattern, TRITON_LOG_ISO8601.startPattern);
});

test('every pattern uses named groups Fluent Bit accepts, and start patterns fit a quoted Fluent Bit rule', () => {
  for (const r of RUNTIME_REGISTRY) {
    for (const spec of [{}, { extraArgs: ['--log-format', 'ISO8601'] }]) {
      const f = r.logFormat({ runtime: r.name, models: [], repository: {} } as any as Parameters<typeof r.logFormat>[0] & typeof spec);
      assert.ok(f.startPattern.startsWith('\\A'), f.id);
      assert.ok(!f.startPattern.includes('"'), f.id);
      for (const p of f.parsePatterns('a|b')) {
        const names = groupNames(p);
        assert.ok(names.includes('level') && names.includes('message'), `${f.id}: ${names}`);
        for (const n of names) assert.match(n, /^[A-Za-z0-9_]+$/);
        assert.ok(new OnigRegex(p));
      }
    }
  }
});

test('reads --log-format ISO8601 from extraArgs in either spelling', () => {
  const triton = RUNTIME_REGISTRY.find((r) => r.name === 'triton')!;
  const spec = (extraArgs?: string[]) => ({ runtime: 'triton', models: [], repository: {}, extraArgs }) as any;
  assert.equal(triton.logFormat(spec()).id, 'triton-default');
  assert.equal(triton.logFormat(spec(['--log-format=ISO8601'])).id, 'triton-iso8601');
  assert.equal(triton.logFormat(spec(['--log-format', 'ISO8601'])).id, 'triton-iso8601');
  assert.equal(triton.logFormat(spec(['--log-format', 'default'])).id, 'triton-default');
});

test('a model name is found only as a whole word', () => {
  const triton = RUNTIME_REGISTRY.find((r) => r.name === 'triton')!;
  const [p] = triton.logFormat({ runtime: 'triton', models: [], repository: {} } as any).parsePatterns('resnet');
  const re = new OnigRegex(p);
  assert.equal(re.match(`I0520 20:03:25.829575 3355 model_lifecycle.cc:441] "AsyncLoad() 'resnet'"`)!.model, 'resnet');
  assert.equal(re.match(`I0520 20:03:25.829575 3355 model_lifecycle.cc:441] "AsyncLoad() 'resnet-18'"`)!.model, undefined);
  assert.equal(re.match(`I0520 20:03:25.829575 3355 model_lifecycle.cc:441] "loading: resnet:1"`)!.model, 'resnet');
});

test('the start-pattern logic: lines before the first record pass alone, a new start line closes the record', () => {
  const start = '\\A[IWE]\\d{4} ';
  assert.deepEqual(concatFilter(['junk', 'I0101 a', 'x', 'y', 'E0101 b', 'z'], { start }), ['junk', 'I0101 a\nx\ny', 'E0101 b\nz']);
  assert.deepEqual(concatFilter(['a\r', 'b\r', 'c', 'd'], { end: '(?<!\\r)\\z' }), ['a\r\nb\r\nc', 'd']);
  const rules = [
    { state: 'start_state', regex: start, next: 'cont' },
    { state: 'cont', regex: '\\A(?![IWE]\\d{4} )', next: 'cont' },
  ];
  assert.deepEqual(fluentBitMultiline(['junk', 'I0101 a', 'x', 'y', 'E0101 b', 'z'], rules), ['junk', 'I0101 a\nx\ny', 'E0101 b\nz']);
});

test('Triton: the quotes of an escaped message are dropped as a pair only; an unescaped message keeps a quote at either end (Fluentd and Fluent Bit)', () => {
  // lines of kserve/modelmesh-serving issue #78 (the heading of a protobuf dump, and its end) and the escaped line of
  // triton-inference-server/server docs/protocol/extension_logging.md; the last two show a lone quote at either end
  const cases: [string, string][] = [
    [`I0520 20:03:25.829575 3355 model_lifecycle.cc:441] "AsyncLoad() 'simple'"`, "AsyncLoad() 'simple'"],
    ['I0523 23:56:44.564507 1 model_config_utils.cc:645] Server side auto-completed config: name: "python_backend_model__isvc-7d71deef48"', 'Server side auto-completed config: name: "python_backend_model__isvc-7d71deef48"'],
    ['I0523 23:56:44.564507 1 model_config_utils.cc:645] Server side auto-completed config: name: "m"\ninput {\n  dims: -1\n}\nbackend: "python"', 'Server side auto-completed config: name: "m"\ninput {\n  dims: -1\n}\nbackend: "python"'],
    ['I0523 23:56:44.564507 1 model_config_utils.cc:645] "quoted start, unquoted end', '"quoted start, unquoted end'],
    ['I0523 23:56:44.564507 1 model_config_utils.cc:645] ""', ''],
  ];
  const sample = SAMPLES.find((x) => x.runtime === 'triton' && !x.extraArgs)!;
  const objs = synth(sampleDoc(sample, { elasticsearch: { host: 'es.logging' } }));
  const fluentd = [new OnigRegex(unslash(find(objs, 'Flow', 'm-logs-parse').spec.filters[0].parser.parse.expression))];
  const fluentBit = parsersFromConf(find(synth(sampleDoc(sample, { collector: 'fluentBit' })), 'ConfigMap', 'm-fluent-bit').data['parsers.conf']).map((p) => new OnigRegex(p));
  for (const [line, message] of cases) {
    assert.equal(parseRecord(fluentd, line)?.message, message, `Fluentd: ${line}`);
    assert.equal(parseRecord(fluentBit, line)?.message, message, `Fluent Bit: ${line}`);
  }
  const iso = new OnigRegex(TRITON_LOG_ISO8601.parsePatterns('m')[0]);
  assert.equal(iso.match('2024-05-20T20:03:26Z I 3415 model_config_utils.cc:645] backend: "python"')!.message, 'backend: "python"');
  assert.equal(iso.match(`2024-05-20T20:03:26Z I 3415 model_lifecycle.cc:441] "AsyncLoad() 'm'"`)!.message, "AsyncLoad() 'm'");
});
