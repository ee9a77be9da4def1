import { COMPONENT_NAMES, type HealthReport } from "../../shared/schemas.ts";

/** Gauges besides the health report. */
export interface MetricsInput {
  report: HealthReport;
  version: string;
  role: string;
  wsClients: number;
  eventSubscribers: number;
  rssBytes: number;
  heapUsedBytes: number;
}

const STATUS_VALUE = { ok: 1, degraded: 0.5, down: 0 } as const;

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

/** Renders the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(input: MetricsInput): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
      lines.push(`${name}${text ? `{${text}}` : ""} ${value}`);
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
  return lines.join("\n") + "\n";
}
