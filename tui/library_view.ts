/**
 * What the Library screen shows and where the person is in it: the rows (after the filter),
 * the cursor, the selection, a range being selected, the filter being typed, whether the
 * details of an episode are open, and the batch and export forms.
 *
 * It is a small store outside React (read through `useSyncExternalStore`), for two reasons.
 * Keys that arrive together (a paste, a burst from tmux) are all handled before React renders
 * again, so each must see what the one before changed; and a key press must cost O(1) (or
 * O(rows it changes)), not O(library): the selection is a `Set` changed in place, with counts
 * kept per group, where copying it per key would be O(selected).
 * @module
 */
import type { Episode } from "../shared/schemas.ts";
import { BatchForm } from "./batch_form.ts";
import { ExportForm, type ExportTarget } from "./export_form.ts";
import { buildRows, type EpisodeGroup, groupEpisodes, type LibraryRows, NO_ROWS } from "./library_rows.ts";
import { clampRow, jumpRow, scrollWithin } from "./list_cursor.ts";
import type { ColorRole } from "./theme.ts";

/** A message on the screen's status line, until the next one. */
export interface Notice {
  readonly text: string;
  readonly role: ColorRole;
}

interface Range {
  /** The row where `v` was pressed. */
  readonly anchor: number;
  /** The selection before the range began: rows that leave the range go back to it. */
  readonly base: ReadonlySet<number>;
}

/** The Library screen's view state; every change notifies subscribers once. */
export class LibraryView {
  #version = 0;
  readonly #listeners = new Set<() => void>();
  #groups: readonly EpisodeGroup[] = [];
  /** Whether an episode list has arrived (an empty one included). */
  loaded = false;
  rows: LibraryRows = NO_ROWS;
  /** Episodes in the library (also those the filter hides). */
  total = 0;
  /** The filter text; applied as it is typed. */
  filter = "";
  /** Whether the filter is being typed: keys go to it. */
  filterOpen = false;
  cursor = 0;
  /** The first row of the window the list was last shown in; see `windowStart`. */
  top = 0;
  /** Ids of the selected episodes, also of those the filter hides. */
  readonly selection = new Set<number>();
  /** Selected episodes per group, indexed by the group's header row. */
  #groupSelected = new Int32Array(0);
  /** Selected episodes among the shown rows. */
  #shownSelected = 0;
  #range: Range | undefined;
  /** The episode whose details are open, if any. */
  details: number | undefined;
  detailsScroll = 0;
  notice: Notice | undefined;
  /** The form that starts a batch, while it is open. */
  batch: BatchForm | undefined;
  /** The form that exports episodes, while it is open. */
  exportForm: ExportForm | undefined;

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

  /** Tells subscribers about a change made from outside, e.g. to the {@link batch} form. */
  touch(): void {
    this.#changed();
  }

  /** Whether a range is being selected (`v`). */
  get ranging(): boolean {
    return this.#range !== undefined;
  }

  /** Selected episodes that the filter hides. */
  get hiddenSelected(): number {
    return this.selection.size - this.#shownSelected;
  }

  /** How many episodes of the group whose header is at `row` are selected. */
  selectedInGroup(row: number): number {
    return this.#groupSelected[row] ?? 0;
  }

  /** The episode under the cursor, if the cursor is on one. */
  get current(): Episode | undefined {
    const row = this.rows.rows[this.cursor];
    return row?.kind === "episode" ? row.episode : undefined;
  }

  /** Shows a new episode list (library order), keeping cursor and selection where they still apply. */
  setEpisodes(episodes: readonly Episode[]): void {
    this.#groups = groupEpisodes(episodes);
    this.loaded = true;
    this.total = episodes.length;
    const present = new Set(episodes.map((episode) => episode.id));
    for (const id of this.selection) if (!present.has(id)) this.selection.delete(id);
    if (this.details !== undefined && !present.has(this.details)) this.details = undefined;
    this.#rebuild(false);
    this.#changed();
  }

  #rebuild(filterChanged: boolean): void {
    const before = this.rows.rows[this.cursor];
    this.rows = buildRows(this.#groups, this.filter);
    this.#range = undefined; // its anchor was a row index of the old rows
    const { rows, rowOf } = this.rows;
    this.#groupSelected = new Int32Array(rows.length);
    this.#shownSelected = 0;
    rows.forEach((row) => {
      if (row.kind === "episode" && this.selection.has(row.episode.id)) {
        this.#groupSelected[row.group]++;
        this.#shownSelected++;
      }
    });
    let cursor = before?.kind === "episode"
      ? rowOf.get(before.episode.id)
      : before
      ? rows.findIndex((row) => row.kind === "group" && row.title === before.title)
      : undefined;
    if (cursor === undefined || cursor < 0) {
      cursor = filterChanged ? 0 : Math.min(this.cursor, rows.length - 1);
    }
    this.cursor = Math.max(0, cursor);
    if (filterChanged) this.top = 0;
  }

  #set(row: number, on: boolean): void {
    const entry = this.rows.rows[row];
    if (entry?.kind !== "episode") return;
    const id = entry.episode.id;
    if (on === this.selection.has(id)) return;
    const step = on ? 1 : -1;
    if (on) this.selection.add(id);
    else this.selection.delete(id);
    this.#groupSelected[entry.group] += step;
    this.#shownSelected += step;
  }

  #moveTo(target: number, pageRows: number): void {
    const count = this.rows.rows.length;
    const next = clampRow(target, count);
    if (count === 0 || next === this.cursor) return;
    const previous = this.cursor;
    this.cursor = next;
    this.top = Math.min(Math.max(this.top, next - pageRows + 1), next);
    const range = this.#range;
    if (range) {
      // Only rows between the old and the new cursor can enter or leave the range.
      const within = (row: number, end: number) =>
        row >= Math.min(range.anchor, end) && row <= Math.max(range.anchor, end);
      for (let row = Math.min(previous, next); row <= Math.max(previous, next); row++) {
        const was = within(row, previous);
        const is = within(row, next);
        if (is && !was) this.#set(row, true);
        else if (was && !is) {
          const entry = this.rows.rows[row];
          if (entry.kind === "episode") this.#set(row, range.base.has(entry.episode.id));
        }
      }
    }
    this.#changed();
  }

  /** Moves the cursor by `delta` rows; `pageRows` is the height of the list's window. */
  move(delta: number, pageRows: number): void {
    this.#moveTo(this.cursor + delta, pageRows);
  }

  /** Moves the cursor to the first row (`"start"`) or the last. */
  jump(to: "start" | "end", pageRows: number): void {
    this.#moveTo(jumpRow(to, this.rows.rows.length), pageRows);
  }

  /** Moves the cursor onto episode `id`, if it is shown. */
  focus(id: number, pageRows: number): void {
    const row = this.rows.rowOf.get(id);
    if (row !== undefined) this.#moveTo(row, pageRows);
  }

  /**
   * Selects or unselects the episode under the cursor; on a group header, the group's shown
   * episodes (unselecting them when all are selected).
   */
  toggle(): void {
    const row = this.rows.rows[this.cursor];
    if (!row) return;
    this.#range = undefined;
    if (row.kind === "episode") {
      this.#set(this.cursor, !this.selection.has(row.episode.id));
    } else {
      const on = this.#groupSelected[this.cursor] < row.size;
      for (let i = this.cursor + 1; i <= this.cursor + row.size; i++) this.#set(i, on);
    }
    this.#changed();
  }

  /** Selects every shown episode (all, or those the filter keeps). */
  selectAll(): void {
    this.#range = undefined;
    for (let i = 0; i < this.rows.rows.length; i++) this.#set(i, true);
    this.#changed();
  }

  /** Unselects everything, ends a range and removes the filter. */
  clear(): void {
    this.selection.clear();
    this.#groupSelected.fill(0);
    this.#shownSelected = 0;
    this.#range = undefined;
    this.notice = undefined;
    if (this.filter !== "" || this.filterOpen) {
      this.filter = "";
      this.filterOpen = false;
      this.#rebuild(true);
    }
    this.#changed();
  }

  /** Starts a range at the cursor (selecting its row), or ends the one being selected. */
  toggleRange(): void {
    if (this.#range) {
      this.#range = undefined;
    } else if (this.rows.rows.length > 0) {
      this.#range = { anchor: this.cursor, base: new Set(this.selection) };
      this.#set(this.cursor, true);
    }
    this.#changed();
  }

  /** Opens the filter input (keeping the current filter text to edit). */
  openFilter(): void {
    this.filterOpen = true;
    this.#changed();
  }

  /** Changes the filter text; the rows follow at once. */
  setFilter(text: string): void {
    if (text === this.filter) return;
    this.filter = text;
    this.#rebuild(true);
    this.#changed();
  }

  /** Closes the filter input, keeping its text (`keep`) or removing the filter. */
  closeFilter(keep: boolean): void {
    this.filterOpen = false;
    if (!keep && this.filter !== "") {
      this.filter = "";
      this.#rebuild(true);
    }
    this.#changed();
  }

  /** Opens the details of the episode under the cursor; nothing on a group header. */
  openDetails(): void {
    const episode = this.current;
    if (!episode) return;
    this.details = episode.id;
    this.detailsScroll = 0;
    this.#changed();
  }

  closeDetails(): void {
    this.details = undefined;
    this.#changed();
  }

  /** Scrolls the details by `delta` lines, within `0..max`. */
  scrollDetails(delta: number, max: number): void {
    const next = scrollWithin(this.detailsScroll, delta, max);
    if (next === this.detailsScroll) return;
    this.detailsScroll = next;
    this.#changed();
  }

  /**
   * What a batch would be for: the selected episodes (hidden ones included) in the list's
   * order, or else the episode under the cursor.
   */
  batchEpisodes(): Episode[] {
    if (this.selection.size === 0) return this.current ? [this.current] : [];
    return this.#groups.flatMap((group) => group.episodes.filter((e) => this.selection.has(e.id)));
  }

  /** Opens the batch form for `episodes`. */
  openBatch(episodes: readonly Episode[]): void {
    this.#range = undefined;
    this.batch = new BatchForm(episodes);
    this.#changed();
  }

  /** Closes the batch form; once it started a batch, the selection it was for is cleared too. */
  closeBatch(): void {
    if (this.batch?.started) {
      this.selection.clear();
      this.#groupSelected.fill(0);
      this.#shownSelected = 0;
    }
    this.batch = undefined;
    this.#changed();
  }

  /** Opens the export form for `target`. */
  openExport(target: ExportTarget): void {
    this.#range = undefined;
    this.exportForm = new ExportForm(target);
    this.#changed();
  }

  /** Closes the export form (the selection stays: the same episodes may be exported again). */
  closeExport(): void {
    this.exportForm = undefined;
    this.#changed();
  }

  /** Shows `text` on the status line (replacing the last notice); `undefined` removes it. */
  notify(notice: Notice | undefined): void {
    this.notice = notice;
    this.#changed();
  }
}
