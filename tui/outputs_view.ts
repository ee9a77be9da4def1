/**
 * What the Outputs screen shows and where the person is in it: the rendered videos (newest
 * first, after the filter), the cursor, the selection, whether the details of one are open,
 * the filter being typed, marks sent to the daemon and not answered yet, and the latest message.
 *
 * A small store outside React, like `LibraryView` and `ReviewView` and for the same reasons:
 * keys that arrive together must each see what the one before changed (`m m` marks and then
 * unmarks, not marks twice), and a key costs O(1), not O(videos).
 * @module
 */
import type { Render } from "../shared/render.ts";
import { filterWords } from "./library_rows.ts";
import { jumpRow, moveCursor, scrollWithin, toggleSelected } from "./list_cursor.ts";
import type { Notice } from "./library_view.ts";
import { renderHaystack } from "./render_lines.ts";

/** What the screen shows: the list (with the details of the current video below), or one video's details. */
export type OutputsMode = "list" | "details";

/** A `renders.mark` call on its way: what it asked, and what the videos were before. */
export interface MarkCall {
  readonly seq: number;
  readonly ids: readonly number[];
  readonly marked: boolean;
  /** Each video's mark before the call, to put back if it fails. */
  readonly before: ReadonlyMap<number, boolean>;
}

/** The Outputs screen's view state; every change notifies subscribers once. */
export class OutputsView {
  #version = 0;
  readonly #listeners = new Set<() => void>();
  /** Every rendered video, newest first. */
  renders: readonly Render[] = [];
  #byId = new Map<number, Render>();
  #haystacks = new Map<number, string>();
  /** Whether a list has arrived (an empty one included). */
  loaded = false;
  /** The filter text; applied as it is typed. */
  filter = "";
  /** Whether the filter is being typed: keys go to it. */
  filterOpen = false;
  /** The videos shown: all, or those the filter keeps. */
  rows: readonly Render[] = [];
  #rowOf = new Map<number, number>();
  cursor = 0;
  /** The first row of the window the list was last shown in; see `windowStart`. */
  top = 0;
  /** Ids of the selected videos, also of those the filter hides. */
  readonly selection = new Set<number>();
  mode: OutputsMode = "list";
  detailsScroll = 0;
  notice: Notice | undefined;
  /** The latest unanswered mark call of each video, by video id: the daemon's list is older. */
  readonly #marking = new Map<number, number>();
  #markCalls = 0;

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

  /** The video under the cursor. */
  get current(): Render | undefined {
    return this.rows[this.cursor];
  }

  /** A video by id. */
  render(id: number): Render | undefined {
    return this.#byId.get(id);
  }

  /** How many videos are marked for the calendar. */
  get markedCount(): number {
    let count = 0;
    for (const render of this.renders) if (render.marked) count++;
    return count;
  }

  /** Selected videos that the filter hides. */
  get hiddenSelected(): number {
    let shown = 0;
    for (const id of this.selection) if (this.#rowOf.has(id)) shown++;
    return this.selection.size - shown;
  }

  /**
   * Shows a new list (newest first), keeping cursor, selection and open details where they
   * still apply, and marks the daemon has not answered yet.
   */
  setRenders(renders: readonly Render[]): void {
    this.#setAll(renders.map((render) => {
      if (!this.#marking.has(render.id)) return render;
      const local = this.#byId.get(render.id);
      return local && local.marked !== render.marked ? { ...render, marked: local.marked } : render;
    }));
    this.loaded = true;
    for (const id of this.selection) if (!this.#byId.has(id)) this.selection.delete(id);
    this.#rebuild(false);
    this.#changed();
  }

  #setAll(renders: readonly Render[]): void {
    this.renders = renders;
    this.#byId = new Map(renders.map((render) => [render.id, render]));
    for (const render of renders) {
      if (!this.#haystacks.has(render.id)) this.#haystacks.set(render.id, renderHaystack(render));
    }
  }

  /** Puts videos in place of the shown ones with the same id (their text is the same: only marks change). */
  #replace(updated: ReadonlyMap<number, Render>): void {
    if (updated.size === 0) return;
    this.#setAll(this.renders.map((render) => updated.get(render.id) ?? render));
    this.rows = this.rows.map((render) => updated.get(render.id) ?? render);
  }

  #rebuild(filterChanged: boolean): void {
    const before = this.rows[this.cursor]?.id;
    const words = filterWords(this.filter);
    this.rows = words.length === 0 ? this.renders : this.renders.filter((render) => {
      const haystack = this.#haystacks.get(render.id) ?? "";
      return words.every((word) => haystack.includes(word));
    });
    this.#rowOf = new Map(this.rows.map((render, i) => [render.id, i]));
    const row = before === undefined ? undefined : this.#rowOf.get(before);
    this.cursor = Math.max(0, row ?? (filterChanged ? 0 : Math.min(this.cursor, this.rows.length - 1)));
    if (filterChanged && row === undefined) this.top = 0;
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

  /** Selects or unselects the video under the cursor. */
  toggle(): void {
    const id = this.current?.id;
    if (id === undefined) return;
    toggleSelected(this.selection, id);
    this.#changed();
  }

  /** Unselects everything, removes the filter and the message. */
  clear(): void {
    this.selection.clear();
    this.notice = undefined;
    if (this.filter !== "" || this.filterOpen) {
      this.filter = "";
      this.filterOpen = false;
      this.#rebuild(true);
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

  /** Shows the details of the video under the cursor on the whole screen. */
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

  /**
   * What `m` changes: the selection (in list order, hidden ones included) or else the video
   * under the cursor; they all become marked unless every one of them already is.
   */
  markTargets(): { ids: number[]; marked: boolean } | undefined {
    const ids = this.selection.size > 0
      ? this.renders.filter((render) => this.selection.has(render.id)).map((render) => render.id)
      : this.current
      ? [this.current.id]
      : [];
    if (ids.length === 0) return undefined;
    return { ids, marked: !ids.every((id) => this.#byId.get(id)?.marked) };
  }

  /** Shows `ids` as `marked` at once, until the daemon answers the call this returns. */
  beginMark(ids: readonly number[], marked: boolean): MarkCall {
    const seq = ++this.#markCalls;
    const before = new Map<number, boolean>();
    const updated = new Map<number, Render>();
    for (const id of ids) {
      const render = this.#byId.get(id);
      if (!render) continue;
      before.set(id, render.marked);
      this.#marking.set(id, seq);
      if (render.marked !== marked) updated.set(id, { ...render, marked });
    }
    this.#replace(updated);
    this.#changed();
    return { seq, ids, marked, before };
  }

  /**
   * Ends `call` with the daemon's answer (the videos as they are now), or with `undefined` when
   * it failed: the marks go back to what they were. Videos a later call changed again keep
   * that call's mark.
   */
  endMark(call: MarkCall, answer: readonly Render[] | undefined): void {
    const answered = new Map((answer ?? []).map((render) => [render.id, render]));
    const updated = new Map<number, Render>();
    for (const id of call.ids) {
      if (this.#marking.get(id) !== call.seq) continue;
      this.#marking.delete(id);
      const render = this.#byId.get(id);
      if (!render) continue;
      const next = answer ? answered.get(id) : { ...render, marked: call.before.get(id) ?? render.marked };
      if (next) updated.set(id, next);
    }
    this.#replace(updated);
    this.#changed();
  }

  /** Shows `notice` on the status line (replacing the last one); `undefined` removes it. */
  notify(notice: Notice | undefined): void {
    this.notice = notice;
    this.#changed();
  }
}
