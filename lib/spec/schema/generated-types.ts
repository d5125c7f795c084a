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
       * @default - the GPU count
       */
      tensorParallelSize?: number;
      /**
       * vllm --max-num-seqs.
       * @default - vLLM default
       */
      maxNumSeqs?: number;
      /**
       * vllm --quantization, e.g. awq, gptq, fp8.
       * @default - none
       */
      quantization?: string;
    };
  }[];
  /**
   * Where the models come from: exactly one of pvc, uri, huggingface.
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
       * Mount read-only.
       * @default - true
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
       * @default - 2
       */
      request?: string | number;
      /**
       * CPU limit.
       * @default - 4
       */
      limit?: string | number;
    };
    /**
     * Memory request and limit; the request must not exceed the limit.
     */
    memory?: {
      /**
       * Memory request.
       * @default - 8Gi
       */
      request?: string | number;
      /**
       * Memory limit.
       * @default - 8Gi
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
       * Required node label nvidia.com/gpu.product (GPU Feature Discovery), e.g. Tesla-V100-SXM2-32GB.
       * @default - any GPU
       */
      product?: string;
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
    tolerationSeconds?: number;
  }[];
  /**
   * Extra environment variables for the server container.
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
   * @default - 600 (vllm: 1800)
   */
  startupTimeoutSeconds?: number;
  /**
   * Size of the memory-backed /dev/shm emptyDir (counts against the memory limit).
   * @default - 1Gi (vllm: 2Gi per tensor-parallel GPU, at least 2Gi)
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
     * @default - not restricted: per-model Ingress routes and the NetworkPolicy limit who reaches them
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
   * Expose the HTTP port through an Ingress (and the canary through a second, nginx canary Ingress).
   */
  ingress?: {
    /**
     * Host name the Ingress answers.
     */
    host: string;
    /**
     * Path prefix of this spec on the host: requests under it reach the server with the prefix stripped
     * (ingress-nginx rewrite-target); / sends every path on the host to this spec.
     * @default - one prefix path per model at the runtime's per-model URL (Triton /v2/models/<model>), so
     * several specs can share a host; / for runtimes whose URLs do not name the model
     */
    path?: string;
    /**
     * ingressClassName. maxBodySize, timeoutSeconds, rateLimitRps, a path prefix and canary weights are
     * ingress-nginx annotations and need class nginx.
     * @default - nginx
     */
    className?: string;
    /**
     * ingress-nginx proxy-body-size, e.g. 50m (larger requests get 413).
     * @default - not set (ingress-nginx default 1m)
     */
    maxBodySize?: string;
    /**
     * ingress-nginx proxy-read-timeout and proxy-send-timeout, in seconds.
     * @default - not set (ingress-nginx default 60)
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
     * fields above generate.
     * @default - none
     */
    annotations?: { [key: string]: string };
  };
  /**
   * Expose the HTTP port through a Gateway API (gateway.networking.k8s.io/v1) HTTPRoute; canary weights
   * become backendRef weights.
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
       * Gateway namespace (its listener must allow routes from this namespace).
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
     * Path prefix of this spec: matched with PathPrefix and stripped with a URLRewrite ReplacePrefixMatch
     * filter; / sends every path to this spec.
     * @default - ingress.path when set, else one prefix path per model at the runtime's per-model URL (Triton
     * /v2/models/<model>), so several specs can share a host; / for runtimes whose URLs do not name the model
     */
    path?: string;
    /**
     * HTTPRoute rules[].timeouts.request, in seconds.
     * @default - not set (the implementation's default)
     */
    timeoutSeconds?: number;
  };
  /**
   * NetworkPolicy on ingress: only these namespaces and pods of the same app reach the pods; egress stays
   * open (downloads, DNS).
   * @default - enabled
   */
  networkPolicy?: {
    /**
     * Emit the NetworkPolicy.
     * @default - true (modes online and edge)
     */
    enabled?: boolean;
    /**
     * Namespaces (by their kubernetes.io/metadata.name label) allowed to reach the serving ports; required
     * with a non-nginx ingress class or spec.gateway, whose proxies run in namespaces only you know.
     * @default - [ingress-nginx, monitoring]
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
     * (spec.autoscaling.minReplicas under autoscaling).
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
     * @default - 1 (engine keda may use 0 with its own keda.query)
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
     * HPA Pods metric: requests waiting per pod (vLLM vllm:num_requests_waiting, Triton
     * nv_inference_pending_request_count). Needs prometheus-adapter.
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
       * PromQL query returning one number; desired replicas = ceil(value / threshold).
       * @default - the runtime's request rate summed over this spec's pods (of each track); an empty string
       * also means the default
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
       * Alert when p95 (or mean, where the runtime has no histogram) latency exceeds this.
       * @default - 1
       */
      p95LatencySeconds?: number;
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
       * Alert when GPU memory use exceeds this.
       * @default - 90
       */
      maxGpuMemoryPercent?: number;
      /**
       * Each alert gets runbook_url <base>/<AlertName>.
       * @default - cdk8s-model-serving/docs/OBSERVABILITY.md#<alertname in lower case>: the runbook section
       * of this package's docs (a relative reference, not a web address; set your own runbook site)
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
       * Where the models come from: exactly one of pvc, uri, huggingface.
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
           * Mount read-only.
           * @default - true
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
      };
    } };
    /**
     * canary: percent of traffic sent to the canary track.
     */
    weight?: number;
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
       * Where the models come from: exactly one of pvc, uri, huggingface.
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
           * Mount read-only.
           * @default - true
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
      };
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
