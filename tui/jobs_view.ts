/**
 * What the Jobs screen shows and where the person is in it: the batches (newest first), the
 * jobs of the batch under the cursor, which of the two lists has the keys, the latest
 * message, and the form that exports a batch. Events patch rows in place (`job.progress` four times a second per job must not cost
 * a reload each); a reload replaces the rows and keeps each cursor on its row.
 *
 * A small store outside React, like `LibraryView` and `OutputsView` and for the same reasons:
 * keys that arrive together must each see what the one before changed.
 * @module
 */
import { type Batch, FINISHED_JOB_STATES, type Job, type JobState } from "../shared/jobs.ts";
import type { AppEvent } from "../shared/schemas.ts";
import { ExportForm, type ExportTarget } from "./export_form.ts";
import type { Notice } from "./library_view.ts";
import { jumpRow, moveCursor } from "./list_cursor.ts";

type EventData<T extends AppEvent["type"]> = Extract<AppEvent, { type: T }>["data"];
/** What a `job.progress` event says. */
export type JobProgress = EventData<"job.progress">;
/** What a `job.state` event says. */
export type JobStateChange = EventData<"job.state">;
/** What a `batch.state` event says. */
export type BatchStateChange = EventData<"batch.state">;

/** Which list the movement and action keys go to. */
export type JobsPane = "batches" | "jobs";

/**
 * Rows with a cursor and the top of the window they were last shown in, the cursor staying on
 * its row (by id) when the rows are replaced.
 */
export class ListPane<Row extends { readonly id: number }> {
  rows: readonly Row[] = [];
  cursor = 0;
  /** The first row of the window the list was last shown in; see `windowStart`. */
  top = 0;
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** The row under the cursor. */
  get current(): Row | undefined {
    return this.rows[this.cursor];
  }

  /** Replaces the rows; the cursor stays on its row while it is there, else on its position. */
  set(rows: readonly Row[]): void {
    const before = this.current?.id;
    this.rows = rows;
    const row = before === undefined ? -1 : rows.findIndex((r) => r.id === before);
    this.cursor = row >= 0 ? row : Math.max(0, Math.min(this.cursor, rows.length - 1));
  }

  /** Replaces the row with `row`'s id, if there is one; whether there was. */
  replace(row: Row): boolean {
    const index = this.rows.findIndex((r) => r.id === row.id);
    if (index < 0) return false;
    this.rows = this.rows.with(index, row);
    return true;
  }

  /** Puts the cursor on the row with id `id`; whether it is there. */
  focus(id: number): boolean {
    const index = this.rows.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.cursor = index;
    this.top = Math.min(this.top, index);
    return true;
  }

  /** Moves the cursor by `delta` rows; `pageRows` is the height of the list's window. */
  move(delta: number, pageRows: number): void {
    if (moveCursor(this, this.cursor + delta, this.rows.length, pageRows)) this.#changed();
  }

  /** Moves the cursor to the first row (`"start"`) or the last. */
  jump(to: "start" | "end", pageRows: number): void {
    if (moveCursor(this, jumpRow(to, this.rows.length), this.rows.length, pageRows)) this.#changed();
  }
}

const finished = (state: JobState): boolean => FINISHED_JOB_STATES.includes(state);

/** The Jobs screen's view state; every change notifies subscribers once. */
export class JobsView {
  #version = 0;
  readonly #listeners = new Set<() => void>();
  /** Every batch, newest first. */
  readonly batches: ListPane<Batch>;
  /** The jobs of {@link jobsOf}, in the order they were created. */
  readonly jobs: ListPane<Job>;
  /** The batch whose jobs {@link jobs} holds; undefined until they have arrived. */
  jobsOf: number | undefined;
  /** Whether a batch list has arrived (an empty one included). */
  loaded = false;
  pane: JobsPane = "batches";
  notice: Notice | undefined;
  /** The form that exports a batch, while it is open. */
  exportForm: ExportForm | undefined;
  /** A batch to put the cursor on once it is listed (one just started). */
  #wanted: number | undefined;
  /** The batch under the cursor when the jobs were last cleared for it. */
  #selected: number | undefined;

  constructor() {
    this.batches = new ListPane(() => this.#batchMoved());
    this.jobs = new ListPane(() => this.#changed());
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

  /** The batch under the cursor. */
  get batch(): Batch | undefined {
    return this.batches.current;
  }

  /** The job under the cursor, once the jobs of the batch under the cursor have arrived. */
  get job(): Job | undefined {
    return this.jobsLoaded ? this.jobs.current : undefined;
  }

  /** Whether {@link jobs} holds the jobs of the batch under the cursor. */
  get jobsLoaded(): boolean {
    return this.jobsOf !== undefined && this.jobsOf === this.batch?.id;
  }

  /** Forgets the jobs when the cursor has left their batch: the next batch's start at the top. */
  #batchMoved(): void {
    const id = this.batch?.id;
    if (id !== this.#selected) {
      this.#selected = id;
      if (this.jobsOf !== id) {
        this.jobs.set([]);
        this.jobs.cursor = 0;
        this.jobs.top = 0;
        this.jobsOf = undefined;
      }
    }
    this.#changed();
  }

  /** Shows a new batch list (newest first), keeping the cursor on its batch. */
  setBatches(batches: readonly Batch[]): void {
    this.loaded = true;
    this.batches.set(batches);
    if (this.#wanted !== undefined && this.batches.focus(this.#wanted)) this.#wanted = undefined;
    this.#batchMoved();
  }

  /** Shows the jobs of batch `batchId`, when it is still the one under the cursor. */
  setJobs(batchId: number, jobs: readonly Job[]): void {
    if (batchId !== this.batch?.id) return;
    if (this.jobsOf !== batchId) {
      this.jobs.cursor = 0;
      this.jobs.top = 0;
    }
    this.jobsOf = batchId;
    this.jobs.set(jobs);
    this.#changed();
  }

  /** Puts the cursor on batch `batchId`, now or once a list that has it arrives. */
  focusBatch(batchId: number): void {
    this.pane = "batches";
    if (this.batches.focus(batchId)) this.#wanted = undefined;
    else this.#wanted = batchId;
    this.#batchMoved();
  }

  /** Gives the keys to the batches or to the jobs of the batch under the cursor. */
  focusPane(pane: JobsPane): void {
    if (pane === this.pane || (pane === "jobs" && !this.batch)) return;
    this.pane = pane;
    this.#changed();
  }

  /** A job's progress; false when its row is not shown (nothing to patch). */
  applyProgress(progress: JobProgress): boolean {
    const job = this.#shownJob(progress.jobId, progress.batchId);
    if (!job) return false;
    this.#patchJob({
      ...job,
      state: finished(job.state) ? job.state : "active",
      stage: progress.stage,
      stagePercent: progress.stagePercent,
      percent: progress.percent,
      etaMs: progress.etaMs,
    });
    return true;
  }

  /** A job's new state or stage; false when its row is not shown (its batch's jobs should reload). */
  applyJobState(change: JobStateChange): boolean {
    const job = this.#shownJob(change.jobId, change.batchId);
    if (!job) return false;
    this.#patchJob({
      ...job,
      state: change.state,
      stage: change.stage,
      error: change.error,
      etaMs: change.state === "active" ? job.etaMs : null,
    });
    return true;
  }

  /** A batch's new state and counts; false when it is not listed (the list should reload). */
  applyBatchState(change: BatchStateChange): boolean {
    const batch = this.batches.rows.find((b) => b.id === change.batchId);
    if (!batch) return false;
    const total = Object.values(change.counts).reduce((sum, n) => sum + n, 0);
    this.batches.replace({
      ...batch,
      state: change.state,
      percent: change.percent,
      counts: change.counts,
      total,
    });
    this.#changed();
    return true;
  }

  /** A job as the daemon answered it (after cancel or retry). */
  applyJob(job: Job): void {
    if (this.#shownJob(job.id, job.batchId)) this.#patchJob(job);
  }

  /** A batch as the daemon answered it (after cancel or retry). */
  applyBatch(batch: Batch): void {
    if (this.batches.replace(batch)) this.#changed();
  }

  #shownJob(jobId: number, batchId: number): Job | undefined {
    return this.jobsOf === batchId ? this.jobs.rows.find((job) => job.id === jobId) : undefined;
  }

  /**
   * Replaces a shown job; its batch's bar follows at once (a mean of its jobs, finished ones
   * counting as done), rather than waiting for the next `batch.state`.
   */
  #patchJob(job: Job): void {
    this.jobs.replace(job);
    const batch = this.batches.rows.find((b) => b.id === job.batchId);
    if (batch && this.jobs.rows.length > 0) {
      const sum = this.jobs.rows.reduce((total, j) => total + (finished(j.state) ? 100 : j.percent), 0);
      this.batches.replace({ ...batch, percent: Math.round((sum / this.jobs.rows.length) * 10) / 10 });
    }
    this.#changed();
  }

  /** Tells subscribers about a change made from outside, e.g. to the {@link exportForm}. */
  touch(): void {
    this.#changed();
  }

  /** Opens the export form for `target`. */
  openExport(target: ExportTarget): void {
    this.exportForm = new ExportForm(target);
    this.#changed();
  }

  /** Closes the export form. */
  closeExport(): void {
    this.exportForm = undefined;
    this.#changed();
  }

  /** Shows `notice` on the status line (replacing the last one); `undefined` removes it. */
  notify(notice: Notice | undefined): void {
    this.notice = notice;
    this.#changed();
  }
}
