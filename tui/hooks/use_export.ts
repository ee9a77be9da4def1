import type { Key } from "ink";
import { useCallback, useMemo } from "react";
import type { AppEvent } from "../../shared/schemas.ts";
import type { ExportInput } from "../context/ClientContext.tsx";
import { type ExportForm, type ExportPhase, newExportId } from "../export_form.ts";
import { describeError, errorCode } from "../format.ts";
import { formKey } from "../form_fields.ts";
import type { ScreenKeyBinding } from "../keys.ts";
import { guarded } from "../list_keys.ts";
import { useClient } from "./use_client.ts";
import { useEvents } from "./use_events.ts";

const EVENT_TYPES = ["export.progress"] as const;

/** A screen's view that holds an export form. */
export interface ExportHost {
  /** The export form, while it is open. */
  readonly exportForm: ExportForm | undefined;
  /** Tells the screen that the form changed. */
  touch(): void;
}

/** What the export form asks of the daemon. */
export interface ExportActions {
  /** Starts the export with the form's options; an invalid or refused form stays open with the error. */
  start(): void;
  /** Asks the daemon to stop the export under way (`export.cancel`). */
  cancel(): void;
}

/**
 * The export form's calls, each updating the form in `host` with what the daemon answers; the
 * progress of its export follows `export.progress` events (subscribed while the screen is
 * mounted, so none is missed between the start and the subscription).
 */
export function useExport(host: ExportHost): ExportActions {
  const client = useClient();

  const onEvent = useCallback((event: AppEvent) => {
    if (event.type !== "export.progress") return;
    if (host.exportForm?.progress(event.data.exportId, event.data.percent)) host.touch();
  }, [host]);
  useEvents(EVENT_TYPES, onEvent);

  return useMemo((): ExportActions => ({
    start() {
      const form = host.exportForm;
      if (!form || !form.editing) return;
      const request = form.request();
      if (request.kind === "invalid") {
        form.message = { text: `✗ ${request.error}`, role: "error" };
        form.focus = request.field;
        host.touch();
        return;
      }
      const exportId = newExportId();
      const { target } = form;
      const input: ExportInput = {
        ...(target.kind === "batch" ? { batchId: target.batchId } : { episodeIds: [...target.episodeIds] }),
        format: request.format,
        options: request.options,
        exportId,
      };
      form.begin(exportId);
      host.touch();
      client.export.anki.mutate(input).then(
        (result) => {
          if (form.running?.exportId !== exportId) return;
          form.finish(result);
          host.touch();
        },
        (error) => {
          if (form.running?.exportId !== exportId) return;
          form.fail(
            errorCode(error) === "CLIENT_CLOSED_REQUEST"
              ? {
                text: "Export cancelled: no file was written. Enter exports again, Esc closes.",
                role: "warn",
              }
              : { text: `✗ export.anki failed: ${describeError(error)}`, role: "error" },
          );
          host.touch();
        },
      );
    },

    cancel() {
      const running = host.exportForm?.running;
      if (!running || running.cancelling) return;
      const form = host.exportForm!;
      running.cancelling = true;
      host.touch();
      client.export.cancel.mutate({ exportId: running.exportId }).catch((error) => {
        if (form.running !== running) return;
        running.cancelling = false;
        form.message = { text: `✗ export.cancel failed: ${describeError(error)}`, role: "error" };
        host.touch();
      });
    },
  }), [client, host]);
}

/**
 * The export form's keys, each matching only in its phase (read from `host` when the key
 * arrives); those of other phases than `shown` (the one rendered) are hidden. `close` closes
 * the form.
 */
export function exportKeys(
  host: ExportHost,
  actions: ExportActions,
  close: () => void,
  shown: ExportPhase["kind"] | undefined,
): ScreenKeyBinding[] {
  const phase = () => host.exportForm?.phase.kind;
  const editing: ScreenKeyBinding[] = [
    { label: "Enter", description: "export", matches: (_, k) => k.return, run: () => actions.start() },
    { label: "Esc", description: "cancel", matches: (_, k) => k.escape, run: close },
    // Listed only: the form's capture takes them, with the text typed.
    { label: "Tab / ↓", description: "next field", matches: () => false, run: () => {} },
    { label: "Shift-Tab / ↑", description: "previous field", matches: () => false, run: () => {} },
    { label: "← → Space", description: "change a choice", matches: () => false, run: () => {} },
  ];
  const running: ScreenKeyBinding[] = [
    {
      label: "Esc",
      description: "cancel the export",
      matches: (_, k) => k.escape,
      run: () => actions.cancel(),
    },
  ];
  const done: ScreenKeyBinding[] = [
    { label: "Enter / Esc", description: "close", matches: (_, k) => k.return || k.escape, run: close },
  ];
  return [
    ...guarded(editing, () => phase() === "editing", shown === "editing"),
    ...guarded(running, () => phase() === "running", shown === "running"),
    ...guarded(done, () => phase() === "done", shown === "done"),
  ];
}

/**
 * A key while the export form of `host` is being edited, before the screen's bindings (see
 * `formKey`); whether it was taken. While the export runs or once it is done, the form takes no
 * key: the bindings and the global keys (other screens, help) work.
 */
export function captureExportKey(host: ExportHost, input: string, key: Key): boolean {
  const form = host.exportForm;
  if (!form?.editing) return false;
  const taken = formKey(form, input, key);
  if (taken === "changed") host.touch();
  return taken !== "passed";
}
