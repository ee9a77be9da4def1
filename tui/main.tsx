// deno-lint-ignore-file no-console
/**
 * `deno task tui`: the terminal UI. It finds the daemon the way scripts do (`daemon.json` and
 * the token in the data directory, or `LINGOREEL_TOKEN`), and keeps trying while none runs.
 * @module
 */
import { render } from "ink";
import { createClient } from "../shared/client.ts";
import { App } from "./App.tsx";
import { createConnectionStore } from "./connection_store.ts";
import type { TuiClient } from "./context/ClientContext.tsx";
import { themeFor } from "./theme.ts";

if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
  console.error(
    "lingoreel tui needs an interactive terminal (stdin and stdout). " +
      "For scripts, use connect() from shared/client.ts.",
  );
  Deno.exit(2);
}

const connection = createConnectionStore();
const client = createClient({ onStateChange: connection.set });
connection.set(client.connection);

// One close, whoever asks first (App on `q`, or this module after a signal), so that this module
// can wait for the one App started.
let closing: Promise<void> | undefined;
const closeClient = () => (closing ??= client.close());
const tuiClient: TuiClient = {
  health: client.health,
  events: client.events,
  library: client.library,
  expressions: client.expressions,
  analysis: client.analysis,
  renders: client.renders,
  batches: client.batches,
  jobs: client.jobs,
  queue: client.queue,
  schedule: client.schedule,
  quota: client.quota,
  youtube: client.youtube,
  settings: client.settings,
  export: client.export,
  close: closeClient,
};

const instance = render(
  <App client={tuiClient} connection={connection} theme={themeFor({ noColor: Deno.noColor })} />,
  {
    // App quits on Ctrl-C itself, so that it closes the client first.
    exitOnCtrlC: false,
    alternateScreen: true,
    // Ink turns itself non-interactive when it sees CI variables; this is a terminal for a person.
    interactive: true,
  },
);

// Signals (a closed terminal, `kill`) quit the same way as `q`.
const onSignal = () => instance.unmount();
const signals: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of signals) Deno.addSignalListener(signal, onSignal);

try {
  await instance.waitUntilExit();
} catch (error) {
  console.error("lingoreel tui stopped on an error:", error);
  Deno.exitCode = 1;
} finally {
  for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    closeClient().catch(() => {}),
    new Promise((resolve) => (timer = setTimeout(resolve, 1_000))),
  ]);
  clearTimeout(timer);
}
// The tRPC client's reconnect timer can sleep on for seconds after close(); nothing is left to
// do, so the person does not wait for it to get the shell back.
Deno.exit(Deno.exitCode);
