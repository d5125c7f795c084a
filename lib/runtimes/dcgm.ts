/**
 * GPU signals from the NVIDIA DCGM exporter, for runtimes without a GPU gauge of their own (TF Serving, vLLM).
 *
 * Facts (NVIDIA/dcgm-exporter `etc/default-counters.csv`, `internal/pkg/transformation/const.go`,
 * `deployment/values.yaml`): `DCGM_FI_DEV_GPU_UTIL` is a gauge in percent (0-100);
 * `DCGM_FI_DEV_FB_USED` / `DCGM_FI_DEV_FB_FREE` are gauges in MiB. With its Kubernetes mapping on, the exporter
 * labels each GPU's series with the pod that holds the GPU in `pod` / `namespace` / `container`.
 *
 * The series come from the exporter's scrape job, not from this deployment's: a selector on `job` finds
 * nothing. They are matched to this deployment's pods on (namespace, pod) against `up{<sel>}`, which carries the
 * `pod` and `namespace` target labels the Prometheus Operator sets for every ServiceMonitor endpoint.
 * The exporter's Helm chart defaults to `serviceMonitor.honorLabels: false`, under which Prometheus renames the
 * exporter's own `pod` / `namespace` labels to `exported_pod` / `exported_namespace` (they clash with the target
 * labels of the exporter pod). `label_replace` copies them back when present, so the expressions work with
 * either setting.
 *
 * MIG: `DCGM_FI_DEV_GPU_UTIL` reads 0 on MIG instances and is not planned for them (dcgm-exporter#216, answer of the
 * maintainers); `DCGM_FI_PROF_GR_ENGINE_ACTIVE` (in `etc/default-counters.csv`, a 0..1 ratio of time the graphics
 * engine is active) is reported per MIG instance. The exporter maps MIG devices to pods too
 * (`internal/pkg/transformation/kubernetes.go`) and labels their series `GPU_I_PROFILE` / `GPU_I_ID`
 * (`internal/pkg/rendermetrics/render_metrics.go`). Frame-buffer gauges per MIG instance are missing on some GPUs
 * (dcgm-exporter#380, #512, open): a memory alert built on them stays silent there.
 */

export const DCGM_METRICS = ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE'] as const;
/** The utilization signal on MIG instances (a ratio 0..1). */
export const DCGM_MIG_UTILIZATION = 'DCGM_FI_PROF_GR_ENGINE_ACTIVE';

/** `expr` with `pod` / `namespace` taken from `exported_pod` / `exported_namespace` where those exist. */
export function gpuPodLabels(expr: string): string {
  return `label_replace(label_replace(${expr}, "pod", "$1", "exported_pod", "(.+)"), "namespace", "$1", "exported_namespace", "(.+)")`;
}

/** Keeps the series of `expr` whose (namespace, pod) is a pod scraped by `sel`. */
function ofPods(expr: string, sel: string): string {
  return `${gpuPodLabels(expr)} and on (namespace, pod) up{${sel}}`;
}

/** Mean GPU utilization per pod, 0..1. */
export function dcgmGpuUtilization(sel: string): string {
  return `avg by (pod) (${ofPods('DCGM_FI_DEV_GPU_UTIL / 100', sel)})`;
}

/** Mean graphics-engine activity per pod on MIG instances, 0..1 (DCGM_FI_DEV_GPU_UTIL reads 0 there). */
export function dcgmMigUtilization(sel: string): string {
  return `avg by (pod) (${ofPods(DCGM_MIG_UTILIZATION, sel)})`;
}

/**
 * Frame-buffer memory in use per GPU (or MIG instance: `GPU_I_ID`), 0..1: used / (used + free). Memory the driver
 * reserves (`DCGM_FI_DEV_FB_RESERVED`) is left out of the total.
 */
export function dcgmGpuMemoryUsedRatio(sel: string): string {
  return `max by (pod, gpu, GPU_I_ID) (${ofPods('DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)', sel)})`;
}
