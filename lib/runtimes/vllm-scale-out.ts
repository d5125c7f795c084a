/**
 * vLLM across several pods and vLLM tracing. Facts (vllm-project/vllm, docs/SCALE_OUT.md):
 * - multi-node without Ray: the multiprocessing executor spans nodes with `--nnodes N --node-rank R
 *   --master-addr A [--master-port P]`; every node but the first adds `--headless` (no API server: it runs the
 *   MultiprocExecutor workers; vllm/entrypoints/cli/serve.py run_headless). `vllm/config/parallel.py`:
 *   master_port defaults to 29501; the torch.distributed rendezvous is tcp://master_addr:master_port
 *   (vllm/distributed/parallel_state.py); docs/serving/parallelism_scaling.md "Running vLLM with MultiProcessing".
 * - `--distributed-timeout-seconds` (PR #36047) bounds the rendezvous: PyTorch's default for NCCL is 600 s, shorter
 *   than a group's model download or image pull.
 * - VLLM_HOST_IP (vllm/envs.py): "If you are using multi-node inference, you should set this differently on each node".
 * - tracing: `--otlp-traces-endpoint` (vllm/tracing/otel.py): the exporter protocol comes from
 *   OTEL_EXPORTER_OTLP_TRACES_PROTOCOL (grpc by default; http/protobuf sends to the URL as given), the sampler
 *   from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (opentelemetry-python TracerProvider without a sampler).
 */
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { NVIDIA_MIG_CLASS } from '../spec/schema/platform';
import type { MultiNodeGroup, MultiNodeRole, RuntimeContext, TracingSettings, RuntimeEnvVar } from './types';

/** vLLM's default rendezvous port (vllm/config/parallel.py ParallelConfig.master_port). */
export const VLLM_MASTER_PORT = 29501;

/** Tensor and pipeline parallel sizes of one replica, as given or defaulted, and the GPUs the replica has. */
export function parallelSizes(spec: ModelServingSpec): { tp: number; pp: number; world: number; nodes: number; gpus: number } {
  const gpus = Math.max(1, spec.resources?.gpu?.count ?? 0);
  const nodes = spec.multiNode?.nodes ?? 1;
  const world = gpus * nodes;
  const e = spec.models[0]?.engine ?? {};
  const tp = e.tensorParallelSize ?? (e.pipelineParallelSize !== undefined ? Math.max(1, Math.floor(world / e.pipelineParallelSize)) : gpus);
  const pp = e.pipelineParallelSize ?? Math.max(1, Math.floor(world / tp));
  return { tp, pp, world, nodes, gpus };
}

/** Whether the GPUs are MIG devices (a MIG extended resource, or the NVIDIA DRA driver's MIG class). */
export function isMig(spec: ModelServingSpec): boolean {
  const g = spec.resources?.gpu;
  return (g?.resourceName ?? '').includes('mig-') || g?.claim?.deviceClassName === NVIDIA_MIG_CLASS;
}

/**
 * The parallelism rule when pipeline parallelism or several nodes are involved: TP x PP must be the GPUs of a
 * replica (one vLLM engine uses exactly TP x PP GPUs; the multiprocessing executor splits them evenly over nodes).
 */
export function parallelismIssues(spec: ModelServingSpec): SpecIssue[] {
  const e = spec.models[0]?.engine ?? {};
  if (!spec.multiNode && e.pipelineParallelSize === undefined) return [];
  if ((spec.resources?.gpu?.count ?? 0) === 0) return [];
  const { tp, pp, world, nodes, gpus } = parallelSizes(spec);
  const given = (v: number | undefined, d: number) => (v === undefined ? `${d} by default` : String(v));
  if (tp * pp === world) return [];
  const replica = spec.multiNode
    ? `spec.multiNode.nodes (${nodes}) x spec.resources.gpu.count (${gpus}) = ${world}`
    : `spec.resources.gpu.count (${gpus})`;
  return [{
    path: 'spec.models[0].engine',
    message: `tensorParallelSize (${given(e.tensorParallelSize, tp)}) x pipelineParallelSize (${given(e.pipelineParallelSize, pp)}) = ${tp * pp} ` +
      `must equal the GPUs of a replica, ${replica}: one vLLM engine uses exactly tensorParallelSize x pipelineParallelSize GPUs`,
  }];
}

const common = (ctx: RuntimeContext, g: MultiNodeGroup): string[] => [
  '--distributed-executor-backend', 'mp',
  '--nnodes', String(g.size),
  '--master-addr', g.leaderAddress,
  '--master-port', String(VLLM_MASTER_PORT),
  '--distributed-timeout-seconds', String(g.joinTimeoutSeconds),
  ...(ctx.spec.models[0].engine?.pipelineParallelSize === undefined ? ['--pipeline-parallel-size', String(parallelSizes(ctx.spec).pp)] : []),
];

/** This pod's address for the other pods of the group (the downward API's pod IP). */
const HOST_IP: RuntimeEnvVar = { name: 'VLLM_HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };

export const vllmMultiNode = {
  leader: (ctx: RuntimeContext, g: MultiNodeGroup): MultiNodeRole => ({ args: [...common(ctx, g), '--node-rank', '0'], env: [HOST_IP] }),
  worker: (ctx: RuntimeContext, g: MultiNodeGroup): MultiNodeRole => ({ args: [...common(ctx, g), '--node-rank', g.workerIndex, '--headless'], env: [HOST_IP] }),
};

/** vLLM tracing: OTLP over HTTP to the collector's traces URL, parent-based trace-id ratio sampling. */
export function vllmTracing(_ctx: RuntimeContext, t: TracingSettings): { args: string[]; env: RuntimeEnvVar[] } {
  return {
    args: ['--otlp-traces-endpoint', t.endpoint],
    env: [
      { name: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', value: 'http/protobuf' },
      { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
      { name: 'OTEL_TRACES_SAMPLER_ARG', value: String(t.samplingRatio) },
    ],
  };
}
