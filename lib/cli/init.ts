/**
 * `model-serving init --runtime triton|tfserving|torchserve|vllm`: writes a starter spec that validates,
 * with the way in through a Gateway API HTTPRoute (spec.gateway) and a NetworkPolicy that admits the
 * Gateway's proxies and Prometheus. Every value a user must change is commented.
 */
import { parseArgs } from 'node:util';
import { basename, dirname } from 'node:path';
import { RUNTIMES, type RuntimeName } from '../spec/schema/spec';
import { parseSpecs } from '../spec/load';
import { getRuntime } from '../runtimes/registry';
import { SCHEMA_ID } from '../spec/json-schema';
import { Io, UsageError, safe, namespaceOption } from './common';
import { prepareOutputDir, writeNewFile } from './output';

export const INIT_HELP = `Usage: model-serving init --runtime ${RUNTIMES.join('|')} [--name NAME] [--namespace NS] [-o FILE|-] [--force]

Writes a starter spec for the runtime that validates as it is: one model, two replicas on one GPU each,
exposed through a Gateway API HTTPRoute (spec.gateway), with a NetworkPolicy. Edit the commented values
(the model, where it is stored, the Gateway), then run model-serving validate and model-serving synth.

Options:
      --runtime R     ${RUNTIMES.join(', ')} (required)
      --name NAME     metadata.name (default: a name for the runtime's example model)
  -n, --namespace NS  metadata.namespace (default: default)
  -o, --output FILE   where to write (default: NAME.yaml in the current directory), or - for standard output
      --force         replace FILE when it exists (default: refuse)
  -h, --help          this help
`;

const DEFAULT_NAMES: Record<RuntimeName, string> = {
  triton: 'image-classifier', tfserving: 'tf-classifier', torchserve: 'torch-classifier', vllm: 'llm-chat',
};

/** What differs per runtime: the model, where it comes from, resources, and a note. */
const BODIES: Record<RuntimeName, string> = {
  triton: `  models:
    - name: resnet50                  # the model's directory in the repository: resnet50/<version>/model.onnx
      format: onnx                    # onnx | tensorrt | torchscript | savedmodel | python | ensemble
      maxBatchSize: 32
      dynamicBatching: { maxQueueDelayMicroseconds: 100 }
  repository:
    pvc: { claimName: model-store }   # an existing PersistentVolumeClaim holding the model repository
    # uri: s3://my-bucket/models      # or download from object storage (with credentialsSecret: <Secret>)
  replicas: 2
  resources:
    memory: { request: 8Gi, limit: 8Gi }
    gpu: { count: 1 }                 # add product: <nvidia.com/gpu.product node label> on a cluster with several GPU types
`,
  tfserving: `  models:
    - name: half_plus_two             # the SavedModel's directory in the repository: half_plus_two/<version>/saved_model.pb
      format: savedmodel
  repository:
    pvc: { claimName: model-store }   # an existing PersistentVolumeClaim holding the models
    # uri: s3://my-bucket/models      # or download from object storage (with credentialsSecret: <Secret>)
  replicas: 2
  resources:
    memory: { request: 8Gi, limit: 8Gi }
    gpu: { count: 1 }                 # remove for a CPU-only model (the CPU image is used then)
`,
  torchserve: `  # TorchServe is in limited maintenance upstream (no releases since 0.12.0): model-serving lint says more.
  models:
    - name: densenet161               # served from densenet161.mar in the repository
      format: mar
  repository:
    pvc: { claimName: model-store }   # an existing PersistentVolumeClaim holding the .mar files
  replicas: 2
  resources:
    memory: { request: 8Gi, limit: 8Gi }
    gpu: { count: 1 }
`,
  vllm: `  models:
    - name: qwen2-5-1-5b-instruct     # the served model name clients send
      format: huggingface
      engine: { maxModelLen: 8192 }
  repository:
    huggingface:
      modelId: Qwen/Qwen2.5-1.5B-Instruct   # any Hugging Face model id; pin revision: <commit> in production
      # tokenSecret: hf-token         # a Secret with key "token", for gated models
      # cacheClaimName: hf-cache      # a PersistentVolumeClaim, so restarts do not download again
  replicas: 2
  resources:
    memory: { request: 16Gi, limit: 16Gi }
    gpu: { count: 1 }                 # one engine per pod; more GPUs shard the model (tensor parallelism)
`,
};

/** The starter spec text for a runtime. */
export function starterSpec(runtime: RuntimeName, name = DEFAULT_NAMES[runtime], namespace = 'default'): string {
  // the schema's $id (an absolute URL): a relative path would resolve against the spec file's directory, which
  // holds no node_modules unless the spec sits at the project root
  return `# yaml-language-server: $schema=${SCHEMA_ID}
# A starter spec for ${getRuntime(runtime).displayName}, written by \`model-serving init --runtime ${runtime}\`.
#   model-serving validate ${name}.yaml && model-serving lint ${name}.yaml
#   model-serving synth ${name}.yaml -o manifests/     (or -o - | kubectl apply -f -)
# Every field: docs/SPEC.md of cdk8s-model-serving.
apiVersion: model-serving/v1alpha1
kind: ModelServing
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  runtime: ${runtime}                 # the image is pinned per runtime; set spec.image to choose another tag
${BODIES[runtime]}  # The way in: an HTTPRoute attached to your Gateway (Gateway API). The Gateway's listener must
  # allow routes from this namespace.
  gateway:
    parentRef: { name: inference-gateway, namespace: gateway-system }
  # The NetworkPolicy admits pods of this namespace and of the Gateway's (gateway-system) to the serving
  # ports, and pods of namespace monitoring to the metrics (networkPolicy.metricsFromNamespaces). If your
  # Gateway's proxies run in another namespace (Envoy Gateway: envoy-gateway-system), list it:
  # networkPolicy:
  #   allowFromNamespaces: [envoy-gateway-system]
`;
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function initCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      runtime: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.out(INIT_HELP), 0;
  if (positionals.length) throw new UsageError(`init takes no FILE (got ${positionals.join(' ')}); name the output with -o FILE`);
  const runtime = values.runtime as RuntimeName | undefined;
  if (!runtime) throw new UsageError(`init needs --runtime (${RUNTIMES.join(', ')})`);
  if (!RUNTIMES.includes(runtime)) throw new UsageError(`--runtime ${JSON.stringify(runtime)} is not a runtime (${RUNTIMES.join(', ')})`);
  const name = values.name ?? DEFAULT_NAMES[runtime];
  if (name.length > 52 || !DNS1035.test(name)) {
    throw new UsageError(`--name ${JSON.stringify(name)}: must be a DNS-1035 label of at most 52 characters (a-z first, then a-z, 0-9, -)`);
  }
  const text = starterSpec(runtime, name, namespaceOption(values.namespace) ?? 'default');
  parseSpecs(text, 'starter spec'); // it must validate as written (a failure here is a bug, reported as one)
  if (values.output === '-') return io.out(text), 0;
  const file = values.output ?? `${name}.yaml`;
  prepareOutputDir(dirname(file));
  writeNewFile(dirname(file), basename(file), text, values.force === true);
  io.out(`wrote ${safe(file)} (runtime ${runtime}); next: model-serving validate ${safe(file)}\n`);
  return 0;
}
