/** vLLM: image and arguments, engine settings, tensor-parallel rules, caches under a read-only root, metrics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { synth, synthFile, find, container, specErrors } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { vllm } from '../lib/runtimes/vllm';
import { promqlProblems } from '../lib/promql/promql';

function vllmDoc(spec: Record<string, unknown> = {}, model: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name: 'm', namespace: 'ml' },
    spec: {
      runtime: 'vllm',
      models: [{ name: 'llama', format: 'huggingface', ...model }],
      repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } },
      resources: { gpu: { count: 1 } },
      ...spec,
    },
  };
}

const serverOf = (doc: Record<string, unknown>) => container(find(synth(doc), 'Deployment'));
const envOf = (c: Record<string, any>) => Object.fromEntries(c.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? e]));

const objs = synthFile('templates/vllm-llama.yaml');
const deploy = find(objs, 'Deployment', 'llama-assistant');
const server = container(deploy);

test('every object of the vLLM template is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(objs);
});

test('pins vllm/vllm-openai v0.27.1 and passes arguments only (the image\'s entrypoint is vllm serve)', () => {
  assert.equal(vllm.defaultImage(true), 'vllm/vllm-openai:v0.27.1');
  assert.equal(server.command, undefined);
});

test('serves the Hugging Face model at its revision under the spec\'s model name, sharded over both GPUs', () => {
  assert.deepEqual(server.args, [
    'meta-llama/Llama-3.1-8B-Instruct',
    '--revision', 'main',
    '--served-model-name', 'llama-3-1-8b-instruct',
    '--host', '0.0.0.0',
    '--port', '8000',
    '--tensor-parallel-size', '2',
    '--max-model-len', '32768',
    '--dtype', 'bfloat16',
    '--gpu-memory-utilization', '0.92',
    '--max-num-seqs', '64',
  ]);
  assert.deepEqual(server.ports, [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
});

test('derives --tensor-parallel-size from the GPU count when the engine leaves it out', () => {
  const args: string[] = serverOf(vllmDoc({ resources: { gpu: { count: 4 } } })).args;
  assert.equal(args[args.indexOf('--tensor-parallel-size') + 1], '4');
});

test('passes --quantization and omits the engine flags the spec leaves out', () => {
  const args: string[] = serverOf(vllmDoc({}, { engine: { quantization: 'awq' } })).args;
  assert.deepEqual(args.slice(args.indexOf('--tensor-parallel-size')), ['--tensor-parallel-size', '1', '--quantization', 'awq']);
});

test('serves a model directory of a local repository, offline', () => {
  const c = serverOf(vllmDoc({ repository: { pvc: { claimName: 'llm-weights' } } }, { path: 'llama-3.1-8b' }));
  assert.deepEqual(c.args.slice(0, 3), ['/model-store/llama-3.1-8b', '--served-model-name', 'llama']);
  assert.equal(envOf(c).HF_HUB_OFFLINE, '1');
  assert.equal(envOf(c).HF_HOME, undefined);
});

test('passes the Hugging Face token from the Secret and keeps HF_HOME on the cache claim', () => {
  const env = envOf(server);
  assert.deepEqual(env.HF_TOKEN, { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  assert.equal(env.HF_HOME, '/var/cache/huggingface');
  const pod = deploy.spec.template.spec;
  assert.deepEqual(pod.volumes.find((v: { name: string }) => v.name === 'hf-cache'), { name: 'hf-cache', persistentVolumeClaim: { claimName: 'llama-hf-cache' } });
  assert.ok(server.volumeMounts.find((v: { name: string; mountPath: string }) => v.name === 'hf-cache' && v.mountPath === '/var/cache/huggingface'));
});

test('puts every cache under a writable HOME, since the root filesystem is read-only', () => {
  const env = envOf(server);
  assert.equal(env.HOME, '/home/vllm');
  assert.equal(env.USER, 'vllm');
  assert.equal(env.XDG_CACHE_HOME, '/home/vllm/.cache');
  assert.equal(env.XDG_CONFIG_HOME, '/home/vllm/.config');
  assert.equal(env.VLLM_CACHE_ROOT, '/home/vllm/.cache/vllm');
  assert.equal(env.TRITON_CACHE_DIR, '/home/vllm/.triton/cache');
  assert.equal(env.TORCHINDUCTOR_CACHE_DIR, '/home/vllm/.cache/torchinductor');
  assert.equal(env.VLLM_NO_USAGE_STATS, '1');
  assert.equal(env.DO_NOT_TRACK, '1');
  assert.equal(server.securityContext.readOnlyRootFilesystem, true);
  const mount = server.volumeMounts.find((v: { mountPath: string }) => v.mountPath === '/home/vllm');
  assert.ok(deploy.spec.template.spec.volumes.find((v: { name: string; emptyDir?: object }) => v.name === mount.name && v.emptyDir));
  assert.equal(deploy.spec.template.spec.securityContext.runAsUser, 1000);
});

test('sizes shared memory from the spec, and for tensor parallelism by default', () => {
  const shm = (d: Record<string, any>) => d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'dshm').emptyDir;
  assert.deepEqual(shm(deploy), { medium: 'Memory', sizeLimit: '8Gi' });
  assert.deepEqual(shm(find(synth(vllmDoc({ resources: { gpu: { count: 4 } } })), 'Deployment')), { medium: 'Memory', sizeLimit: '8Gi' });
});

test('probes /health and gives the engine 30 minutes to start', () => {
  assert.deepEqual(server.startupProbe.httpGet, { path: '/health', port: 'http' });
  assert.equal(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold, 1800);
  assert.deepEqual(server.readinessProbe.httpGet, { path: '/health', port: 'http' });
  assert.deepEqual(server.livenessProbe.httpGet, { path: '/health', port: 'http' });
});

test('refuses a tensorParallelSize other than the GPU count', () => {
  assert.equal(specErrors(vllmDoc({ resources: { gpu: { count: 4 } } }, { engine: { tensorParallelSize: 2 } })),
    'spec.yaml: spec.models[0].engine.tensorParallelSize: (2) must equal spec.resources.gpu.count (4): one vLLM engine shards the model over exactly tensorParallelSize GPUs, so the other GPUs of the pod would sit idle; run more replicas for more copies');
  assert.equal(specErrors(vllmDoc({ resources: { gpu: { count: 2 } } }, { engine: { tensorParallelSize: 4 } })),
    'spec.yaml: spec.models[0].engine.tensorParallelSize: (4) must equal spec.resources.gpu.count (2): one vLLM engine shards the model over exactly tensorParallelSize GPUs, more than the pod has');
});

test('refuses tensor parallelism over MIG slices', () => {
  assert.equal(specErrors(vllmDoc({ resources: { gpu: { count: 2, resourceName: 'nvidia.com/mig-3g.40gb' } } }, { engine: { tensorParallelSize: 2 } })),
    'spec.yaml: spec.models[0].engine.tensorParallelSize: tensor parallelism needs whole GPUs: a container sees at most one MIG device');
});

test('refuses the CUDA image without a GPU', () => {
  assert.equal(specErrors(vllmDoc({ resources: {} })),
    'spec.yaml: spec.resources.gpu: is required: vllm/vllm-openai:v0.27.1 is a CUDA build of vLLM (set spec.resources.gpu.count, or spec.image to a CPU build)');
});

test('refuses a second model: one vLLM server serves one model', () => {
  assert.equal(specErrors(vllmDoc({ models: [{ name: 'a', format: 'huggingface' }, { name: 'b', format: 'huggingface' }] })),
    'spec.yaml: spec.models: runtime vllm serves exactly 1 model per server (found 2)');
});

test('refuses a model path next to a Hugging Face source', () => {
  assert.equal(specErrors(vllmDoc({}, { path: 'llama' })),
    'spec.yaml: spec.models[0].path: applies to a local repository (pvc or uri); with repository.huggingface the model is repository.huggingface.modelId');
});

const sel = 'namespace="ml",job="m-metrics"';
const m = vllm.metrics;

test('uses vLLM\'s own metric names and never the removed vllm:gpu_cache_usage_perc', () => {
  assert.equal(m.requestRate(sel), 'sum by (model_name) (rate(vllm:request_success_total{namespace="ml",job="m-metrics",finished_reason!~"abort|error"}[5m]))');
  assert.deepEqual(m.latencySeconds(sel), {
    expr: 'histogram_quantile(0.95, sum by (model_name, le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="ml",job="m-metrics"}[5m])))',
    kind: 'p95',
  });
  assert.equal(m.pendingRequests!(sel), 'sum by (model_name) (vllm:num_requests_waiting{namespace="ml",job="m-metrics"})');
  assert.equal(m.pendingGauge, 'vllm:num_requests_waiting');
  assert.equal(m.inferenceCounter, 'vllm:request_success_total');
  assert.ok(m.names.includes('vllm:kv_cache_usage_perc'));
  const all = [m.names.join(' '), m.requestRate(sel), m.errorRate(sel), m.totalRate(sel), m.latencySeconds(sel).expr,
    m.queueTimeSeconds!(sel), m.pendingRequests!(sel), m.gpuUtilization(sel), m.gpuMemoryUsedRatio(sel)].join(' ');
  assert.equal(all.includes('gpu_cache_usage_perc'), false);
});

test('counts errors as 5xx answers of the OpenAI API, over 2xx + 5xx (vLLM has no failure counter)', () => {
  assert.equal(m.errorRate(sel), 'sum(rate(http_requests_total{namespace="ml",job="m-metrics",handler=~"/v1/.+",status="5xx"}[5m]))');
  // 4xx (client errors) are in neither part of the ratio
  assert.equal(m.totalRate(sel), 'sum(rate(http_requests_total{namespace="ml",job="m-metrics",handler=~"/v1/.+",status=~"2xx|5xx"}[5m])) > 0');
});

test('takes the mean queue time from the seconds histogram, and no queue counters in microseconds', () => {
  assert.equal(m.queueTimeSeconds!(sel), 'sum by (model_name) (rate(vllm:request_queue_time_seconds_sum{namespace="ml",job="m-metrics"}[5m])) / sum by (model_name) (rate(vllm:request_queue_time_seconds_count{namespace="ml",job="m-metrics"}[5m]))');
  assert.equal(m.queueTimeCounters, undefined);
});

test('alerts per token: time to first token and inter-token latency histograms, and KV-cache pressure from preemptions', () => {
  assert.equal(m.tokenLatency!.timeToFirstTokenSeconds(0.95, sel),
    'histogram_quantile(0.95, sum by (model_name, le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="ml",job="m-metrics"}[5m])))');
  assert.equal(m.tokenLatency!.interTokenLatencySeconds(0.95, sel),
    'histogram_quantile(0.95, sum by (model_name, le) (rate(vllm:inter_token_latency_seconds_bucket{namespace="ml",job="m-metrics"}[5m])))');
  // prometheus_client exports the Counter vllm:num_preemptions as vllm:num_preemptions_total
  assert.equal(m.cachePressure!.evictionRate(sel), 'sum by (pod) (rate(vllm:num_preemptions_total{namespace="ml",job="m-metrics"}[5m]))');
  assert.equal(m.cachePressure!.cacheUsage(sel), 'max by (pod) (vllm:kv_cache_usage_perc{namespace="ml",job="m-metrics"})');
  assert.equal(m.gpuMemoryOnMig, true);
});

test('every metrics expression parses as PromQL', () => {
  for (const e of [m.requestRate(sel), m.errorRate(sel), m.totalRate(sel), m.latencySeconds(sel).expr, m.latencyQuantileSeconds!(0.5, sel),
    m.queueTimeSeconds!(sel), m.pendingRequests!(sel), m.gpuUtilization(sel), m.gpuMemoryUsedRatio(sel),
    m.tokenLatency!.timeToFirstTokenSeconds(0.5, sel), m.tokenLatency!.interTokenLatencySeconds(0.99, sel),
    m.cachePressure!.evictionRate(sel), m.cachePressure!.waitingRequests(sel), m.cachePressure!.cacheUsage(sel)]) {
    assert.deepEqual(promqlProblems(e), [], e);
  }
});

/** Evaluates `expr` with promtool over series that hold one value for 5 minutes; returns promtool's result. */
function promtoolEval(expr: string, series: Record<string, number>, expected: { labels: string; value: number }[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dcgm-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'dcgm', rules: [{ record: 'result', expr }] }] }));
    writeFileSync(join(dir, 'test.yaml'), stringify({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: Object.entries(series).map(([s, v]) => ({ series: s, values: `${v}x5` })),
        promql_expr_test: [{ expr: 'result', eval_time: '2m', exp_samples: expected }],
      }],
    }));
    return spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const POD_A = 'm-7d9c5f-x2b4k';
const POD_B = 'm-7d9c5f-q8r2m';
const scrapes = {
  [`up{namespace="ml",job="m-metrics",pod="${POD_A}"}`]: 1,
  [`up{namespace="ml",job="m-metrics",pod="${POD_B}"}`]: 1,
};

test('matches DCGM series to this deployment\'s pods whether the exporter is scraped with honorLabels or not', () => {
  const r = promtoolEval(m.gpuUtilization(sel), {
    ...scrapes,
    // honorLabels: false (the dcgm-exporter chart default): the GPU's pod is in exported_pod
    [`DCGM_FI_DEV_GPU_UTIL{namespace="gpu-operator",pod="dcgm-exporter-7xk2p",exported_namespace="ml",exported_pod="${POD_A}",gpu="0",job="dcgm-exporter"}`]: 80,
    [`DCGM_FI_DEV_GPU_UTIL{namespace="gpu-operator",pod="dcgm-exporter-7xk2p",exported_namespace="ml",exported_pod="${POD_A}",gpu="1",job="dcgm-exporter"}`]: 60,
    // honorLabels: true: the exporter's own pod/namespace labels stay
    [`DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="${POD_B}",gpu="0",job="dcgm-exporter"}`]: 40,
    // another workload's GPU in the same namespace
    [`DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="other-5d8f7-abcde",gpu="1",job="dcgm-exporter"}`]: 10,
  }, [
    { labels: `result{pod="${POD_A}"}`, value: 0.7 },
    { labels: `result{pod="${POD_B}"}`, value: 0.4 },
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('watches the share of the preallocated KV cache, not the GPU frame buffer vLLM fills at start', () => {
  assert.equal(m.gpuMemoryUsedRatio(sel), `max by (pod) (vllm:kv_cache_usage_perc{${sel}})`);
  assert.equal(m.names.includes('DCGM_FI_DEV_FB_USED'), false);
});

test('passes the model positionally, never with the deprecated --model', () => {
  for (const doc of [vllmDoc(), vllmDoc({ repository: { pvc: { claimName: 'models' } } })]) {
    const args: string[] = serverOf(doc).args;
    assert.ok(!args.includes('--model'), args.join(' '));
    assert.ok(!args[0].startsWith('-'), args[0]);
  }
});

test('passes --quantization from vLLM\'s closed list, hyphenated values included', () => {
  const args: string[] = serverOf(vllmDoc({}, { engine: { quantization: 'compressed-tensors' } })).args;
  assert.deepEqual(args.slice(args.indexOf('--quantization'), args.indexOf('--quantization') + 2), ['--quantization', 'compressed-tensors']);
  assert.equal(specErrors(vllmDoc({}, { engine: { quantization: 'fp8_per_block' } })), undefined);
});

test('refuses a --quantization value the vLLM arg parser does not accept', () => {
  assert.equal(specErrors(vllmDoc({}, { engine: { quantization: 'squeezellm' } })),
    'spec.yaml: spec.models[0].engine.quantization: must be one of: awq, auto_awq, fp8, modelopt, modelopt_fp4, modelopt_mxfp8, modelopt_mixed, gguf, auto_gptq, gptq, gptq_marlin, awq_marlin, compressed-tensors, bitsandbytes, experts_int8, quark, moe_wna16, torchao, inc, mxfp4, gpt_oss_mxfp4, deepseek_v4_fp8, online, fp8_per_tensor, fp8_per_block, fp8_per_channel, int8_per_channel_weight_only, nvfp4_per_token, mxfp8 (got "squeezellm")');
});
