/** LLM observability (docs/LLM.md): recording rules and dashboard panels, server side per pool, picker side per adapter. */
import { HAS_PROMTOOL, SKIP, promtool } from './support/promtool';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { synth, find, tritonDoc } from './support/synth';
import { vllmPoolDoc } from './support/llm';
import { LLM_RECORDS } from '../lib/observability/llm';
import type { RuleGroup } from '../lib/observability/alerts';

const groups = (doc: Record<string, unknown>): RuleGroup[] => find(synth(doc), 'PrometheusRule').spec.groups;
const llmGroup = (doc: Record<string, unknown>) => groups(doc).find((g) => g.name.endsWith('.llm'));

const promtoolRun = (args: string[], files: Record<string, string>) => promtool(files, args);

test('records time to first token, inter-token latency, tokens/s, preemptions, queue and KV cache, and the pickers\' series', () => {
  const all = llmGroup(vllmPoolDoc())!;
  const g = { ...all, rules: all.rules.filter((r) => 'record' in r) };
  assert.deepEqual(g.rules.map((r) => 'record' in r && r.record), Object.values(LLM_RECORDS));
  // the picker alerts come after every recording rule
  assert.deepEqual(all.rules.slice(g.rules.length).map((r) => 'alert' in r && r.alert), ['ModelServingPickerRequestsDropped', 'ModelServingPickerNotScraped']);
  const by = Object.fromEntries(g.rules.map((r) => ['record' in r ? r.record : '', r]));
  assert.equal(by[LLM_RECORDS.ttftP95].expr, 'histogram_quantile(0.95, sum by (model_serving_track, le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="llm",job="chat-metrics"}[5m])))');
  assert.equal(by[LLM_RECORDS.preemptions].expr, 'sum by (model_serving_track) (rate(vllm:num_preemptions_total{namespace="llm",job="chat-metrics"}[5m]))');
  assert.equal(by[LLM_RECORDS.pickerRequests].expr, 'sum by (inference_pool, model_name) (label_replace(rate(llm_d_epp_request_total{namespace="llm",job="chat-epp"}[5m]), "inference_pool", "$1", "job", "(.+)-epp"))');
  for (const r of g.rules) assert.deepEqual(r.labels, { namespace: 'llm', job: 'chat-metrics' });
  // without a pool: the server's series only; a runtime without LLM support: no LLM group
  const plain = vllmPoolDoc();
  delete (plain.spec as any).inferencePool;
  assert.equal(llmGroup(plain)!.rules.length, 7);
  assert.equal(llmGroup(tritonDoc()), undefined);
});

test('promtool accepts the LLM rule groups', (t) => {
  if (!HAS_PROMTOOL) return t.skip(SKIP);
  const g = groups(vllmPoolDoc({ rollout: { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.11.1' } } }));
  const r = promtoolRun(['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify({ groups: g }) });
  assert.equal(r.status, 0, r.output);
});

test('the picker\'s records break requests and tokens down per pool and per adapter, and the server\'s per track', (t) => {
  if (!HAS_PROMTOOL) return t.skip(SKIP);
  const doc = vllmPoolDoc({ rollout: { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.11.1' } } });
  const g = llmGroup(doc)!;
  const sel = (job: string) => `namespace="llm",job="${job}",pod="${job}-1"`;
  const req = (job: string, model: string, perMin: number) => ({ series: `llm_d_epp_request_total{${sel(job)},model_name="${model}",target_model_name="${model}",fairness_id="a",priority="0"}`, values: `0+${perMin}x20` });
  const tokens = (job: string, model: string, perMin: number) => ({ series: `llm_d_epp_request_output_tokens_sum{${sel(job)},model_name="${model}",target_model_name="${model}",fairness_id="a",priority="0"}`, values: `0+${perMin}x20` });
  const preempt = (track: string, perMin: number) => ({ series: `vllm:num_preemptions_total{namespace="llm",job="chat-metrics",pod="p-${track}",model_name="llama",engine="0",model_serving_track="${track}"}`, values: `0+${perMin}x20` });
  const scope = 'namespace="llm",job="chat-metrics"';
  const r = promtoolRun(['test', 'rules', 'test.yaml'], {
    'rules.yaml': stringify({ groups: [g] }),
    'test.yaml': stringify({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [req('chat-epp', 'llama', 60), req('chat-epp', 'sql', 120), req('chat-canary-epp', 'sql', 30), tokens('chat-epp', 'sql', 600), preempt('stable', 6), preempt('canary', 0)],
        promql_expr_test: [
          {
            expr: LLM_RECORDS.pickerRequests, eval_time: '10m',
            exp_samples: [
              { labels: `${LLM_RECORDS.pickerRequests}{${scope},inference_pool="chat",model_name="llama"}`, value: 1 },
              { labels: `${LLM_RECORDS.pickerRequests}{${scope},inference_pool="chat",model_name="sql"}`, value: 2 },
              { labels: `${LLM_RECORDS.pickerRequests}{${scope},inference_pool="chat-canary",model_name="sql"}`, value: 0.5 },
            ],
          },
          { expr: LLM_RECORDS.pickerOutputTokens, eval_time: '10m', exp_samples: [{ labels: `${LLM_RECORDS.pickerOutputTokens}{${scope},inference_pool="chat",model_name="sql"}`, value: 10 }] },
          {
            expr: LLM_RECORDS.preemptions, eval_time: '10m',
            exp_samples: [
              { labels: `${LLM_RECORDS.preemptions}{${scope},model_serving_track="canary"}`, value: 0 },
              { labels: `${LLM_RECORDS.preemptions}{${scope},model_serving_track="stable"}`, value: 0.1 },
            ],
          },
        ],
      }],
    }),
  });
  assert.equal(r.status, 0, r.output);
});

test('the dashboard shows the LLM panels, and the picker panels only with a pool', () => {
  const titles = (doc: Record<string, unknown>) => JSON.parse(Object.values(find(synth(doc), 'ConfigMap', 'chat-dashboard').data)[0] as string).panels.map((p: any) => p.title);
  const withPool = titles(vllmPoolDoc());
  for (const t of ['Time to first token', 'Inter-token latency', 'Tokens per second', 'KV-cache preemptions', 'Queue and KV cache per track', 'Endpoint picker: requests per pool and adapter']) assert.ok(withPool.includes(t), t);
  const plain = vllmPoolDoc();
  delete (plain.spec as any).inferencePool;
  assert.ok(!titles(plain).some((t: string) => t.startsWith('Endpoint picker')));
});
