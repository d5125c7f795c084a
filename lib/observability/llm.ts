/**
 * LLM observability (docs/LLM.md): recording rules and dashboard panels for time to first token, inter-token
 * latency, tokens per second, preemptions, queues and KV cache (from the server's own series, per pool: the series
 * carry the pod's track), and the endpoint picker's own metrics per pool and per adapter (the picker labels each
 * request with the model the client named, so a LoRA adapter is its own `model_name`). Metric names: the runtime's
 * `llm` support (lib/runtimes/llm.ts) and llm-d-router v0.10.0 `pkg/epp/metrics` (docs/metrics.md).
 */
import type { ServingContext } from '../model/context';
import { TRACK_SERIES_LABEL } from '../model/context';
import { pickerJobSelector, poolPlans } from '../model/pools';
import type { AlertingRule, RecordingRule, RuleGroup } from './alerts';
import type { DashboardPanel } from './dashboard';
import { PICKER_SERIES, pickerAlerts } from './picker-alerts';

export { PICKER_SERIES };

/** Names of the recorded LLM series (labels: namespace and job of the deployment, plus the grouping below). */
export const LLM_RECORDS = {
  ttftP95: 'model_serving:llm_time_to_first_token_seconds:p95',
  itlP95: 'model_serving:llm_inter_token_latency_seconds:p95',
  generationTokens: 'model_serving:llm_generation_tokens:rate5m',
  promptTokens: 'model_serving:llm_prompt_tokens:rate5m',
  preemptions: 'model_serving:llm_preemptions:rate5m',
  waiting: 'model_serving:llm_requests_waiting:sum',
  kvCache: 'model_serving:llm_kv_cache_usage:avg',
  pickerRequests: 'model_serving:picker_requests:rate5m',
  pickerTtftP95: 'model_serving:picker_time_to_first_token_seconds:p95',
  pickerOutputTokens: 'model_serving:picker_output_tokens:rate5m',
  pickerHeld: 'model_serving:picker_held_requests:sum',
  pickerRejected: 'model_serving:picker_rejected_requests:rate5m',
  pickerReadyEndpoints: 'model_serving:picker_ready_endpoints:max',
} as const;

/** The Prometheus label the pods' track is copied into (ServiceMonitor podTargetLabels). */
const TRACK = TRACK_SERIES_LABEL;

/** `job="<pool>-epp"` -> `inference_pool="<pool>"`: the picker of a pool is scraped as the job `<pool>-epp`. */
const byPool = (expr: string) => `label_replace(${expr}, "inference_pool", "$1", "job", "(.+)-epp")`;

/** The server-side expressions, by record. */
function serverExprs(ctx: ServingContext, w: string, sel = ctx.metricsSelector): Record<string, string> {
  const m = ctx.runtime.llm!.metrics;
  const q = (series: string) => `histogram_quantile(0.95, sum by (${TRACK}, le) (rate(${series}_bucket{${sel}}[${w}])))`;
  return {
    [LLM_RECORDS.ttftP95]: q(m.timeToFirstToken),
    [LLM_RECORDS.itlP95]: q(m.interTokenLatency),
    [LLM_RECORDS.generationTokens]: `sum by (${TRACK}) (rate(${m.generationTokens}{${sel}}[${w}]))`,
    [LLM_RECORDS.promptTokens]: `sum by (${TRACK}) (rate(${m.promptTokens}{${sel}}[${w}]))`,
    [LLM_RECORDS.preemptions]: `sum by (${TRACK}) (rate(${m.preemptions}{${sel}}[${w}]))`,
    [LLM_RECORDS.waiting]: `sum by (${TRACK}) (${m.waiting}{${sel}})`,
    [LLM_RECORDS.kvCache]: `avg by (${TRACK}) (${m.kvCacheUsage}{${sel}})`,
  };
}

/** The picker-side expressions, by record (per pool, and per requested model: the base model or an adapter). */
function pickerExprs(ctx: ServingContext, w: string): Record<string, string> {
  const sel = pickerJobSelector(ctx);
  return {
    [LLM_RECORDS.pickerRequests]: `sum by (inference_pool, model_name) (${byPool(`rate(${PICKER_SERIES.requests}{${sel}}[${w}])`)})`,
    [LLM_RECORDS.pickerTtftP95]: `histogram_quantile(0.95, sum by (inference_pool, model_name, le) (${byPool(`rate(${PICKER_SERIES.ttft}_bucket{${sel}}[${w}])`)}))`,
    [LLM_RECORDS.pickerOutputTokens]: `sum by (inference_pool, model_name) (${byPool(`rate(${PICKER_SERIES.outputTokens}_sum{${sel}}[${w}])`)})`,
    [LLM_RECORDS.pickerHeld]: `sum by (inference_pool) (${PICKER_SERIES.queueSize}{${sel}})`,
    [LLM_RECORDS.pickerRejected]: `sum by (inference_pool, outcome) (rate(${PICKER_SERIES.flowOutcomes}{${sel},outcome!="Dispatched"}[${w}]))`,
    [LLM_RECORDS.pickerReadyEndpoints]: `max by (name) (${PICKER_SERIES.readyEndpoints}{${sel}})`,
  };
}

/**
 * The LLM rule group of a deployment (none for a runtime without LLM support): server series, plus the pickers'
 * recordings and alerts (picker-alerts.ts).
 */
export function llmRuleGroups(ctx: ServingContext): RuleGroup[] {
  if (!ctx.runtime.llm) return [];
  const scope = { namespace: ctx.namespace, job: `${ctx.name}-metrics` };
  const exprs = { ...serverExprs(ctx, '5m'), ...(poolPlans(ctx).length ? pickerExprs(ctx, '5m') : {}) };
  const rules: (RecordingRule | AlertingRule)[] = Object.entries(exprs).map(([record, expr]) => ({ record, expr, labels: { ...scope } }));
  return [{ name: `model-serving.${ctx.name}.llm`, rules: [...rules, ...pickerAlerts(ctx)] }];
}

/**
 * The LLM panels of the dashboard (none for a runtime without LLM support): tokens and queue per track, and the
 * pickers'. Token latencies and preemptions are the alerted panels of dashboard.ts.
 */
export function llmDashboardPanels(ctx: ServingContext): DashboardPanel[] {
  const llm = ctx.runtime.llm;
  if (!llm) return [];
  const m = llm.metrics;
  const sel = ctx.metricsSelector;
  const W = '$__rate_interval';
  const panels: DashboardPanel[] = [
    {
      title: 'Tokens per second',
      description: `Output (${m.generationTokens}) and prompt (${m.promptTokens}) tokens per second, per track.`,
      unit: 'short',
      queries: [
        { expr: `sum by (${TRACK}) (rate(${m.generationTokens}{${sel}}[${W}]))`, legend: `output {{${TRACK}}}` },
        { expr: `sum by (${TRACK}) (rate(${m.promptTokens}{${sel}}[${W}]))`, legend: `prompt {{${TRACK}}}` },
      ],
    },
    {
      title: 'Queue and KV cache per track',
      description: `Requests waiting in the servers (${m.waiting}) and running (${m.running}), per track; mean KV-cache use (${m.kvCacheUsage}, right scale 0-1).`,
      unit: 'short',
      queries: [
        { expr: `sum by (${TRACK}) (${m.waiting}{${sel}})`, legend: `waiting {{${TRACK}}}` },
        { expr: `sum by (${TRACK}) (${m.running}{${sel}})`, legend: `running {{${TRACK}}}` },
        { expr: `avg by (${TRACK}) (${m.kvCacheUsage}{${sel}})`, legend: `KV cache {{${TRACK}}}` },
      ],
    },
  ];
  if (!poolPlans(ctx).length) return panels;
  const psel = pickerJobSelector(ctx);
  panels.push(
    {
      title: 'Endpoint picker: requests per pool and adapter',
      description: `Requests per second through each pool's picker (${PICKER_SERIES.requests}), by the model the client named (the base model or a LoRA adapter).`,
      unit: 'reqps',
      queries: [{ expr: `sum by (inference_pool, model_name) (${byPool(`rate(${PICKER_SERIES.requests}{${psel}}[${W}])`)})`, legend: '{{inference_pool}} {{model_name}}' }],
    },
    {
      title: 'Endpoint picker: time to first token and output tokens per adapter',
      description: `p95 time to first token seen by the picker (${PICKER_SERIES.ttft}) and output tokens per second (${PICKER_SERIES.outputTokens}), per pool and requested model.`,
      unit: 's',
      queries: [
        { expr: `histogram_quantile(0.95, sum by (inference_pool, model_name, le) (${byPool(`rate(${PICKER_SERIES.ttft}_bucket{${psel}}[${W}])`)}))`, legend: 'p95 {{inference_pool}} {{model_name}}' },
        { expr: `sum by (inference_pool, model_name) (${byPool(`rate(${PICKER_SERIES.outputTokens}_sum{${psel}}[${W}])`)})`, legend: 'tokens/s {{inference_pool}} {{model_name}}' },
      ],
    },
    {
      title: 'Endpoint picker: held and rejected requests, ready pods',
      description: `Requests the picker holds in flow control (${PICKER_SERIES.queueSize}: the scale-from-zero waiting room), requests it ended without a pod (${PICKER_SERIES.flowOutcomes}, outcome other than Dispatched), and ready pods per pool (${PICKER_SERIES.readyEndpoints}).`,
      unit: 'short',
      queries: [
        { expr: `sum by (inference_pool) (${PICKER_SERIES.queueSize}{${psel}})`, legend: 'held {{inference_pool}}' },
        { expr: `sum by (inference_pool, outcome) (rate(${PICKER_SERIES.flowOutcomes}{${psel},outcome!="Dispatched"}[${W}]))`, legend: '{{outcome}}/s {{inference_pool}}' },
        { expr: `max by (name) (${PICKER_SERIES.readyEndpoints}{${psel}})`, legend: 'ready pods {{name}}' },
      ],
    },
  );
  return panels;
}
