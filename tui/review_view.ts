/**
 * What the Review screen shows and where the person is in it: the episode under review and its
 * expressions (dropped ones shown or not), the cursor, the selection, the mode (list, full
 * details, edit form, episode picker), the latest message, and how many expressions each
 * episode has.
 *
 * A small store outside React, like `LibraryView` and for the same reasons: keys that arrive
 * together must each see what the one before changed (`a a a` approves three rows, not one
 * three times), and a key costs O(1), not O(expressions).
 * @module
 */
import type { Expression, ExpressionStatus, ExpressionSummary } from "../shared/analysis.ts";
import type { Episode } from "../shared/schemas.ts";
import { ExpressionForm } from "./expression_form.ts";
import { LibraryView, type Notice } from "./library_view.ts";
import { jumpRow, moveCursor, scrollWithin, toggleSelected } from "./list_cursor.ts";

/** What the screen shows. */
export type ReviewMode = "list" | "details" | "edit" | "pick";

/** How many expressions of an episode are in each state. */
export interface EpisodeCounts {
  readonly pending: number;
  readonly approved: number;
  readonly rejected: number;
  /** Known only for an episode whose dropped expressions were loaded. */
  readonly dropped?: number;
  /** Whether they come from the sample library's hand-written analyses. */
  readonly sample: boolean;
}

/** Counts the states of `expressions` (dropped ones only when `withDropped`, else unknown). */
export function countExpressions(expressions: readonly Expression[], withDropped: boolean): EpisodeCounts {
  const by: Record<ExpressionStatus, number> = { pending: 0, approved: 0, rejected: 0, dropped: 0 };
  for (const expression of expressions) by[expression.status]++;
  return {
    pending: by.pending,
    approved: by.approved,
    rejected: by.rejected,
    dropped: withDropped ? by.dropped : undefined,
    sample: expressions.some((expression) => expression.sample),
  };
}

/** The Review screen's view state; every change notifies subscribers once. */
export class ReviewView {
  #version = 0;
  readonly #listeners = new Set<() => void>();
  /** The episode picker: the library's episodes, grouped and filtered as on the Library screen. */
  readonly picker = new LibraryView();
  #episodes = new Map<number, Episode>();
  #order: readonly number[] = [];
  /** Each library episode's index in {@link #order}. */
  #position = new Map<number, number>();
  libraryLoaded = false;
  /** Expression counts of every episode that has expressions that were not dropped. */
  readonly counts = new Map<number, EpisodeCounts>();
  countsLoaded = false;
  /** Episodes with expressions, in library order. */
  #analysed: readonly number[] = [];
  /** The episode under review. */
  episodeId: number | undefined;
  /** Its expressions in time order, dropped ones included. */
  expressions: readonly Expression[] = [];
  /** Whether {@link expressions} have arrived for {@link episodeId}. */
  loaded = false;
  showDropped = false;
  /** The expressions shown: all, or all but the dropped ones. */
  rows: readonly Expression[] = [];
  #rowOf = new Map<number, number>();
  /** Whether any shown expression is sample data (the list then has a column for the tag). */
  hasSample = false;
  cursor = 0;
  /** The first row of the window the list was last shown in; see `windowStart`. */
  top = 0;
  /** Ids of the selected expressions (only shown ones). */
  readonly selection = new Set<number>();
  mode: ReviewMode = "list";
  detailsScroll = 0;
  notice: Notice | undefined;
  /** The episode an analysis run of this screen is running for. */
  analysing: number | undefined;
  /** The group a render this screen asked for is running for, with the expression it was asked on. */
  rendering: { readonly groupId: number; readonly text: string } | undefined;
  /** The edit form, while {@link mode} is `edit`. */
  form: ExpressionForm | undefined;
  /** The mode the edit form goes back to. */
  #formFrom: ReviewMode = "list";

  /** For `useSyncExternalStore`. */
  readonly subscribe = (listener: () => void): () => void => {
    this.#listeners.add(listener);
    const unsubscribePicker = this.picker.subscribe(listener);
    return () => {
      this.#listeners.delete(listener);
      unsubscribePicker();
    };
  };
  /** For `useSyncExternalStore`: changes with every change of the view or its picker. */
  readonly getSnapshot = (): string => `${this.#version}:${this.picker.getSnapshot()}`;

  #changed(): void {
    this.#version++;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Tells subscribers about a change made from outside, e.g. to the {@link form}. */
  touch(): void {
    this.#changed();
  }

  /** A library episode by id. */
  episode(id: number | undefined): Episode | undefined {
    return id === undefined ? undefined : this.#episodes.get(id);
  }

  /** The expression under the cursor. */
  get current(): Expression | undefined {
    return this.rows[this.cursor];
  }

  /** Episodes with expressions, in library order. */
  get analysed(): readonly number[] {
    return this.#analysed;
  }

  /** The library's episodes (library order): for the picker and the episodes' names. */
  setLibrary(episodes: readonly Episode[]): void {
    this.#episodes = new Map(episodes.map((episode) => [episode.id, episode]));
    this.#order = episodes.map((episode) => episode.id);
    this.#position = new Map(this.#order.map((id, i) => [id, i]));
    this.libraryLoaded = true;
    this.picker.setEpisodes(episodes);
    this.#recount();
    this.#chooseDefault();
    this.#changed();
  }

  /** The counts of every analysed episode, from `expressions.summary`. */
  setCounts(summaries: readonly ExpressionSummary[]): void {
    this.counts.clear();
    for (const summary of summaries) this.#setSummary(summary.episodeId, summary);
    this.countsLoaded = true;
    this.#recount();
    this.#chooseDefault();
    this.#changed();
  }

  /** The counts of one episode from its summary (none: it has no expressions any more). */
  setEpisodeSummary(episodeId: number, summary: ExpressionSummary | undefined): void {
    this.#setSummary(episodeId, summary);
    this.#recount();
    this.#changed();
  }

  #setSummary(episodeId: number, summary: ExpressionSummary | undefined): void {
    if (!summary || summary.pending + summary.approved + summary.rejected + summary.dropped === 0) {
      this.counts.delete(episodeId);
      return;
    }
    const { pending, approved, rejected, dropped, sample } = summary;
    this.counts.set(episodeId, { pending, approved, rejected, dropped, sample });
  }

  #countEpisode(episodeId: number, expressions: readonly Expression[], withDropped: boolean): void {
    const counts = countExpressions(expressions, withDropped);
    if (counts.pending + counts.approved + counts.rejected + (counts.dropped ?? 0) === 0) {
      this.counts.delete(episodeId);
    } else {
      this.counts.set(episodeId, counts);
    }
  }

  #recount(): void {
    this.#analysed = this.#order.filter((id) => this.counts.has(id));
  }

  /** Without a choice made, reviews the first episode with expressions, else the first one. */
  #chooseDefault(): void {
    if (this.episodeId !== undefined || !this.libraryLoaded || !this.countsLoaded) return;
    const id = this.#analysed[0] ?? this.#order[0];
    if (id !== undefined) this.#show(id);
  }

  #show(id: number): void {
    this.episodeId = id;
    this.expressions = [];
    this.loaded = false;
    this.selection.clear();
    this.cursor = 0;
    this.top = 0;
    this.detailsScroll = 0;
    this.#rebuild();
  }

  /** Reviews episode `id` from now on. */
  selectEpisode(id: number): void {
    if (id !== this.episodeId) {
      this.#show(id);
      this.notice = undefined; // it was about the episode before
    }
    this.mode = "list";
    this.#changed();
  }

  /**
   * Moves to the previous (`-1`) or next (`1`) episode that has expressions, in library order;
   * says so when there is none.
   */
  stepEpisode(delta: 1 | -1): void {
    const position = this.#position.get(this.episodeId ?? -1) ?? -1;
    const at = (id: number) => this.#position.get(id) ?? -1;
    const next = delta > 0
      ? this.#analysed.find((id) => at(id) > position)
      : this.#analysed.findLast((id) => at(id) < position);
    if (next === undefined) {
      const where = delta > 0 ? "after" : "before";
      this.notify({
        text: `No episode with expressions ${where} this one; p picks any episode`,
        role: "muted",
      });
      return;
    }
    this.selectEpisode(next);
  }

  /** The expressions of episode `episodeId` as loaded; ignored when another episode is shown. */
  setExpressions(episodeId: number, expressions: readonly Expression[]): void {
    if (episodeId !== this.episodeId) return;
    // A reload that set out before a review answered must not undo what the review changed.
    const local = new Map(this.expressions.map((expression) => [expression.id, expression]));
    this.expressions = expressions.map((incoming) => {
      const known = local.get(incoming.id);
      return known && known.updatedAt > incoming.updatedAt ? known : incoming;
    });
    this.loaded = true;
    this.#countEpisode(episodeId, this.expressions, true);
    this.#recount();
    this.#rebuild();
    this.#changed();
  }

  /** Puts expressions the daemon returned (after a review) in place of the shown ones. */
  applyUpdates(updated: readonly Expression[]): void {
    const byId = new Map(updated.map((expression) => [expression.id, expression]));
    const before = this.expressions;
    this.expressions = before.map((expression) => byId.get(expression.id) ?? expression);
    if (this.episodeId !== undefined && this.loaded) {
      this.#countEpisode(this.episodeId, this.expressions, true);
      this.#recount();
    }
    this.#rebuild();
    this.#changed();
  }

  #rebuild(): void {
    const before = this.rows[this.cursor]?.id;
    this.rows = this.showDropped
      ? this.expressions
      : this.expressions.filter((expression) => expression.status !== "dropped");
    this.#rowOf = new Map(this.rows.map((expression, i) => [expression.id, i]));
    this.hasSample = this.rows.some((expression) => expression.sample);
    for (const id of this.selection) if (!this.#rowOf.has(id)) this.selection.delete(id);
    const row = before === undefined ? undefined : this.#rowOf.get(before);
    this.cursor = Math.max(0, row ?? Math.min(this.cursor, this.rows.length - 1));
    if (this.mode === "details" && this.rows.length === 0) this.mode = "list";
  }

  /** Moves the cursor by `delta` rows; `pageRows` is the height of the list's window. */
  move(delta: number, pageRows: number): void {
    this.#moveTo(this.cursor + delta, pageRows);
  }

  /** Moves the cursor to the first row (`"start"`) or the last. */
  jump(to: "start" | "end", pageRows: number): void {
    this.#moveTo(jumpRow(to, this.rows.length), pageRows);
  }

  #moveTo(target: number, pageRows: number): void {
    if (!moveCursor(this, target, this.rows.length, pageRows)) return;
    this.detailsScroll = 0; // the details below the list are now another row's
    this.#changed();
  }

  /** Selects or unselects the expression under the cursor. */
  toggle(): void {
    const id = this.current?.id;
    if (id === undefined) return;
    toggleSelected(this.selection, id);
    this.#changed();
  }

  /** Unselects everything and removes the message. */
  clear(): void {
    this.selection.clear();
    this.notice = undefined;
    this.#changed();
  }

  /**
   * The ids a decision applies to, in row order: the selection when there is one; else, for
   * `"one"` the expression under the cursor, for `"pending"` every shown pending expression.
   */
  targets(scope: "one" | "pending"): number[] {
    if (this.selection.size > 0) return this.rows.filter((e) => this.selection.has(e.id)).map((e) => e.id);
    if (scope === "one") return this.current ? [this.current.id] : [];
    return this.rows.filter((expression) => expression.status === "pending").map((expression) =>
      expression.id
    );
  }

  /** Shows the dropped expressions (with their reasons), or hides them again. */
  toggleDropped(): void {
    this.showDropped = !this.showDropped;
    this.#rebuild();
    this.#changed();
  }

  /** Shows the details of the expression under the cursor on the whole screen. */
  openDetails(): void {
    if (!this.current) return;
    this.mode = "details";
    this.detailsScroll = 0;
    this.#changed();
  }

  closeDetails(): void {
    this.mode = "list";
    this.#changed();
  }

  /** Scrolls the details by `delta` lines, within `0..max`. */
  scrollDetails(delta: number, max: number): void {
    const next = scrollWithin(this.detailsScroll, delta, max);
    if (next === this.detailsScroll) return;
    this.detailsScroll = next;
    this.#changed();
  }

  /** Opens the edit form of the expression under the cursor. */
  openForm(): void {
    const expression = this.current;
    if (!expression) return;
    this.#formFrom = this.mode === "details" ? "details" : "list";
    this.form = new ExpressionForm(expression);
    this.mode = "edit";
    this.#changed();
  }

  /** Closes the edit form (saved or not), back to where it was opened. */
  closeForm(): void {
    this.form = undefined;
    this.mode = this.#formFrom;
    this.#changed();
  }

  /** Opens the episode picker on the episode under review. */
  openPicker(pageRows: number): void {
    if (this.episodeId !== undefined) this.picker.focus(this.episodeId, pageRows);
    this.mode = "pick";
    this.#changed();
  }

  /** Closes the picker, reviewing the episode under its cursor when `choose` (not on a group header). */
  closePicker(choose: boolean): void {
    if (!choose) {
      this.mode = "list";
      this.#changed();
      return;
    }
    const chosen = this.picker.current;
    if (chosen) this.selectEpisode(chosen.id);
  }

  /** Shows `notice` on the status line (replacing the last one); `undefined` removes it. */
  notify(notice: Notice | undefined): void {
    this.notice = notice;
    this.#changed();
  }

  /** Marks an analysis of the episode under review as started; false when one already runs. */
  startAnalysis(): boolean {
    if (this.analysing !== undefined || this.episodeId === undefined) return false;
    this.analysing = this.episodeId;
    this.notice = undefined;
    this.#changed();
    return true;
  }

  /** Marks the analysis as ended, with its outcome as the message. */
  endAnalysis(notice: Notice): void {
    this.analysing = undefined;
    this.notify(notice);
  }

  /**
   * Marks a render of the group of `expression` as started; false when one already runs (one at
   * a time: the status line says which).
   */
  startRender(expression: { groupId: number; text: string }): boolean {
    if (this.rendering) return false;
    this.rendering = { groupId: expression.groupId, text: expression.text };
    this.notice = undefined;
    this.#changed();
    return true;
  }

  /** Marks the render as ended, with its outcome as the message. */
  endRender(notice: Notice): void {
    this.rendering = undefined;
    this.notify(notice);
  }
}
