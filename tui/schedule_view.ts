/**
 * What the Schedule screen shows and where the person is in it: the agenda (days, slots, the
 * videos in them) and the marked videos not on the calendar yet, which of the two has the keys,
 * the selection among the videos to place, and what is going on: browsing, picking a slot (to
 * move a video there, or to place videos there), confirming a cancel, authorising YouTube, or
 * editing the settings.
 *
 * A small store outside React, like `JobsView` and `OutputsView` and for the same reasons: keys
 * that arrive together must each see what the one before changed.
 * @module
 */
import type { Render } from "../shared/render.ts";
import type { CalendarDay, Schedule } from "../shared/schedule.ts";
import type { YouTubeAuthStart } from "./context/ClientContext.tsx";
import { ListPane } from "./jobs_view.ts";
import type { Notice } from "./library_view.ts";
import { clampRow, moveCursor, toggleSelected } from "./list_cursor.ts";
import { type AgendaRow, agendaRows, holdsSlot, type SlotRow, type VideoRow } from "./schedule_rows.ts";
import type { SettingsForm } from "./schedule_settings_form.ts";
import { type TextField, textField } from "./text_edit.ts";

/** Which list the movement and action keys go to. */
export type SchedulePane = "agenda" | "place";

/** What the screen is doing. */
export type ScheduleMode = "browse" | "pick" | "confirm" | "auth" | "settings";

/** What a picked slot is for: moving a video there, or placing videos there. */
export type PickTarget =
  | { readonly kind: "move"; readonly schedule: Schedule }
  | { readonly kind: "place"; readonly renders: readonly Render[] };

/** An authorisation started with `youtube.authStart`, and the code or token being typed. */
export interface AuthState extends YouTubeAuthStart {
  field: TextField;
  sending: boolean;
  error: string | undefined;
  /** The connection when it started: a redirect that lands changes it. */
  readonly before: { readonly connected: boolean; readonly accessExpiresAt: string | null } | undefined;
}

/** The agenda's rows and cursor; the cursor only rests on rows the current mode can act on. */
export class AgendaPane {
  rows: readonly AgendaRow[] = [];
  cursor = 0;
  /** The first row of the window the agenda was last shown in; see `windowStart`. */
  top = 0;
  readonly #changed: () => void;
  readonly #selectable: (row: AgendaRow) => boolean;

  constructor(changed: () => void, selectable: (row: AgendaRow) => boolean) {
    this.#changed = changed;
    this.#selectable = selectable;
  }

  get current(): AgendaRow | undefined {
    return this.rows[this.cursor];
  }

  /** The nearest row from `from` that the cursor may rest on, looking in `direction` first. */
  #nearest(from: number, direction: 1 | -1): number | undefined {
    const count = this.rows.length;
    const start = clampRow(from, count);
    for (const step of [direction, -direction]) {
      for (let i = start; i >= 0 && i < count; i += step) if (this.#selectable(this.rows[i])) return i;
    }
    return undefined;
  }

  /** Replaces the rows; the cursor stays on its row (by key) while it is there. */
  set(rows: readonly AgendaRow[]): void {
    const key = this.current?.key;
    this.rows = rows;
    const index = key === undefined ? -1 : rows.findIndex((row) => row.key === key);
    this.cursor = index >= 0 ? index : clampRow(this.cursor, rows.length);
    this.settle();
  }

  /** Puts the cursor on a row the mode can act on, nearest to where it is. */
  settle(): void {
    if (this.rows.length === 0) {
      this.cursor = 0;
      return;
    }
    this.cursor = this.#nearest(this.cursor, 1) ?? this.cursor;
  }

  /** Puts the cursor on the row with `key`; whether it is there. */
  focus(key: string): boolean {
    const index = this.rows.findIndex((row) => row.key === key);
    if (index < 0) return false;
    this.cursor = index;
    this.top = Math.min(this.top, index);
    return true;
  }

  /** Moves the cursor by `delta` rows, over those the mode can act on; `pageRows` is the window's height. */
  move(delta: number, pageRows: number): void {
    if (delta === 0) return;
    const direction = delta > 0 ? 1 : -1;
    let target = this.#nearest(this.cursor + delta, direction);
    // Nothing the cursor may rest on that way: it stays rather than going back.
    if (target !== undefined && (target - this.cursor) * direction < 0) {
      target = undefined;
    }
    if (target !== undefined && moveCursor(this, target, this.rows.length, pageRows)) this.#changed();
  }

  /** Moves the cursor to the first row the mode can act on (`"start"`) or the last. */
  jump(to: "start" | "end", pageRows: number): void {
    const target = to === "start" ? this.#nearest(0, 1) : this.#nearest(this.rows.length - 1, -1);
    if (target !== undefined && moveCursor(this, target, this.rows.length, pageRows)) this.#changed();
  }
}

/** The Schedule screen's view state; every change notifies subscribers once. */
export class ScheduleView {
  #version = 0;
  readonly #listeners = new Set<() => void>();
  /** The offered days, as `schedule.slots` last answered. */
  days: readonly CalendarDay[] | undefined;
  /** The videos on the agenda, as `schedule.list` last answered. */
  schedules: readonly Schedule[] | undefined;
  /** The renders that hold a slot (scheduled, uploading or uploaded). */
  placed: ReadonlySet<number> | undefined;
  /** Every rendered video, as `renders.list` last answered. */
  renders: readonly Render[] | undefined;
  /** The channel's time zone, once the settings have arrived. */
  timeZone: string | undefined;
  readonly agenda: AgendaPane;
  /** The marked videos that hold no slot: those to place. */
  readonly place: ListPane<Render>;
  /** Ids of the selected videos to place. */
  readonly selection = new Set<number>();
  pane: SchedulePane = "agenda";
  mode: ScheduleMode = "browse";
  /** While picking a slot: what for, and the row the cursor goes back to. */
  pick: (PickTarget & { readonly from: string | undefined }) | undefined;
  /** The video a cancel waits to be confirmed for. */
  confirm: Schedule | undefined;
  auth: AuthState | undefined;
  form: SettingsForm | undefined;
  notice: Notice | undefined;
  /** Work in progress that the status line says (placing videos one by one). */
  busy: string | undefined;

  constructor() {
    this.agenda = new AgendaPane(() => this.#changed(), (row) => this.#selectable(row));
    this.place = new ListPane(() => this.#changed());
  }

  /** For `useSyncExternalStore`. */
  readonly subscribe = (listener: () => void): () => void => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  /** For `useSyncExternalStore`: changes with every change of the view. */
  readonly getSnapshot = (): number => this.#version;

  #changed(): void {
    this.#version++;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Tells the subscribers that something in the view (the form, the auth field) changed. */
  touch(): void {
    this.#changed();
  }

  #selectable(row: AgendaRow): boolean {
    if (this.mode === "pick") return row.kind === "slot" && row.offered !== undefined;
    return row.kind !== "day";
  }

  /** The agenda row under the cursor. */
  get current(): AgendaRow | undefined {
    return this.agenda.current;
  }

  /** The video under the agenda's cursor. */
  get currentVideo(): Schedule | undefined {
    const row = this.agenda.current;
    return row?.kind === "video" ? row.schedule : undefined;
  }

  /** The offered slot under the cursor while picking. */
  get currentSlot(): SlotRow | undefined {
    const row = this.agenda.current;
    return row?.kind === "slot" && row.offered ? row : undefined;
  }

  /** Whether the agenda's data have arrived (both the slots and the videos). */
  get loaded(): boolean {
    return this.days !== undefined && this.schedules !== undefined;
  }

  /** Whether the list of videos to place can be trusted (renders and what holds a slot are in). */
  get placeLoaded(): boolean {
    return this.renders !== undefined && this.placed !== undefined;
  }

  /** Whether a video on the agenda is uploading: its progress is polled. */
  get uploading(): boolean {
    return this.schedules?.some((schedule) => schedule.state === "uploading") ?? false;
  }

  setDays(days: readonly CalendarDay[]): void {
    this.days = days;
    this.#rebuildAgenda();
  }

  setSchedules(schedules: readonly Schedule[]): void {
    this.schedules = schedules;
    this.#rebuildAgenda();
  }

  setTimeZone(timeZone: string | undefined): void {
    if (timeZone === this.timeZone) return;
    this.timeZone = timeZone;
    this.#rebuildAgenda();
  }

  /** The videos that hold a slot, from `schedule.list` of the states that do. */
  setPlaced(schedules: readonly Schedule[]): void {
    this.placed = new Set(schedules.filter(holdsSlot).map((schedule) => schedule.renderId));
    this.#rebuildPlace();
  }

  setRenders(renders: readonly Render[]): void {
    this.renders = renders;
    this.#rebuildPlace();
  }

  #rebuildAgenda(): void {
    if (this.days && this.schedules) {
      this.agenda.set(agendaRows(this.days, this.schedules, this.timeZone));
      if (this.mode === "pick" && this.pick?.kind === "move") {
        // The video being moved may have moved or gone meanwhile: keep what it is now.
        const id = this.pick.schedule.id;
        const now = this.schedules.find((schedule) => schedule.id === id);
        if (now && now.state === "scheduled") this.pick = { ...this.pick, schedule: now };
      }
    }
    this.#changed();
  }

  #rebuildPlace(): void {
    const placed = this.placed ?? new Set<number>();
    this.place.set((this.renders ?? []).filter((render) => render.marked && !placed.has(render.id)));
    const shown = new Set(this.place.rows.map((render) => render.id));
    for (const id of this.selection) if (!shown.has(id)) this.selection.delete(id);
    this.#changed();
  }

  /** Moves the cursor of the pane with the keys. */
  move(delta: number, pageRows: number): void {
    if (this.pane === "place" && this.mode === "browse") this.place.move(delta, pageRows);
    else this.agenda.move(delta, pageRows);
  }

  /** Gives the keys to the agenda or to the videos to place. */
  focusPane(pane: SchedulePane): void {
    if (pane === this.pane) return;
    this.pane = pane;
    this.#changed();
  }

  /** Selects or unselects the video to place under the cursor. */
  toggle(): void {
    const id = this.place.current?.id;
    if (id === undefined) return;
    toggleSelected(this.selection, id);
    this.#changed();
  }

  /** The videos to place: the selection (in list order), or else the one under the cursor. */
  placeTargets(): Render[] {
    if (this.selection.size > 0) return this.place.rows.filter((render) => this.selection.has(render.id));
    return this.place.current ? [this.place.current] : [];
  }

  /** Unselects everything and removes the message. */
  clear(): void {
    this.selection.clear();
    this.notice = undefined;
    this.#changed();
  }

  /**
   * Starts picking a slot for `target` on the agenda: the cursor goes to the video's slot (to
   * move it) or the first offered slot, and comes back when the pick ends.
   */
  startPick(target: PickTarget): void {
    this.pick = { ...target, from: this.agenda.current?.key };
    this.mode = "pick";
    this.pane = "agenda";
    if (target.kind === "move") this.agenda.focus(`slot:${Date.parse(target.schedule.slotAt)}`);
    this.agenda.settle();
    this.#changed();
  }

  /** Ends picking; the cursor goes back to where it was. */
  endPick(): void {
    const from = this.pick?.from;
    const back = this.pick?.kind === "place" ? "place" : "agenda";
    this.pick = undefined;
    this.mode = "browse";
    this.pane = back;
    if (from !== undefined) this.agenda.focus(from);
    this.agenda.settle();
    this.#changed();
  }

  /** Asks to confirm cancelling `schedule`. */
  askConfirm(schedule: Schedule): void {
    this.confirm = schedule;
    this.mode = "confirm";
    this.#changed();
  }

  endConfirm(): void {
    this.confirm = undefined;
    this.mode = "browse";
    this.#changed();
  }

  /** Shows an authorisation that `youtube.authStart` opened, with an empty field for a code. */
  openAuth(start: YouTubeAuthStart, before: AuthState["before"]): void {
    this.auth = { ...start, field: textField(""), sending: false, error: undefined, before };
    this.mode = "auth";
    this.#changed();
  }

  closeAuth(): void {
    this.auth = undefined;
    this.mode = "browse";
    this.#changed();
  }

  openSettings(form: SettingsForm): void {
    this.form = form;
    this.mode = "settings";
    this.#changed();
  }

  closeSettings(): void {
    this.form = undefined;
    this.mode = "browse";
    this.#changed();
  }

  /** Shows `notice` on the status line (replacing the last one); `undefined` removes it. */
  notify(notice: Notice | undefined): void {
    this.notice = notice;
    this.#changed();
  }

  /** Says what is in progress (or nothing more, with `undefined`). */
  setBusy(busy: string | undefined): void {
    this.busy = busy;
    this.#changed();
  }

  /** The agenda row of the video `id`, if it is shown. */
  videoRow(id: number): VideoRow | undefined {
    return this.agenda.rows.find((row): row is VideoRow => row.kind === "video" && row.schedule.id === id);
  }
}
