/**
 * Spec fields that rely on cluster components newer than a plain GPU node: a LeaderWorkerSet across nodes,
 * GPUs claimed through Dynamic Resource Allocation, the model as an OCI image volume, and OpenTelemetry
 * traces. Facts and sources: docs/SCALE_OUT.md.
 */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, Quantity } from './common';

/** The NVIDIA DRA driver's device classes (NVIDIA/k8s-dra-driver-gpu deployments/helm/.../deviceclass-*.yaml). */
export const NVIDIA_GPU_CLASS = 'gpu.nvidia.com';
export const NVIDIA_MIG_CLASS = 'mig.nvidia.com';
/** DNS subdomain (a DeviceClass name). */
const SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export const GpuClaimSchema = Obj({
  deviceClassName: Opt(Type.String({
    pattern: SUBDOMAIN, maxLength: 253,
    description: `DeviceClass of the requested devices: ${NVIDIA_GPU_CLASS} (whole GPUs) or ${NVIDIA_MIG_CLASS} (MIG devices) of the NVIDIA DRA driver, or a class your cluster defines. @default - ${NVIDIA_GPU_CLASS}`,
  })),
  selectors: Opt(Type.Array(Type.String({ minLength: 1, maxLength: 10240 }), {
    maxItems: 32,
    description: "CEL expressions over `device` that every allocated device must satisfy (ResourceClaim exactly.selectors[].cel), e.g. device.attributes['gpu.nvidia.com'].productName == 'NVIDIA L4'. Parsed when the spec is validated. @default - any device of the class",
  })),
  sharing: Opt(Obj({
    strategy: Type.Union([Type.Literal('TimeSlicing'), Type.Literal('MPS')], {
      description: "How the pods share the devices (the NVIDIA DRA driver's GpuConfig / MigDeviceConfig sharing.strategy). Needs the driver's feature gate TimeSlicingSettings or MPSSupport.",
    }),
    interval: Opt(Type.Union((['Default', 'Short', 'Medium', 'Long'] as const).map((v) => Type.Literal(v)), { description: 'TimeSlicing on whole GPUs: timeSlicingConfig.interval. @default - Default' })),
    activeThreadPercentage: Opt(Type.Integer({ minimum: 0, maximum: 100, description: 'MPS: mpsConfig.defaultActiveThreadPercentage, the share of the GPU\'s SMs each client may use. @default - the MPS default (100)' })),
    pinnedMemoryLimit: Opt(Quantity('MPS: mpsConfig.defaultPinnedDeviceMemoryLimit, GPU memory each client may pin, e.g. 10Gi. @default - no limit')),
  }, { description: 'Share the claimed devices between every replica of a track: one ResourceClaim referenced by all of its pods (they all run on the node holding the devices) with the NVIDIA DRA driver\'s sharing config. @default - no sharing: every pod gets its own devices from a ResourceClaimTemplate' })),
}, { description: 'Claim the GPUs through Dynamic Resource Allocation (resource.k8s.io/v1) instead of the device plugin\'s extended resource: count devices of the class. @default - the device plugin (resourceName limit)' });

export const ImageSourceSchema = Obj({
  reference: Type.String({ minLength: 1, description: 'OCI image or artifact holding the model repository, pinned by tag or digest. The kubelet pulls it and mounts it read-only at the model store (no download step).' }),
  pullPolicy: Opt(Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')], { description: 'image volume pullPolicy. @default - IfNotPresent: a second pod on a node reuses the node\'s copy' })),
  subPath: Opt(Type.String({ pattern: '^([A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*)?$', description: 'Directory inside the image that is the repository root. @default - the image root' })),
}, { description: 'The model repository as an OCI image volume (Kubernetes image volumes; containerd 2.1+ or CRI-O 1.31+ on the nodes).' });

export const PlatformSchemas = {
  multiNode: Opt(Obj({
    nodes: Type.Integer({ minimum: 2, maximum: 64, description: 'Pods (one per node) that together run one copy of the model; each pod gets spec.resources.gpu.count GPUs.' }),
  }, { description: 'Run each replica as a group of pods across nodes: a LeaderWorkerSet (leaderworkerset.x-k8s.io/v1) of size nodes. vllm only: tensor parallel within a node, pipeline parallel across nodes unless spec.models[0].engine says otherwise; spec.replicas and the autoscaler count groups. @default - one pod per replica' })),
  tracing: Opt(Obj({
    endpoint: Type.String({ pattern: '^https?://[^\\s,]+$', description: 'OTLP/HTTP traces endpoint of your OpenTelemetry collector, e.g. http://otel-collector.observability:4318/v1/traces.' }),
    samplingRatio: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Share of requests traced (vllm: parent-based trace-id ratio; triton: every round(1/ratio)-th request; requests that carry a traceparent are traced by either). @default - 0.01' })),
  }, { description: 'OpenTelemetry traces of the server (vllm --otlp-traces-endpoint, triton --trace-config mode=opentelemetry), with the service name and Kubernetes resource attributes. @default - no tracing' })),
};
