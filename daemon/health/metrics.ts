import { COMPONENT_NAMES, type HealthReport } from "../../shared/schemas.ts";
import { DURATION_BUCKETS, type Histogram, type PipelineMetrics } from "./pipeline_metrics.ts";

/** Gauges besides the health report. */
export interface MetricsInput {
  report: HealthReport;
  version: string;
  role: string;
  wsClients: number;
  eventSubscribers: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** How long after publication this daemon read the last event, ms. */
  eventLagMs?: number;
  /** The pipeline's figures (absent when they could not be read). */
  pipeline?: PipelineMetrics;
}

const STATUS_VALUE = { ok: 1, degraded: 0.5, down: 0 } as const;

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

/** Renders the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(input: MetricsInput): string {
  const lines: string[] = [];
  const sample = (name: string, labels: Record<string, string>, value: number) => {
    const text = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
    lines.push(`${name}${text ? `{${text}}` : ""} ${value}`);
  };
  const metric = (
    type: "gauge" | "counter",
    name: string,
    help: string,
    samples: [Record<string, string>, number][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) sample(name, labels, value);
  };
  const gauge = (name: string, help: string, samples: [Record<string, string>, number][]) =>
    metric("gauge", name, help, samples);
  const histograms = (name: string, help: string, series: [Record<string, string>, Histogram][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    for (const [labels, h] of series) {
      DURATION_BUCKETS.forEach((le, i) =>
        sample(`${name}_bucket`, { ...labels, le: String(le) }, h.buckets[i])
      );
      sample(`${name}_bucket`, { ...labels, le: "+Inf" }, h.count);
      sample(`${name}_sum`, labels, Math.round(h.sum * 1000) / 1000);
      sample(`${name}_count`, labels, h.count);
    }
  };
  const { report } = input;
  gauge("lingoreel_build_info", "Version and role of this daemon.", [[{
    version: input.version,
    role: input.role,
  }, 1]]);
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", [[{}, input.rssBytes]]);
  gauge("lingoreel_heap_used_bytes", "JavaScript heap in use, in bytes.", [[{}, input.heapUsedBytes]]);
  gauge("lingoreel_uptime_seconds", "Seconds since the daemon started.", [[{}, report.uptimeS]]);
  gauge("lingoreel_up", "Overall health: 1 ok, 0.5 degraded, 0 down.", [[{}, STATUS_VALUE[report.status]]]);
  gauge(
    "lingoreel_component_up",
    "Component health: 1 ok, 0.5 degraded, 0 down.",
    COMPONENT_NAMES.map((name) => [{ component: name }, STATUS_VALUE[report.components[name].status]]),
  );
  gauge(
    "lingoreel_component_check_seconds",
    "How long the last health check of the component took.",
    COMPONENT_NAMES.map((name) => [{ component: name }, report.components[name].latencyMs / 1000]),
  );
  gauge("lingoreel_websocket_clients", "Open WebSocket API connections.", [[{}, input.wsClients]]);
  gauge("lingoreel_event_subscribers", "Live event subscriptions in this daemon.", [[
    {},
    input.eventSubscribers,
  ]]);
  if (input.eventLagMs !== undefined) {
    gauge("lingoreel_event_delivery_lag_seconds", "How long after publication the last event was read.", [[
      {},
      input.eventLagMs / 1000,
    ]]);
  }
  const p = input.pipeline;
  if (p) {
    gauge(
      "lingoreel_queue_jobs",
      "BullMQ jobs per stage queue and state.",
      p.queues.map((q) => [{ queue: q.name, state: q.state }, q.jobs]),
    );
    gauge(
      "lingoreel_jobs",
      "Episode jobs by state (all batches).",
      p.jobsByState.map((j) => [{ state: j.state }, j.jobs]),
    );
    histograms(
      "lingoreel_job_stage_duration_seconds",
      "Completed stage runs of jobs, by stage.",
      p.jobDurations.map((d) => [{ stage: d.stage }, d.histogram]),
    );
    metric(
      "counter",
      "lingoreel_llm_calls_total",
      "LLM calls by outcome.",
      p.llm.map((l) => [{ status: l.status }, l.calls]),
    );
    metric(
      "counter",
      "lingoreel_llm_tokens_total",
      "LLM tokens by direction.",
      [
        [{ direction: "prompt" }, p.llm.reduce((n, l) => n + l.promptTokens, 0)],
        [{ direction: "output" }, p.llm.reduce((n, l) => n + l.outputTokens, 0)],
      ],
    );
    metric("counter", "lingoreel_llm_cost_usd_total", "LLM cost in US dollars.", [[
      {},
      Math.round(p.llm.reduce((n, l) => n + l.costUsd, 0) * 1e6) / 1e6,
    ]]);
    histograms(
      "lingoreel_render_duration_seconds",
      "Rendered videos, by kind: how long each took.",
      p.renders.map((r) => [{ kind: r.kind }, r.histogram]),
    );
    gauge(
      "lingoreel_quota_used",
      "YouTube quota used today (Pacific), by bucket.",
      p.quota.map((q) => [{ bucket: q.bucket }, q.used]),
    );
    gauge(
      "lingoreel_quota_reserved",
      "YouTube quota reserved for today's uploads, by bucket.",
      p.quota.map((q) => [{ bucket: q.bucket }, q.reserved]),
    );
    gauge(
      "lingoreel_quota_limit",
      "YouTube quota limit of today, by bucket.",
      p.quota.map((q) => [{ bucket: q.bucket }, q.limit]),
    );
    metric("counter", "lingoreel_upload_bytes_total", "Bytes confirmed by YouTube's resumable uploads.", [[
      {},
      p.uploadedBytes,
    ]]);
    gauge(
      "lingoreel_schedules",
      "Videos on the publishing calendar, by state.",
      p.schedules.map((x) => [{ state: x.state }, x.count]),
    );
  }
  return lines.join("\n") + "\n";
}
