import { useMemo } from "react";
import type { Render } from "../../shared/render.ts";
import type { Schedule } from "../../shared/schedule.ts";
import type { PublishingSettings, YouTubeStatus } from "../context/ClientContext.tsx";
import { describeError, plural } from "../format.ts";
import { renderExpressions } from "../render_lines.ts";
import { slotLabel } from "../schedule_rows.ts";
import { SettingsForm, settingsIssues } from "../schedule_settings_form.ts";
import type { ScheduleView } from "../schedule_view.ts";
import { useClient } from "./use_client.ts";

/** What the Schedule screen asks of the daemon. */
export interface ScheduleActions {
  /** Places the selection (or the video under the cursor) into the next free slots: one `schedule.create` each. */
  placeNext(): void;
  /** Starts picking a slot to place the selection (or the video under the cursor) in. */
  startPlaceAt(): void;
  /** Starts picking a slot to move the video under the agenda's cursor to. */
  startMove(): void;
  /** While picking: moves the video to (or places the videos in) the slot under the cursor. */
  pickSlot(): void;
  /** While picking a move: moves the video to the next free slot instead. */
  moveNext(): void;
  /** Asks to confirm cancelling the video under the agenda's cursor. */
  askCancel(): void;
  /** Cancels the video the confirmation was for. */
  confirmCancel(): void;
  /** Starts authorising YouTube (`youtube.authStart`): the URL to open and the port to forward. */
  startAuth(): void;
  /** Sends the code or refresh token typed in the authorisation panel (`youtube.authComplete`). */
  completeAuth(): void;
  /** Opens the settings form with the settings as the daemon has them. */
  openSettings(): void;
  /** Saves what changed in the settings form (`settings.update`); the daemon's errors stay in the form. */
  saveSettings(): void;
}

/** `"break the ice" (short)`: a video to place, in words. */
export function renderText(render: Render): string {
  return `"${renderExpressions(render)}" (${render.kind})`;
}

/** `"Aprende «break the ice»" (short)`: a video on the calendar, in words. */
export function scheduleText(schedule: Schedule): string {
  return `"${schedule.title}" (${schedule.kind})`;
}

/** A refresh token (Google's start with `1//`) rather than the code Google's page shows. */
export function isRefreshToken(text: string): boolean {
  return text.startsWith("1//");
}

/**
 * The Schedule screen's calls, each updating `view` with what the daemon answers (or why it
 * refused). `changed` is told after each change of the calendar, to reload what it touched;
 * `youtube` after the connection changed; `settingsSaved` after the settings were.
 */
export function useScheduleActions(
  view: ScheduleView,
  options: {
    changed: () => void;
    youtube: { status: YouTubeStatus | undefined; reload: () => void };
    settings: { settings: PublishingSettings | undefined; error: string | undefined };
    settingsSaved: () => void;
  },
): ScheduleActions {
  const client = useClient();
  const { changed, settingsSaved } = options;
  const { status: youtubeStatus, reload: reloadYouTube } = options.youtube;
  const { settings, error: settingsError } = options.settings;
  return useMemo((): ScheduleActions => {
    const fail = (what: string) => (error: unknown) =>
      view.notify({ text: `✗ Could not ${what}: ${describeError(error)}`, role: "error" });

    /** One `schedule.create` after the other, so the videos take the slots in list order. */
    const place = async (renders: readonly Render[], at: string | undefined) => {
      const placed: { render: Render; schedule: Schedule }[] = [];
      const refused: { render: Render; error: string }[] = [];
      for (const [i, render] of renders.entries()) {
        view.setBusy(`Placing ${i + 1} of ${renders.length}: ${renderText(render)}…`);
        try {
          const schedule = await client.schedule.create.mutate(
            at === undefined ? { renderId: render.id } : { renderId: render.id, at },
          );
          placed.push({ render, schedule });
          view.selection.delete(render.id);
        } catch (error) {
          refused.push({ render, error: describeError(error) });
        }
      }
      view.setBusy(undefined);
      const lines: string[] = [];
      if (placed.length > 0) {
        const where = placed.map(({ render, schedule }) =>
          `${renderText(render)} → ${slotLabel(schedule, view.timeZone)}`
        );
        lines.push(
          `✓ Placed ${
            placed.length === renders.length
              ? plural(placed.length, "video")
              : `${placed.length} of ${plural(renders.length, "video")}`
          }: ${where.join(", ")}`,
        );
      }
      for (const { render, error } of refused) lines.push(`✗ ${renderText(render)}: ${error}`);
      view.notify({
        text: lines.join("\n"),
        role: refused.length === 0 ? "ok" : placed.length === 0 ? "error" : "warn",
      });
      if (placed.length > 0) changed();
    };

    const targetsOrSay = (): Render[] | undefined => {
      if (view.busy) {
        view.notify({ text: "Still placing the videos before: wait for them", role: "muted" });
        return undefined;
      }
      const targets = view.placeTargets();
      if (targets.length === 0) {
        view.notify({
          text: "Nothing to place: mark videos on the Outputs screen (4) with m first",
          role: "muted",
        });
        return undefined;
      }
      return targets;
    };

    const move = (schedule: Schedule, at: string | undefined) => {
      const what = scheduleText(schedule);
      client.schedule.move.mutate(at === undefined ? { id: schedule.id } : { id: schedule.id, at }).then(
        (moved) => {
          view.notify({ text: `✓ Moved ${what} to ${slotLabel(moved, view.timeZone)}`, role: "ok" });
          changed();
        },
        fail(`move ${what}`),
      );
    };

    return {
      placeNext() {
        const targets = targetsOrSay();
        if (targets) void place(targets, undefined);
      },

      startPlaceAt() {
        const targets = targetsOrSay();
        if (targets) view.startPick({ kind: "place", renders: targets });
      },

      startMove() {
        const schedule = view.currentVideo;
        if (!schedule) {
          view.notify({ text: "Put the cursor on a video of the agenda to move it", role: "muted" });
          return;
        }
        if (schedule.state !== "scheduled") {
          view.notify({
            text: `Only a scheduled video can be moved: ${scheduleText(schedule)} is ${schedule.state}`,
            role: "warn",
          });
          return;
        }
        view.startPick({ kind: "move", schedule });
      },

      pickSlot() {
        const pick = view.pick;
        const slot = view.currentSlot;
        if (!pick || !slot) return;
        view.endPick();
        if (pick.kind === "move") move(pick.schedule, slot.startsAt);
        else void place(pick.renders, slot.startsAt);
      },

      moveNext() {
        const pick = view.pick;
        if (pick?.kind !== "move") return;
        view.endPick();
        move(pick.schedule, undefined);
      },

      askCancel() {
        const schedule = view.currentVideo;
        if (!schedule) {
          view.notify({ text: "Put the cursor on a video of the agenda to cancel it", role: "muted" });
          return;
        }
        view.askConfirm(schedule);
      },

      confirmCancel() {
        const schedule = view.confirm;
        if (!schedule) return;
        view.endConfirm();
        const what = scheduleText(schedule);
        client.schedule.cancel.mutate({ id: schedule.id }).then(() => {
          view.notify({ text: `✓ Cancelled ${what}: its slot and quota are free again`, role: "ok" });
          changed();
        }, fail(`cancel ${what}`));
      },

      startAuth() {
        const before = youtubeStatus
          ? { connected: youtubeStatus.connected, accessExpiresAt: youtubeStatus.accessExpiresAt }
          : undefined;
        view.notify({ text: "Starting the YouTube authorisation…", role: "muted" });
        client.youtube.authStart.mutate(undefined).then((start) => {
          view.notify(undefined);
          view.openAuth(start, before);
          reloadYouTube();
        }, fail("start the YouTube authorisation"));
      },

      completeAuth() {
        const auth = view.auth;
        if (!auth || auth.sending) return;
        const text = auth.field.text.trim();
        if (text === "") {
          auth.error = "Paste the code Google's page showed (4/0A…) or a refresh token (1//0…) first.";
          view.touch();
          return;
        }
        auth.sending = true;
        auth.error = undefined;
        view.touch();
        const input = isRefreshToken(text) ? { refreshToken: text } : { code: text };
        client.youtube.authComplete.mutate(input).then((status) => {
          if (view.auth === auth) view.closeAuth();
          view.notify({
            text: `✓ YouTube connected${status.channel ? `: ${status.channel.title}` : ""}`,
            role: "ok",
          });
          reloadYouTube();
        }, (error) => {
          auth.sending = false;
          auth.error = `youtube.authComplete failed: ${describeError(error)}`;
          view.touch();
        });
      },

      openSettings() {
        if (!settings) {
          view.notify(
            settingsError
              ? { text: `✗ settings.get failed: ${settingsError}`, role: "error" }
              : { text: "The settings are still loading", role: "muted" },
          );
          return;
        }
        view.openSettings(new SettingsForm(settings));
      },

      saveSettings() {
        const form = view.form;
        if (!form || form.saving) return;
        form.clearErrors();
        const result = form.result();
        if (result.kind === "invalid") {
          form.fields[result.field].error = result.error;
          form.focus = result.field;
          view.touch();
          return;
        }
        if (result.changed.length === 0) {
          view.closeSettings();
          view.notify({ text: "Nothing changed: the settings stay as they were", role: "muted" });
          return;
        }
        form.saving = true;
        view.touch();
        client.settings.update.mutate(result.update).then(() => {
          if (view.form === form) view.closeSettings();
          view.notify({ text: `✓ Saved ${result.changed.join(", ")}`, role: "ok" });
          settingsSaved();
        }, (error) => {
          form.saving = false;
          const issues = settingsIssues(error);
          if (issues && issues.length > 0) form.applyIssues(issues);
          else form.error = `settings.update failed: ${describeError(error)}`;
          view.touch();
        });
      },
    };
  }, [client, view, changed, settingsSaved, youtubeStatus, reloadYouTube, settings, settingsError]);
}
