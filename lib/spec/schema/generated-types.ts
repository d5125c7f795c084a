// Generated from lib/spec/schema by `npm run generate` (lib/spec/typegen.ts); do not edit.
// test/spec-types.test.ts fails when this file is stale.
/* eslint-disable */

/**
 * The `spec` of a ModelServing document: the model, its runtime and how it is served.
 */
export type ModelServingSpec = {
  /**
   * Serving runtime.
   */
  runtime: 'triton' | 'tfserving' | 'torchserve' | 'vllm';
  /**
   * Server image, pinned by tag or digest.
   * @default - a pinned image per runtime; ':latest' or no tag is rejected
   */
  image?: string;
  /**
   * online: Deployment; batch: Job/CronJob; edge: DaemonSet.
   * @default - online
   */
  mode?: 'online' | 'batch' | 'edge';
  /**
   * Models to serve (vllm: exactly one).
   */
  models: {
    /**
     * Model name as the runtime serves it (and its directory in the repository).
     */
    name: string;
    /**
     * triton: onnx | tensorrt | torchscript | savedmodel | python | ensemble; tfserving: savedmodel;
     * torchserve: mar; vllm: huggingface.
     */
    format: 'onnx' | 'tensorrt' | 'torchscript' | 'savedmodel' | 'python' | 'ensemble' | 'mar' | 'huggingface';
    /**
     * Directory of this model inside the repository.
     * @default - the model name
     */
    path?: string;
    /**
     * triton/tfserving: serve exactly these versions.
     * @default - the latest version only
     */
    versions?: number[];
    /**
     * Largest batch the server forms (Triton max_batch_size, TF Serving max_batch_size).
     * @default - 0 for Triton (no batching); TF Serving batching off
     */
    maxBatchSize?: number;
    /**
     * Input tensors.
     * @default - Triton auto-completes them from the model file
     */
    inputs?: {
      /**
       * Tensor name, as the model names it.
       */
      name: string;
      /**
       * Element type (Triton TYPE_<dataType>).
       */
      dataType: 'FP32' | 'FP16' | 'BF16' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'UINT8' | 'BOOL' | 'STRING';
      /**
       * Shape without the batch dimension when maxBatchSize > 0; -1 is a variable dimension.
       */
      dims: number[];
    }[];
    /**
     * Output tensors.
     * @default - Triton auto-completes them from the model file
     */
    outputs?: {
      /**
       * Tensor name, as the model names it.
       */
      name: string;
      /**
       * Element type (Triton TYPE_<dataType>).
       */
      dataType: 'FP32' | 'FP16' | 'BF16' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'UINT8' | 'BOOL' | 'STRING';
      /**
       * Shape without the batch dimension when maxBatchSize > 0; -1 is a variable dimension.
       */
      dims: number[];
    }[];
    /**
     * Server-side dynamic batching.
     * @default - off
     */
    dynamicBatching?: {
      /**
       * How long a request may wait for a batch to fill.
       * @default - 0 (Triton) / 1000 (TF Serving batch_timeout_micros)
       */
      maxQueueDelayMicroseconds?: number;
      /**
       * Triton preferred_batch_size.
       */
      preferredBatchSizes?: number[];
      /**
       * TF Serving num_batch_threads.
       * @default - 4
       */
      numBatchThreads?: number;
      /**
       * TF Serving max_enqueued_batches.
       * @default - 100
       */
      maxEnqueuedBatches?: number;
    };
    /**
     * Triton instance_group.
     */
    instanceGroup?: {
      /**
       * Model instances per device.
       */
      count: number;
      /**
       * @default - GPU when the pod has a GPU, else CPU
       */
      kind?: 'GPU' | 'CPU';
    };
    optimization?: {
      /**
       * Triton onnx/savedmodel: run through the TensorRT accelerator.
       */
      tensorrt?: {
        /**
         * TensorRT precision_mode.
         */
        precision: 'FP32' | 'FP16' | 'BF16' | 'INT8';
        /**
         * TensorRT max_workspace_size_bytes.
         */
        maxWorkspaceSizeBytes?: number;
      };
    };
    /**
     * Compile the model before serving it. runtime triton, format tensorrt.
     */
    build?: {
      /**
       * Build a TensorRT plan (model.plan) from the ONNX file of each listed version with trtexec, in a Job
       * on the GPU product the pods run on; the pods wait for it.
       */
      tensorrt: {
        /**
         * The ONNX file inside each version directory of the model.
         * @default - model.onnx
         */
        onnx?: string;
        /**
         * TensorRT 10 and older (Triton 26.05 and older): FP16 adds --fp16, INT8 adds --int8 with
         * calibrationCache. TensorRT 11 (Triton 26.06 and later) builds strongly typed networks whose
         * precision comes from the ONNX file, so only FP32 (no flag) is accepted there.
         * @default - FP32: no precision flag
         */
        precision?: 'FP32' | 'FP16' | 'INT8';
        /**
         * INT8 calibration cache inside each version directory (trtexec --calib). Required with precision
         * INT8.
         */
        calibrationCache?: string;
        /**
         * trtexec --minShapes: input tensor name -> full shape, the batch dimension first when maxBatchSize >
         * 0, e.g. { images: [1, 3, 640, 640] }.
         */
        minShapes?: { [key: string]: number[] };
        /**
         * trtexec --optShapes: input tensor name -> full shape, the batch dimension first when maxBatchSize >
         * 0, e.g. { images: [1, 3, 640, 640] }.
         */
        optShapes?: { [key: string]: number[] };
        /**
         * trtexec --maxShapes: input tensor name -> full shape, the batch dimension first when maxBatchSize >
         * 0, e.g. { images: [1, 3, 640, 640] }.
         */
        maxShapes?: { [key: string]: number[] };
        /**
         * Image with trtexec.
         * @default - nvcr.io/nvidia/tensorrt:<YY.MM>-py3 of the release of the serving image
         * (nvcr.io/nvidia/tritonserver:<YY.MM>-py3): an engine only loads in the TensorRT version that built
         * it
         */
        image?: string;
        /**
         * Job activeDeadlineSeconds of one build. Serving pods wait for their plans up to the longest
         * timeoutSeconds of their builds plus 300 seconds, then fail.
         * @default - 3600
         */
        timeoutSeconds?: number;
      };
    };
    /**
     * format: ensemble only: the pipeline of models.
     */
    ensemble?: {
      /**
       * Triton ensemble_scheduling steps, in order.
       */
      steps: {
        /**
         * Name of another model in spec.models.
         */
        model: string;
        /**
         * Version of that model.
         * @default - -1, the latest version
         */
        version?: number;
        /**
         * Step model's input tensor -> ensemble tensor (Triton input_map).
         */
        inputMap: { [key: string]: string };
        /**
         * Step model's output tensor -> ensemble tensor (Triton output_map).
         */
        outputMap: { [key: string]: string };
      }[];
    };
    /**
     * torchserve: server-side batch size (batchSize).
     * @default - 1
     */
    batchSize?: number;
    /**
     * torchserve: longest wait to fill a batch (maxBatchDelay).
     * @default - 100
     */
    maxBatchDelayMs?: number;
    /**
     * torchserve: workers for this model (minWorkers = maxWorkers).
     * @default - one per GPU, else 1
     */
    workers?: number;
    /**
     * torchserve: the model version inside the .mar (torch-model-archiver --version); the per-model settings
     * in config.properties are keyed by it.
     * @default - 1.0
     */
    marVersion?: string;
    /**
     * vllm engine arguments.
     */
    engine?: {
      /**
       * vllm --max-model-len.
       * @default - derived by vLLM from the model config
       */
      maxModelLen?: number;
      /**
       * vllm --dtype.
       * @default - auto
       */
      dtype?: 'auto' | 'half' | 'float16' | 'bfloat16' | 'float' | 'float32';
      /**
       * vllm --gpu-memory-utilization.
       * @default - 0.9 (vLLM default)
       */
      gpuMemoryUtilization?: number;
      /**
       * vllm --tensor-parallel-size.
       * @default - the GPU count of a pod
       */
      tensorParallelSize?: number;
      /**
       * vllm --pipeline-parallel-size; tensorParallelSize x pipelineParallelSize must equal the GPUs of a
       * replica (spec.resources.gpu.count x spec.multiNode.nodes).
       * @default - spec.multiNode.nodes (1 without multiNode), or the GPUs of a replica / tensorParallelSize
       * when that is set
       */
      pipelineParallelSize?: number;
      /**
       * vllm --max-num-seqs.
       * @default - vLLM default
       */
      maxNumSeqs?: number;
      /**
       * vllm --quantization: one of the methods vLLM's arg parser accepts, e.g. awq, gptq, fp8,
       * compressed-tensors.
       * @default - none: vLLM reads the method from the model's config
       */
      quantization?: 'awq' | 'auto_awq' | 'fp8' | 'modelopt' | 'modelopt_fp4' | 'modelopt_mxfp8' | 'modelopt_mixed' | 'gguf' | 'auto_gptq' | 'gptq' | 'gptq_marlin' | 'awq_marlin' | 'compressed-tensors' | 'bitsandbytes' | 'experts_int8' | 'quark' | 'moe_wna16' | 'torchao' | 'inc' | 'mxfp4' | 'gpt_oss_mxfp4' | 'deepseek_v4_fp8' | 'online' | 'fp8_per_tensor' | 'fp8_per_block' | 'fp8_per_channel' | 'int8_per_channel_weight_only' | 'nvfp4_per_token' | 'mxfp8';
      /**
       * vllm --max-loras: adapters in one batch (each takes GPU memory). Needs adapters.
       * @default - 1 (vLLM default)
       */
      maxLoras?: number;
      /**
       * vllm --max-lora-rank: the largest rank of the adapters (a larger rank reserves more GPU memory).
       * Needs adapters.
       * @default - 16 (vLLM default)
       */
      maxLoraRank?: 1 | 8 | 16 | 32 | 64 | 128 | 256 | 320 | 512;
    };
    /**
     * vllm: LoRA adapters served next to the base model (vLLM --enable-lora --lora-modules); each is
     * downloaded into the pod before the server starts and is routable by its name.
     * @default - none
     */
    adapters?: {
      /**
       * The name clients put in the OpenAI `model` field to use this adapter (vLLM --lora-modules name).
       */
      name: string;
      /**
       * Download the adapter from the Hugging Face Hub (with repository.huggingface.tokenSecret when the base
       * model has one).
       */
      huggingface?: {
        /**
         * Hugging Face repository of the adapter, e.g. org/sql-lora.
         */
        modelId: string;
        /**
         * Branch, tag or commit of the adapter repository.
         * @default - main
         */
        revision?: string;
      };
      /**
       * s3://, gs:// or https:// URI of the adapter directory (adapter_config.json and weights), downloaded
       * like repository.uri. Never put credentials in it.
       */
      uri?: string;
      /**
       * Secret with the object-store credentials of uri, passed to its download container as environment
       * variables.
       * @default - repository.credentialsSecret
       */
      credentialsSecret?: string;
      /**
       * Expected size of the adapter's files, e.g. 200Mi. The adapters of a model share one emptyDir whose
       * sizeLimit is the sum of their sizes plus a fifth, and the server requests that much
       * ephemeral-storage; a download past it gets the pod evicted.
       * @default - 1Gi per adapter
       */
      size?: string | number;
    }[];
  }[];
  /**
   * Where the models come from: exactly one of pvc, image, uri, huggingface.
   */
  repository: {
    /**
     * Model repository on a PersistentVolumeClaim: claimName, or create.
     */
    pvc?: {
      /**
       * An existing PersistentVolumeClaim holding the model repository.
       */
      claimName?: string;
      /**
       * Directory inside the volume that is the repository root.
       * @default - the volume root
       */
      subPath?: string;
      /**
       * false lets the TensorRT build Job (spec.models[].build) write plans into the claim; serving pods
       * always mount it read-only.
       * @default - true: the claim is mounted read-only everywhere
       */
      readOnly?: boolean;
      /**
       * Create a PersistentVolumeClaim named <name>-models instead of using claimName.
       */
      create?: {
        /**
         * Requested capacity, e.g. 100Gi.
         */
        size: string | number;
        /**
         * @default - the cluster default StorageClass
         */
        storageClassName?: string;
        /**
         * @default - ReadOnlyMany
         */
        accessMode?: 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
      };
    };
    /**
     * The model repository as an OCI image volume (Kubernetes image volumes; containerd 2.1+ or CRI-O 1.31+
     * on the nodes).
     */
    image?: {
      /**
       * OCI image or artifact holding the model repository, pinned by tag or digest. The kubelet pulls it and
       * mounts it read-only at the model store (no download step).
       */
      reference: string;
      /**
       * image volume pullPolicy.
       * @default - IfNotPresent: a second pod on a node reuses the node's copy
       */
      pullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
      /**
       * Directory inside the image that is the repository root.
       * @default - the image root
       */
      subPath?: string;
    };
    /**
     * s3://, gs:// or https:// URI of the repository; an init container downloads it before the server
     * starts. Never put credentials in it.
     */
    uri?: string;
    /**
     * Secret with the object-store credentials (uri only), passed to the download container as environment
     * variables.
     */
    credentialsSecret?: string;
    /**
     * vllm: download the model from the Hugging Face Hub.
     */
    huggingface?: {
      /**
       * Hugging Face model id, e.g. meta-llama/Llama-3.1-8B-Instruct.
       */
      modelId: string;
      /**
       * Branch, tag or commit.
       * @default - main
       */
      revision?: string;
      /**
       * Secret whose key `token` is the Hugging Face token, passed as HF_TOKEN.
       */
      tokenSecret?: string;
      /**
       * PersistentVolumeClaim for HF_HOME so restarts do not re-download.
       * @default - an emptyDir (downloads again on every restart)
       */
      cacheClaimName?: string;
    };
    /**
     * Expected total size of the model files the pods serve, e.g. 16Gi. A download (uri, or the Hugging Face
     * cache without cacheClaimName) goes to a volume with this size plus a fifth as its sizeLimit, and the
     * server requests that much ephemeral-storage; the startupProbe allows 10 s more per GiB to load it (40 s
     * per GiB when the server downloads from the Hub); the TensorRT engine cache of ONNX models (triton) gets
     * the same size plus a fifth, at least 10Gi.
     * @default - downloads assume 20Gi; the startup budget is the runtime's default
     */
    modelSize?: string | number;
  };
  /**
   * Pod count when no autoscaling is set.
   * @default - 1
   */
  replicas?: number;
  /**
   * Container resources; every container gets requests and limits.
   */
  resources?: {
    /**
     * CPU request and limit; the request must not exceed the limit.
     */
    cpu?: {
      /**
       * CPU request.
       * @default - 2 per GPU (one set without GPUs), lowered to an explicit limit
       */
      request?: string | number;
      /**
       * CPU limit.
       * @default - 4 per GPU (one set without GPUs), raised to an explicit request
       */
      limit?: string | number;
    };
    /**
     * Memory request and limit; the request must not exceed the limit.
     */
    memory?: {
      /**
       * Memory request.
       * @default - the memory limit
       */
      request?: string | number;
      /**
       * Memory limit.
       * @default - 8Gi per GPU (vllm: 10Gi per GPU; one set without GPUs), raised to an explicit request and
       * to twice an explicit sharedMemorySize
       */
      limit?: string | number;
    };
    /**
     * GPUs.
     * @default - no GPU (CPU only)
     */
    gpu?: {
      /**
       * GPUs per pod (a whole number).
       */
      count: number;
      /**
       * Extended resource name, e.g. a MIG profile nvidia.com/mig-1g.5gb.
       * @default - nvidia.com/gpu
       */
      resourceName?: string;
      /**
       * Required node label nvidia.com/gpu.product (GPU Feature Discovery), e.g. NVIDIA-L4; it must be a GPU
       * the CUDA build of the image supports (docs/RUNTIMES.md).
       * @default - any GPU
       */
      product?: string;
      /**
       * Claim the GPUs through Dynamic Resource Allocation (resource.k8s.io/v1) instead of the device
       * plugin's extended resource: count devices of the class.
       * @default - the device plugin (resourceName limit)
       */
      claim?: {
        /**
         * DeviceClass of the requested devices: gpu.nvidia.com (whole GPUs) or mig.nvidia.com (MIG devices)
         * of the NVIDIA DRA driver, or a class your cluster defines.
         * @default - gpu.nvidia.com
         */
        deviceClassName?: string;
        /**
         * CEL expressions over `device` that every allocated device must satisfy (ResourceClaim
         * exactly.selectors[].cel), e.g. device.attributes['gpu.nvidia.com'].productName == 'NVIDIA L4'.
         * Parsed when the spec is validated.
         * @default - any device of the class
         */
        selectors?: string[];
        /**
         * Share the claimed devices between every replica of a track: one ResourceClaim referenced by all of
         * its pods (they all run on the node holding the devices) with the NVIDIA DRA driver's sharing
         * config.
         * @default - no sharing: every pod gets its own devices from a ResourceClaimTemplate
         */
        sharing?: {
          /**
           * How the pods share the devices (the NVIDIA DRA driver's GpuConfig / MigDeviceConfig
           * sharing.strategy). Needs the driver's feature gate TimeSlicingSettings or MPSSupport.
           */
          strategy: 'TimeSlicing' | 'MPS';
          /**
           * TimeSlicing on whole GPUs: timeSlicingConfig.interval.
           * @default - Default
           */
          interval?: 'Default' | 'Short' | 'Medium' | 'Long';
          /**
           * MPS: mpsConfig.defaultActiveThreadPercentage, the share of the GPU's SMs each client may use.
           * @default - the MPS default (100)
           */
          activeThreadPercentage?: number;
          /**
           * MPS: mpsConfig.defaultPinnedDeviceMemoryLimit, GPU memory each client may pin, e.g. 10Gi.
           * @default - no limit
           */
          pinnedMemoryLimit?: string | number;
        };
      };
    };
  };
  /**
   * Node labels the pods require.
   */
  nodeSelector?: { [key: string]: string };
  /**
   * @default - with a GPU: tolerate nvidia.com/gpu:NoSchedule
   */
  tolerations?: {
    key?: string;
    operator?: 'Exists' | 'Equal';
    value?: string;
    effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
    /**
     * Seconds a pod stays bound to a node after a matching NoExecute taint appears (effect NoExecute only; at
     * most int32, as larger values overflow the taint manager's timer).
     * @default - forever
     */
    tolerationSeconds?: number;
  }[];
  /**
   * Extra environment variables for the server container. An entry named like a generated variable replaces
   * it (e.g. TF_FORCE_GPU_ALLOW_GROWTH on TF Serving GPU pods) and keeps its place in this list, after the
   * runtime's and the repository's variables; one the library fills from a Secret (TRITON_ADMIN_KEY,
   * HF_TOKEN, VLLM_API_KEY) is refused, and so is a name listed twice.
   */
  env?: {
    /**
     * Variable name.
     */
    name: string;
    value?: string;
    secretKeyRef?: {
      /**
       * Secret name.
       */
      name: string;
      key: string;
    };
    configMapKeyRef?: {
      /**
       * Secret name.
       */
      name: string;
      key: string;
    };
  }[];
  /**
   * Extra server arguments, appended after the generated ones.
   * @default - none
   */
  extraArgs?: string[];
  /**
   * How long the startupProbe lets the server download and load its models before the kubelet restarts it.
   * @default - 600 (vllm: 1800), plus 10 s per GiB of repository.modelSize (40 s per GiB from the Hugging
   * Face Hub)
   */
  startupTimeoutSeconds?: number;
  /**
   * Size of the memory-backed /dev/shm emptyDir (counts against the memory limit, so it must be below it).
   * @default - 1Gi per GPU (vllm: 2Gi per GPU; one set without GPUs), lowered to half of an explicit memory
   * limit
   */
  sharedMemorySize?: string | number;
  /**
   * Use this existing ServiceAccount.
   * @default - a ServiceAccount <name> is created
   */
  serviceAccountName?: string;
  /**
   * runtime torchserve only.
   */
  torchserve?: {
    /**
     * TorchServe token authorization (on by default upstream since 0.11.1). Only false is supported: the
     * kubelet probes and clients cannot hold the per-pod, expiring keys TorchServe generates
     * (docs/RUNTIMES.md).
     * @default - false: disable_token_authorization=true is written to config.properties
     */
    tokenAuthorization?: boolean;
  };
  /**
   * runtime triton only.
   */
  triton?: {
    /**
     * Restrict Triton's administrative APIs (model-repository load/unload, model-config, shared-memory,
     * statistics, trace, logging) on HTTP and gRPC to requests that carry the header admin-key (gRPC:
     * triton-grpc-protocol-admin-key) with this Secret's value (Triton --http-restricted-api /
     * --grpc-restricted-protocol). Health, metadata and inference stay open.
     * @default - not restricted: the routes publish only the inference paths, and the NetworkPolicy limits
     * who reaches the rest
     */
    adminKeySecret?: {
      /**
       * Secret name.
       */
      name: string;
      /**
       * Key of the Secret holding the header value.
       */
      key: string;
    };
  };
  /**
   * RuntimeClass of the pods (nvidia where the NVIDIA container runtime is not the default).
   * @default - the cluster default runtime
   */
  runtimeClassName?: string;
  /**
   * PriorityClass of the pods.
   * @default - the cluster default priority
   */
  priorityClassName?: string;
  /**
   * Secrets with registry credentials for the images (e.g. nvcr.io).
   * @default - none (the ServiceAccount's, if any)
   */
  imagePullSecrets?: string[];
  /**
   * Annotations of the pods only (not the other objects), e.g. karpenter.sh/do-not-disrupt: "true". Keys
   * under model-serving/ are reserved.
   * @default - none
   */
  podAnnotations?: { [key: string]: string };
  /**
   * Labels of the pods only, e.g. cost-center: ml. Keys under app.kubernetes.io/ and model-serving/ are
   * reserved: selectors depend on them.
   * @default - none
   */
  podLabels?: { [key: string]: string };
  /**
   * Node affinity beyond the GPU product label.
   * @default - only the resources.gpu.product requirement, when set
   */
  nodeAffinity?: {
    /**
     * Requirements every node must meet (all of them, together with resources.gpu.product):
     * requiredDuringSchedulingIgnoredDuringExecution. A requirement on nvidia.com/gpu.product with In lists
     * the GPU products the pods may run on (each is checked against the image).
     */
    required?: {
      /**
       * Node label key (a qualified name), e.g. topology.kubernetes.io/zone.
       */
      key: string;
      /**
       * In and NotIn take values; Exists and DoesNotExist none; Gt and Lt exactly one integer.
       */
      operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
      /**
       * Label values the operator compares with.
       */
      values?: string[];
    }[];
    /**
     * Preferences the scheduler weighs (preferredDuringSchedulingIgnoredDuringExecution, one term each).
     */
    preferred?: {
      /**
       * Preference weight, 1-100.
       */
      weight: number;
      /**
       * Node label key (a qualified name), e.g. topology.kubernetes.io/zone.
       */
      key: string;
      /**
       * In and NotIn take values; Exists and DoesNotExist none; Gt and Lt exactly one integer.
       */
      operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
      /**
       * Label values the operator compares with.
       */
      values?: string[];
    }[];
  };
  /**
   * runtime vllm only.
   */
  vllm?: {
    /**
     * Require this API key (Authorization: Bearer <key>) on vLLM's OpenAI API: the Secret's value reaches the
     * server as VLLM_API_KEY. /health (the probes) and /metrics (the scrape) stay open (docs/RUNTIMES.md).
     * @default - no API key: the routes and the NetworkPolicy limit who reaches the server
     */
    apiKeySecret?: {
      /**
       * Secret name.
       */
      name: string;
      /**
       * Key of the Secret holding the API key.
       */
      key: string;
    };
  };
  /**
   * Expose the inference APIs through an Ingress, for controllers other than a Gateway API implementation
   * (and a canary through a second, ingress-nginx canary Ingress). Needs
   * spec.networkPolicy.allowFromNamespaces (the controller's namespace).
   */
  ingress?: {
    /**
     * Host name the Ingress answers.
     */
    host: string;
    /**
     * Path prefix of this spec on the host: the inference API paths are published under it and reach the
     * server with the prefix stripped (ingress-nginx rewrite-target, class nginx only).
     * @default - the runtime's inference API paths at their own URLs (Triton /v2/models/<model>/infer, ...;
     * docs/TRAFFIC.md), so several specs can share a host; / means the same
     */
    path?: string;
    /**
     * ingressClassName. ingress-nginx annotations (maxBodySize, timeoutSeconds, rateLimitRps, a path prefix,
     * canary weights, streaming defaults) are written only for class nginx; ingress-nginx is retired (prefer
     * spec.gateway).
     * @default - not set: the cluster's default IngressClass takes the Ingress, and no ingress-nginx
     * annotation is written
     */
    className?: string;
    /**
     * ingress-nginx proxy-body-size, e.g. 50m (larger requests get 413).
     * @default - not set (ingress-nginx default 1m)
     */
    maxBodySize?: string;
    /**
     * ingress-nginx proxy-read-timeout and proxy-send-timeout, in seconds.
     * @default - the runtime's route timeout where it has one (vllm: 3600, with proxy-buffering off), else
     * not set (ingress-nginx default 60)
     */
    timeoutSeconds?: number;
    /**
     * ingress-nginx limit-rps: requests per second per client IP and controller replica (burst 5x; excess
     * gets 503).
     * @default - no limit
     */
    rateLimitRps?: number;
    /**
     * Terminate TLS for the host at the Ingress.
     * @default - no TLS section
     */
    tls?: {
      /**
       * TLS Secret (kubernetes.io/tls) for the host.
       */
      secretName: string;
    };
    /**
     * Extra Ingress annotations, copied verbatim (also onto the canary Ingress). They must not set what the
     * fields above generate, nor the ingress-nginx rewrite and canary annotations; the same holds for
     * metadata.annotations, which reach the Ingress too.
     * @default - none
     */
    annotations?: { [key: string]: string };
  };
  /**
   * Expose the inference APIs through a Gateway API (gateway.networking.k8s.io/v1) HTTPRoute, the default way
   * in; canary weights become backendRef weights.
   */
  gateway?: {
    /**
     * The Gateway the HTTPRoute attaches to.
     */
    parentRef: {
      /**
       * Gateway name.
       */
      name: string;
      /**
       * Gateway namespace (its listener must allow routes from this namespace); the NetworkPolicy admits it.
       * @default - the spec namespace
       */
      namespace?: string;
      /**
       * Listener name.
       * @default - every listener of the Gateway
       */
      sectionName?: string;
    };
    /**
     * HTTPRoute hostnames.
     * @default - [ingress.host] when spec.ingress is set, else the Gateway listener hostnames
     */
    hostnames?: string[];
    /**
     * Path prefix of this spec: the inference API paths are published under it (one rule each, at most 16)
     * and the prefix is stripped with a URLRewrite filter.
     * @default - ingress.path when set, else the runtime's inference API paths at their own URLs (Triton
     * /v2/models/<model>/infer, ...; docs/TRAFFIC.md), so several specs can share a host; / means the same
     */
    path?: string;
    /**
     * HTTPRoute rules[].timeouts.request, in seconds: the whole request, a streamed response included.
     * @default - the runtime's route timeout where it has one (vllm: 3600), else not set (the
     * implementation's default)
     */
    timeoutSeconds?: number;
  };
  /**
   * NetworkPolicy on ingress: only the spec's namespace, the Gateway's and the listed ones reach the serving
   * ports, the monitoring namespaces the metrics port; egress stays open (downloads, DNS).
   * @default - enabled
   */
  networkPolicy?: {
    /**
     * Emit the NetworkPolicy.
     * @default - true (mode batch: a policy that admits no other pod)
     */
    enabled?: boolean;
    /**
     * More namespaces (by their kubernetes.io/metadata.name label) allowed to reach the serving ports,
     * besides the spec's own and the Gateway's; required with spec.ingress (the controller's namespace).
     * @default - none: only the spec's namespace and the namespace of spec.gateway.parentRef
     */
    allowFromNamespaces?: string[];
    /**
     * Namespaces allowed to scrape the metrics port.
     * @default - [monitoring]
     */
    metricsFromNamespaces?: string[];
  };
  /**
   * PodDisruptionBudget, one per track.
   * @default - minAvailable 1 when the track runs more than one replica, else none
   */
  disruption?: {
    /**
     * PodDisruptionBudget minAvailable; a number must be below the replica count
     * (spec.autoscaling.minReplicas under autoscaling); a canary with fewer replicas gets no budget.
     * @default - 1 when more than one replica
     */
    minAvailable?: number | string;
    /**
     * PodDisruptionBudget maxUnavailable (instead of minAvailable); must not be 0.
     * @default - not set
     */
    maxUnavailable?: number | string;
  };
  /**
   * Deployment rolling update.
   */
  rollingUpdate?: {
    /**
     * @default - 0: a rollout needs no extra GPU
     */
    maxSurge?: number | string;
    /**
     * @default - 1 (with one replica a rollout has downtime: docs/TRAFFIC.md)
     */
    maxUnavailable?: number | string;
  };
  /**
   * Spread replicas across nodes.
   * @default - across nodes, ScheduleAnyway
   */
  topologySpread?: {
    /**
     * Also spread across zones (topology.kubernetes.io/zone).
     * @default - false
     */
    zones?: boolean;
    /**
     * @default - 1
     */
    maxSkew?: number;
  };
  /**
   * @default - 60 (a 15 s preStop pause, then the server drains)
   */
  terminationGracePeriodSeconds?: number;
  /**
   * Horizontal autoscaling.
   * @default - fixed spec.replicas
   */
  autoscaling?: {
    /**
     * @default - hpa
     */
    engine?: 'hpa' | 'keda';
    /**
     * Lower bound of replicas.
     * @default - 1 (0: engine keda with its own keda.query, or behind spec.inferencePool, where the endpoint
     * picker holds requests during the cold start: engine keda, or engine hpa on Kubernetes 1.37+)
     */
    minReplicas?: number;
    /**
     * Upper bound of replicas.
     */
    maxReplicas: number;
    /**
     * HPA Resource metric: average CPU utilization in percent of the CPU request.
     * @default - 80 when no target at all is set, else none
     */
    targetCPUUtilizationPercent?: number;
    /**
     * HPA Pods metric: the rate of the runtime's inference counter per pod (Triton nv_inference_count: a
     * batch of n counts n). Needs prometheus-adapter: the rule is emitted as the ConfigMap
     * <name>-metrics-adapter-rule.
     * @default - none
     */
    targetInferencesPerSecondPerPod?: number;
    /**
     * HPA Pods metric: mean time a request waits in the server queue, in ms (Triton
     * nv_inference_queue_duration_us / nv_inference_request_success). Needs prometheus-adapter.
     * @default - none
     */
    targetQueueTimeMilliseconds?: number;
    /**
     * vllm: average share of the KV cache in use per pod (vllm:kv_cache_usage_perc, 0-1) the autoscaler
     * keeps; above it requests queue and get preempted. engine hpa: a Pods metric served by
     * prometheus-adapter (rule in <name>-metrics-adapter-rule); engine keda: a prometheus trigger.
     * @default - none
     */
    targetKvCacheUtilization?: number;
    /**
     * HPA Pods metric: requests waiting per pod (vLLM vllm:num_requests_waiting, Triton
     * nv_inference_pending_request_count). Needs prometheus-adapter; engine keda: a prometheus trigger.
     * @default - none
     */
    targetPendingRequestsPerPod?: number;
    /**
     * The autoscaling/v2 HPA behavior, copied verbatim.
     * @default - the Kubernetes defaults (scale-down stabilization 300s)
     */
    behavior?: {
      scaleUp?: {
        stabilizationWindowSeconds?: number;
        selectPolicy?: 'Max' | 'Min' | 'Disabled';
        policies?: {
          type: 'Pods' | 'Percent';
          /**
           * amount
           */
          value: number;
          /**
           * Window in which the policy holds (1..1800 seconds).
           */
          periodSeconds: number;
        }[];
        /**
         * Ratio of metric change below which the HPA does not scale, e.g. 0.05 (Kubernetes 1.35+: feature
         * gate HPAConfigurableTolerance, beta on by default).
         * @default - the cluster-wide tolerance (0.1)
         */
        tolerance?: string | number;
      };
      scaleDown?: {
        stabilizationWindowSeconds?: number;
        selectPolicy?: 'Max' | 'Min' | 'Disabled';
        policies?: {
          type: 'Pods' | 'Percent';
          /**
           * amount
           */
          value: number;
          /**
           * Window in which the policy holds (1..1800 seconds).
           */
          periodSeconds: number;
        }[];
        /**
         * Ratio of metric change below which the HPA does not scale, e.g. 0.05 (Kubernetes 1.35+: feature
         * gate HPAConfigurableTolerance, beta on by default).
         * @default - the cluster-wide tolerance (0.1)
         */
        tolerance?: string | number;
      };
    };
    /**
     * engine keda: a ScaledObject with a prometheus trigger.
     */
    keda?: {
      /**
       * Prometheus URL (required for engine keda).
       */
      serverAddress?: string;
      /**
       * Target value of the query per replica (required for engine keda).
       */
      threshold?: number;
      /**
       * Value above which KEDA scales from 0 to 1 (only with minReplicas 0).
       * @default - 0 (KEDA default)
       */
      activationThreshold?: number;
      /**
       * PromQL query returning one number; desired replicas = ceil(value / threshold). Each track's
       * ScaledObject gets it with model_serving_track="<track>" added to every selector of
       * job="<name>-metrics" (with a rollout, it must have one).
       * @default - the runtime's request rate summed over the track's pods; an empty string also means the
       * default
       */
      query?: string;
      /**
       * Seconds after the last active trigger before KEDA scales the last replica to 0 (only with minReplicas
       * 0).
       * @default - 300
       */
      cooldownPeriod?: number;
      /**
       * Seconds between two queries.
       * @default - 30
       */
      pollingInterval?: number;
    };
  };
  /**
   * A VerticalPodAutoscaler per track Deployment; it resizes the server container only (other containers:
   * mode Off).
   */
  verticalAutoscaling?: {
    /**
     * Off: recommendations only; Initial: at pod creation; Recreate: evicts pods (each restart reloads the
     * models); InPlaceOrRecreate: VPA 1.6+ on Kubernetes 1.33+; Auto: deprecated upstream (= Recreate).
     * @default - Off (recommendations only)
     */
    updateMode?: 'Off' | 'Initial' | 'Recreate' | 'InPlaceOrRecreate' | 'Auto';
    /**
     * Lowest requests the VPA may set on the server container.
     * @default - no lower bound
     */
    minAllowed?: {
      /**
       * cpu
       */
      cpu?: string | number;
      /**
       * memory
       */
      memory?: string | number;
    };
    /**
     * Highest requests the VPA may set on the server container.
     * @default - no upper bound
     */
    maxAllowed?: {
      /**
       * cpu
       */
      cpu?: string | number;
      /**
       * memory
       */
      memory?: string | number;
    };
    /**
     * Resources the VPA acts on (never the GPU).
     * @default - [cpu, memory]
     */
    controlledResources?: Array<'cpu' | 'memory'>;
  };
  /**
   * runtime vllm, with spec.gateway: route through a Gateway API Inference Extension InferencePool
   * (inference.networking.k8s.io/v1) and an endpoint picker that picks the pod by prefix cache, KV cache and
   * queue; the HTTPRoute targets the pool instead of the Service; a canary gets its own pool and picker.
   * Allows autoscaling.minReplicas 0. See docs/LLM.md.
   * @default - none: the HTTPRoute targets the Service
   */
  inferencePool?: {
    /**
     * The endpoint picker (llm-d-router) that chooses a pod for each request.
     */
    picker?: {
      /**
       * Endpoint picker image, pinned by tag or digest.
       * @default - ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0
       */
      image?: string;
      /**
       * Picker replicas; more than one runs with leader election (one active replica, the others on standby).
       * @default - 1
       */
      replicas?: number;
      /**
       * Whether the picker serves its ext_proc gRPC port (9002) over TLS, with a self-signed certificate it
       * makes at start (llm-d-router --secure-serving). Keep true for Gateways that connect with TLS
       * (kgateway, NGINX Gateway Fabric, GKE; Istio with a DestinationRule tls SIMPLE, insecureSkipVerify);
       * false for Gateways that speak plaintext gRPC to it (agentgateway; Istio without that
       * DestinationRule). See docs/LLM.md.
       * @default - true (the picker's default)
       */
      secureServing?: boolean;
    };
    /**
     * What the Gateway does when the picker does not answer (InferencePool endpointPickerRef.failureMode):
     * FailClose refuses the request; FailOpen sends it to a pod of its own choice (no hold while scaled to
     * zero).
     * @default - FailClose (the InferencePool default)
     */
    failureMode?: 'FailClose' | 'FailOpen';
    /**
     * How long the picker holds a request while no pod can take it (flow control defaultRequestTTL): with
     * autoscaling.minReplicas 0 this must be longer than the startup budget plus the autoscaler's delay.
     * @default - with minReplicas 0: the startup budget (startupTimeoutSeconds, else the runtime's default
     * plus the load and download time of repository.modelSize, as the startupProbe) + 600 (scheduling, a GPU
     * node, image pull) + the autoscaler's delay (one scrape of the picker, monitoring.interval or 15 s, plus
     * one evaluation: keda.pollingInterval or 30 s, or the HPA's 15 s); else 60 (the picker's default)
     */
    requestHoldSeconds?: number;
  };
  /**
   * Run each replica as a group of pods across nodes: a LeaderWorkerSet (leaderworkerset.x-k8s.io/v1) of size
   * nodes. vllm only: tensor parallel within a node, pipeline parallel across nodes unless
   * spec.models[0].engine says otherwise; spec.replicas and the autoscaler count groups.
   * @default - one pod per replica
   */
  multiNode?: {
    /**
     * Pods (one per node) that together run one copy of the model; each pod gets spec.resources.gpu.count
     * GPUs.
     */
    nodes: number;
  };
  /**
   * OpenTelemetry traces of the server (vllm --otlp-traces-endpoint, triton --trace-config
   * mode=opentelemetry), with the service name and Kubernetes resource attributes.
   * @default - no tracing
   */
  tracing?: {
    /**
     * OTLP/HTTP traces endpoint of your OpenTelemetry collector, e.g.
     * http://otel-collector.observability:4318/v1/traces.
     */
    endpoint: string;
    /**
     * Share of requests traced (vllm: parent-based trace-id ratio; triton: every round(1/ratio)-th request;
     * requests that carry a traceparent are traced by either).
     * @default - 0.01
     */
    samplingRatio?: number;
  };
  /**
   * Collect the server container logs, one record per log entry (stack traces kept whole), parsed into level,
   * time, source, message and model.
   * @default - not collected by this package
   */
  logging?: {
    /**
     * loggingOperator: two Flows and two Outputs of the Logging Operator (logging.banzaicloud.io/v1beta1):
     * Flow <name>-logs builds multi-line records and hands them to Output <name>-logs-relabel, whose label
     * leads to Flow <name>-logs-parse, which parses them and ships them to Output <name>-logs, the
     * destination; fluentBit: a ConfigMap <name>-fluent-bit with parsers.conf and filters.conf for a Fluent
     * Bit DaemonSet you run (docs/OBSERVABILITY.md#logs), whose outputs decide where logs go.
     * @default - loggingOperator
     */
    collector?: 'loggingOperator' | 'fluentBit';
    /**
     * Ship to Elasticsearch (Logging Operator Output `elasticsearch`).
     */
    elasticsearch?: {
      /**
       * Elasticsearch host name, e.g. elasticsearch.logging.svc.
       */
      host: string;
      /**
       * @default - 9200
       */
      port?: number;
      /**
       * Elasticsearch index the records go to (lower case).
       * @default - the spec name
       */
      index?: string;
      /**
       * HTTP basic-auth user (the output takes it as plain text); the password comes from credentialsSecret.
       * @default - no authentication
       */
      user?: string;
      /**
       * Secret in the spec namespace whose key `password` holds the basic-auth password of user.
       */
      credentialsSecret?: string;
      /**
       * Connect with TLS.
       * @default - plain HTTP (elasticsearch, opensearch); loki follows its url scheme
       */
      tls?: {
        /**
         * CA certificate (PEM) that signed the server certificate.
         * @default - the system CAs of the collector
         */
        caSecret?: {
          /**
           * Secret name (in the spec namespace).
           */
          name: string;
          /**
           * Key in the Secret.
           */
          key: string;
        };
        /**
         * Do not verify the server certificate.
         * @default - false: verified
         */
        insecureSkipVerify?: boolean;
      };
    };
    /**
     * Ship to OpenSearch (Logging Operator Output `opensearch`).
     */
    opensearch?: {
      /**
       * OpenSearch host name, e.g. opensearch.logging.svc.
       */
      host: string;
      /**
       * @default - 9200
       */
      port?: number;
      /**
       * OpenSearch index the records go to (lower case).
       * @default - the spec name
       */
      index?: string;
      /**
       * HTTP basic-auth user (the output takes it as plain text); the password comes from credentialsSecret.
       * @default - no authentication
       */
      user?: string;
      /**
       * Secret in the spec namespace whose key `password` holds the basic-auth password of user.
       */
      credentialsSecret?: string;
      /**
       * Connect with TLS.
       * @default - plain HTTP (elasticsearch, opensearch); loki follows its url scheme
       */
      tls?: {
        /**
         * CA certificate (PEM) that signed the server certificate.
         * @default - the system CAs of the collector
         */
        caSecret?: {
          /**
           * Secret name (in the spec namespace).
           */
          name: string;
          /**
           * Key in the Secret.
           */
          key: string;
        };
        /**
         * Do not verify the server certificate.
         * @default - false: verified
         */
        insecureSkipVerify?: boolean;
      };
    };
    /**
     * Ship to Grafana Loki (Logging Operator Output `loki`); streams are labelled namespace, pod, container,
     * level, instance and runtime.
     */
    loki?: {
      /**
       * Loki base URL, e.g. http://loki-gateway.logging.svc (https:// turns TLS on).
       */
      url: string;
      /**
       * X-Scope-OrgID tenant.
       * @default - none (single-tenant Loki)
       */
      tenant?: string;
      /**
       * Secret in the spec namespace whose keys `username` and `password` hold basic-auth credentials.
       */
      credentialsSecret?: string;
      /**
       * Connect with TLS.
       * @default - plain HTTP (elasticsearch, opensearch); loki follows its url scheme
       */
      tls?: {
        /**
         * CA certificate (PEM) that signed the server certificate.
         * @default - the system CAs of the collector
         */
        caSecret?: {
          /**
           * Secret name (in the spec namespace).
           */
          name: string;
          /**
           * Key in the Secret.
           */
          key: string;
        };
        /**
         * Do not verify the server certificate.
         * @default - false: verified
         */
        insecureSkipVerify?: boolean;
      };
    };
    /**
     * The Logging resource (spec.loggingRef) whose Fluentd runs the Flow, when a cluster has several.
     * @default - the default Logging
     */
    loggingRef?: string;
    /**
     * How long the last lines of a multi-line record wait for more before they are shipped (concat
     * flush_interval, Fluent Bit flush_timeout).
     * @default - 5
     */
    flushIntervalSeconds?: number;
  };
  /**
   * Prometheus Operator scraping, alerts and dashboard.
   */
  monitoring?: {
    /**
     * Scrape interval.
     * @default - 15s
     */
    interval?: string;
    /**
     * Emit a ServiceMonitor.
     * @default - true
     */
    serviceMonitor?: boolean;
    /**
     * Emit a PrometheusRule with recording rules and alerts.
     * @default - true
     */
    prometheusRule?: boolean;
    /**
     * Emit a Grafana dashboard ConfigMap.
     * @default - true
     */
    dashboard?: boolean;
    alerts?: {
      /**
       * Alert when p95 (or mean, where the runtime has no histogram) request latency exceeds this (not
       * runtime vllm, whose alerts are per token).
       * @default - 1
       */
      p95LatencySeconds?: number;
      /**
       * Alert when the p95 time to first token (vllm:time_to_first_token_seconds) exceeds this (runtime vllm
       * only).
       * @default - 2
       */
      timeToFirstTokenP95Seconds?: number;
      /**
       * Alert when the p95 time between two output tokens (vllm:inter_token_latency_seconds) exceeds this
       * (runtime vllm only).
       * @default - 0.2
       */
      interTokenLatencyP95Seconds?: number;
      /**
       * Alert when failed requests exceed this share.
       * @default - 1
       */
      maxErrorRatePercent?: number;
      /**
       * Alert when mean queue time per request exceeds this (runtimes with a queue-time metric only; set on
       * another runtime it is an error).
       * @default - 0.5
       */
      maxQueueTimeSeconds?: number;
      /**
       * Alert when GPU utilization stays below this (wasted GPUs).
       * @default - 30; 0 turns it off
       */
      minGpuUtilizationPercent?: number;
      /**
       * Alert when GPU memory use exceeds this. With runtime vllm, whose KV cache fills its preallocated
       * memory by design, it is the KV-cache use above which waiting requests count as cache pressure.
       * @default - 90
       */
      maxGpuMemoryPercent?: number;
      /**
       * Each alert gets runbook_url <base>/<AlertName>.
       * @default - https://github.com/<repository>/blob/v<version>/docs/OBSERVABILITY.md#<alertname in lower
       * case>: the alert's runbook section in the docs of the installed release (repository and version from
       * this package's package.json)
       */
      runbookBaseUrl?: string;
    };
  };
  /**
   * Blue-green or canary rollout.
   * @default - one Deployment
   */
  rollout?: {
    strategy: 'blueGreen' | 'canary';
    /**
     * blueGreen: the track the stable Service selects.
     */
    active?: string;
    /**
     * blueGreen: the track that runs as the Deployment of the spec without a rollout (<name>, pods labelled
     * model-serving/track: stable), so that turning blue-green on or off keeps it serving (docs/TRAFFIC.md).
     * @default - the first track name in alphabetical order
     */
    primary?: string;
    /**
     * blueGreen: exactly two tracks.
     */
    tracks?: { [key: string]: {
      /**
       * Image for this track.
       * @default - spec.image
       */
      image?: string;
      /**
       * Per-model version overrides for this track.
       */
      models?: {
        name: string;
        versions?: number[];
      }[];
      /**
       * Where the models come from: exactly one of pvc, image, uri, huggingface.
       */
      repository?: {
        /**
         * Model repository on a PersistentVolumeClaim: claimName, or create.
         */
        pvc?: {
          /**
           * An existing PersistentVolumeClaim holding the model repository.
           */
          claimName?: string;
          /**
           * Directory inside the volume that is the repository root.
           * @default - the volume root
           */
          subPath?: string;
          /**
           * false lets the TensorRT build Job (spec.models[].build) write plans into the claim; serving pods
           * always mount it read-only.
           * @default - true: the claim is mounted read-only everywhere
           */
          readOnly?: boolean;
          /**
           * Create a PersistentVolumeClaim named <name>-models instead of using claimName.
           */
          create?: {
            /**
             * Requested capacity, e.g. 100Gi.
             */
            size: string | number;
            /**
             * @default - the cluster default StorageClass
             */
            storageClassName?: string;
            /**
             * @default - ReadOnlyMany
             */
            accessMode?: 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
          };
        };
        /**
         * The model repository as an OCI image volume (Kubernetes image volumes; containerd 2.1+ or CRI-O
         * 1.31+ on the nodes).
         */
        image?: {
          /**
           * OCI image or artifact holding the model repository, pinned by tag or digest. The kubelet pulls it
           * and mounts it read-only at the model store (no download step).
           */
          reference: string;
          /**
           * image volume pullPolicy.
           * @default - IfNotPresent: a second pod on a node reuses the node's copy
           */
          pullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
          /**
           * Directory inside the image that is the repository root.
           * @default - the image root
           */
          subPath?: string;
        };
        /**
         * s3://, gs:// or https:// URI of the repository; an init container downloads it before the server
         * starts. Never put credentials in it.
         */
        uri?: string;
        /**
         * Secret with the object-store credentials (uri only), passed to the download container as
         * environment variables.
         */
        credentialsSecret?: string;
        /**
         * vllm: download the model from the Hugging Face Hub.
         */
        huggingface?: {
          /**
           * Hugging Face model id, e.g. meta-llama/Llama-3.1-8B-Instruct.
           */
          modelId: string;
          /**
           * Branch, tag or commit.
           * @default - main
           */
          revision?: string;
          /**
           * Secret whose key `token` is the Hugging Face token, passed as HF_TOKEN.
           */
          tokenSecret?: string;
          /**
           * PersistentVolumeClaim for HF_HOME so restarts do not re-download.
           * @default - an emptyDir (downloads again on every restart)
           */
          cacheClaimName?: string;
        };
        /**
         * Expected total size of the model files the pods serve, e.g. 16Gi. A download (uri, or the Hugging
         * Face cache without cacheClaimName) goes to a volume with this size plus a fifth as its sizeLimit,
         * and the server requests that much ephemeral-storage; the startupProbe allows 10 s more per GiB to
         * load it (40 s per GiB when the server downloads from the Hub); the TensorRT engine cache of ONNX
         * models (triton) gets the same size plus a fifth, at least 10Gi.
         * @default - downloads assume 20Gi; the startup budget is the runtime's default
         */
        modelSize?: string | number;
      };
    } };
    /**
     * canary: percent of traffic sent to the canary track.
     */
    weight?: number;
    /**
     * canary: the canary track (image, model versions, repository, size).
     */
    canary?: {
      /**
       * Image for this track.
       * @default - spec.image
       */
      image?: string;
      /**
       * Per-model version overrides for this track.
       */
      models?: {
        name: string;
        versions?: number[];
      }[];
      /**
       * Where the models come from: exactly one of pvc, image, uri, huggingface.
       */
      repository?: {
        /**
         * Model repository on a PersistentVolumeClaim: claimName, or create.
         */
        pvc?: {
          /**
           * An existing PersistentVolumeClaim holding the model repository.
           */
          claimName?: string;
          /**
           * Directory inside the volume that is the repository root.
           * @default - the volume root
           */
          subPath?: string;
          /**
           * false lets the TensorRT build Job (spec.models[].build) write plans into the claim; serving pods
           * always mount it read-only.
           * @default - true: the claim is mounted read-only everywhere
           */
          readOnly?: boolean;
          /**
           * Create a PersistentVolumeClaim named <name>-models instead of using claimName.
           */
          create?: {
            /**
             * Requested capacity, e.g. 100Gi.
             */
            size: string | number;
            /**
             * @default - the cluster default StorageClass
             */
            storageClassName?: string;
            /**
             * @default - ReadOnlyMany
             */
            accessMode?: 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
          };
        };
        /**
         * The model repository as an OCI image volume (Kubernetes image volumes; containerd 2.1+ or CRI-O
         * 1.31+ on the nodes).
         */
        image?: {
          /**
           * OCI image or artifact holding the model repository, pinned by tag or digest. The kubelet pulls it
           * and mounts it read-only at the model store (no download step).
           */
          reference: string;
          /**
           * image volume pullPolicy.
           * @default - IfNotPresent: a second pod on a node reuses the node's copy
           */
          pullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
          /**
           * Directory inside the image that is the repository root.
           * @default - the image root
           */
          subPath?: string;
        };
        /**
         * s3://, gs:// or https:// URI of the repository; an init container downloads it before the server
         * starts. Never put credentials in it.
         */
        uri?: string;
        /**
         * Secret with the object-store credentials (uri only), passed to the download container as
         * environment variables.
         */
        credentialsSecret?: string;
        /**
         * vllm: download the model from the Hugging Face Hub.
         */
        huggingface?: {
          /**
           * Hugging Face model id, e.g. meta-llama/Llama-3.1-8B-Instruct.
           */
          modelId: string;
          /**
           * Branch, tag or commit.
           * @default - main
           */
          revision?: string;
          /**
           * Secret whose key `token` is the Hugging Face token, passed as HF_TOKEN.
           */
          tokenSecret?: string;
          /**
           * PersistentVolumeClaim for HF_HOME so restarts do not re-download.
           * @default - an emptyDir (downloads again on every restart)
           */
          cacheClaimName?: string;
        };
        /**
         * Expected total size of the model files the pods serve, e.g. 16Gi. A download (uri, or the Hugging
         * Face cache without cacheClaimName) goes to a volume with this size plus a fifth as its sizeLimit,
         * and the server requests that much ephemeral-storage; the startupProbe allows 10 s more per GiB to
         * load it (40 s per GiB when the server downloads from the Hub); the TensorRT engine cache of ONNX
         * models (triton) gets the same size plus a fifth, at least 10Gi.
         * @default - downloads assume 20Gi; the startup budget is the runtime's default
         */
        modelSize?: string | number;
      };
      /**
       * Replicas of the canary track (under spec.autoscaling: the floor of its autoscaler).
       * @default - enough for the weight: ceil(weight% of spec.replicas, or of spec.autoscaling.minReplicas),
       * at least 1
       */
      replicas?: number;
    };
  };
  /**
   * mode: batch.
   */
  batch?: {
    /**
     * Five-field cron schedule: present makes a CronJob, absent a Job.
     */
    schedule?: string;
    /**
     * IANA time zone of the schedule (CronJob timeZone), e.g. Europe/Berlin.
     * @default - the time zone of the kube-controller-manager
     */
    timeZone?: string;
    /**
     * Pods that run at once (an Indexed Job allows at most 100000).
     * @default - 1
     */
    parallelism?: number;
    /**
     * Shards of the input (an Indexed Job: pod i processes every completions-th input file from the i-th).
     * @default - equal to parallelism
     */
    completions?: number;
    /**
     * Pod failures (restartPolicy Never) or container restarts (OnFailure) tolerated before the Job fails.
     * @default - 2
     */
    backoffLimit?: number;
    /**
     * Object-store URI the job reads (s3://, gs://, https://).
     */
    input: string;
    /**
     * Object-store URI the job writes (s3://, gs://); a CronJob writes each run under <output>/<job name>/.
     */
    output: string;
    /**
     * Secret with credentials for input/output.
     * @default - repository.credentialsSecret
     */
    credentialsSecret?: string;
    /**
     * The model in spec.models that receives the requests.
     * @default - the only model (required when spec.models has several)
     */
    model?: string;
    /**
     * Requests each pod keeps in flight, one client thread each (fills the server's dynamic batches).
     * @default - 4; vllm: 2 x engine.maxNumSeqs (512 when unset), the number vllm run-batch keeps in flight
     */
    concurrency?: number;
    /**
     * Longest time one request may take before it is retried.
     * @default - 600
     */
    requestTimeoutSeconds?: number;
    /**
     * Seconds a finished Job (and its pods and logs) is kept.
     * @default - 86400
     */
    ttlSecondsAfterFinished?: number;
    /**
     * Seconds the whole Job may run before it is failed.
     * @default - no deadline
     */
    activeDeadlineSeconds?: number;
    /**
     * Never: a failed pod is replaced (and evictions do not count against backoffLimit); OnFailure:
     * containers restart in place.
     * @default - Never
     */
    restartPolicy?: 'Never' | 'OnFailure';
    /**
     * CronJob only.
     * @default - Forbid (a run is skipped while the previous one is still running)
     */
    concurrencyPolicy?: 'Forbid' | 'Replace' | 'Allow';
  };
  /**
   * mode: edge.
   */
  edge?: {
    /**
     * Labels of the edge nodes that run one replica each.
     */
    nodeSelector: { [key: string]: string };
    /**
     * Tolerations for edge node taints.
     */
    tolerations?: {
      key?: string;
      operator?: 'Exists' | 'Equal';
      value?: string;
      effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
      /**
       * Seconds a pod stays bound to a node after a matching NoExecute taint appears (effect NoExecute only;
       * at most int32, as larger values overflow the taint manager's timer).
       * @default - forever
       */
      tolerationSeconds?: number;
    }[];
    /**
     * Host directory used as the local model cache (repository.uri only): a restart downloads only changed
     * files. Prepare it on each node, writable by the runtime's user (docs/MODES.md).
     * @default - an emptyDir (every start downloads everything)
     */
    hostPathCache?: string;
  };
  security?: {
    /**
     * Escape hatches from the restricted pod-security defaults; each one set is reported by `model-serving
     * lint`.
     */
    unsafe?: {
      /**
       * Run the server as root.
       * @default - false
       */
      runAsRoot?: boolean;
      /**
       * @default - false
       */
      writableRootFilesystem?: boolean;
      /**
       * @default - false
       */
      allowPrivilegeEscalation?: boolean;
      /**
       * @default - false
       */
      automountServiceAccountToken?: boolean;
      /**
       * Allow spec.env literals whose names look like secrets (*_KEY, *TOKEN, *SECRET, *PASSWORD): their
       * values are written into every manifest in plain text.
       * @default - false: such a variable must use secretKeyRef
       */
      plainTextSecretEnv?: boolean;
    };
  };
};

/**
 * The `metadata` of a ModelServing document.
 */
export type ModelServingMetadata = {
  /**
   * Name of every generated object (DNS-1123 label, at most 52 characters to leave room for suffixes).
   */
  name: string;
  /**
   * Namespace.
   * @default - default
   */
  namespace?: string;
  /**
   * Copied onto every object, after the app.kubernetes.io/* ones.
   */
  labels?: { [key: string]: string };
  /**
   * Copied onto every object.
   */
  annotations?: { [key: string]: string };
};

/**
 * A ModelServing document (one YAML document of a spec file).
 */
export type ModelServingDocument = {
  apiVersion: 'model-serving/v1alpha1';
  kind: 'ModelServing';
  metadata: ModelServingMetadata;
  spec: ModelServingSpec;
};
