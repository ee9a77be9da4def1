/**
 * Anki packages (`.apkg`): a ZIP holding `collection.anki2` (an SQLite collection in Anki's
 * schema 11, which every Anki 2.1 and later imports), `media` (JSON mapping the numbered media
 * entries "0", "1"... to file names) and the media files themselves. The schema and the `col`
 * row follow what Anki's own legacy export and genanki write; notes carry the export time as
 * `mod`, since Anki updates a note it already has (same GUID and note type) only when the
 * incoming one is newer.
 */
import { DatabaseSync } from "node:sqlite";
import { basename, join } from "@std/path";
import { CARD_CSS, CARD_TEMPLATE, NOTE_FIELDS, NOTE_TYPE_ID, NOTE_TYPE_NAME } from "./note_type.ts";
import { type ExportNote, fieldValues, stripHtml } from "./notes.ts";
import { ZipWriter } from "./zip.ts";

const SCHEMA = `
CREATE TABLE col (
    id              integer primary key,
    crt             integer not null,
    mod             integer not null,
    scm             integer not null,
    ver             integer not null,
    dty             integer not null,
    usn             integer not null,
    ls              integer not null,
    conf            text not null,
    models          text not null,
    decks           text not null,
    dconf           text not null,
    tags            text not null
);
CREATE TABLE notes (
    id              integer primary key,
    guid            text not null,
    mid             integer not null,
    mod             integer not null,
    usn             integer not null,
    tags            text not null,
    flds            text not null,
    sfld            integer not null,
    csum            integer not null,
    flags           integer not null,
    data            text not null
);
CREATE TABLE cards (
    id              integer primary key,
    nid             integer not null,
    did             integer not null,
    ord             integer not null,
    mod             integer not null,
    usn             integer not null,
    type            integer not null,
    queue           integer not null,
    due             integer not null,
    ivl             integer not null,
    factor          integer not null,
    reps            integer not null,
    lapses          integer not null,
    left            integer not null,
    odue            integer not null,
    odid            integer not null,
    flags           integer not null,
    data            text not null
);
CREATE TABLE revlog (
    id              integer primary key,
    cid             integer not null,
    usn             integer not null,
    ease            integer not null,
    ivl             integer not null,
    lastIvl         integer not null,
    factor          integer not null,
    time            integer not null,
    type            integer not null
);
CREATE TABLE graves (
    usn             integer not null,
    oid             integer not null,
    type            integer not null
);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
`;

/** Anki's checksum of a note: the first 4 bytes of the SHA-1 of its first field without HTML. */
export async function fieldChecksum(firstField: string): Promise<number> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(stripHtml(firstField)));
  return new DataView(digest).getUint32(0);
}

/** A deck id stable for a deck name (13 digits, like Anki's millisecond ids). */
export async function deckId(name: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(name)));
  let n = 0;
  for (const b of digest.subarray(0, 5)) n = n * 256 + b;
  return 1_000_000_000_000 + (n % 8_000_000_000_000);
}

function noteTypeJson(nowSecs: number, did: number) {
  return {
    id: NOTE_TYPE_ID,
    name: NOTE_TYPE_NAME,
    type: 0,
    mod: nowSecs,
    usn: -1,
    sortf: 0,
    did,
    tmpls: [{
      name: CARD_TEMPLATE.name,
      ord: 0,
      qfmt: CARD_TEMPLATE.front,
      afmt: CARD_TEMPLATE.back,
      bqfmt: "",
      bafmt: "",
      did: null,
      bfont: "",
      bsize: 0,
    }],
    flds: NOTE_FIELDS.map((name, ord) => ({
      name,
      ord,
      sticky: false,
      rtl: false,
      font: "Arial",
      size: 20,
      media: [],
    })),
    css: CARD_CSS,
    latexPre:
      "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
    latexPost: "\\end{document}",
    latexsvg: false,
    // a card needs the Expression or the Sentence on its front
    req: [[0, "any", [NOTE_FIELDS.indexOf("Expression"), NOTE_FIELDS.indexOf("Sentence")]]],
    tags: [],
    vers: [],
  };
}

function deckJson(id: number, name: string, nowSecs: number, description = "") {
  return {
    id,
    name,
    desc: description,
    mod: nowSecs,
    usn: -1,
    collapsed: false,
    browserCollapsed: false,
    dyn: 0,
    conf: 1,
    extendNew: 0,
    extendRev: 0,
    newToday: [0, 0],
    revToday: [0, 0],
    lrnToday: [0, 0],
    timeToday: [0, 0],
  };
}

const DECK_CONFIG = {
  id: 1,
  mod: 0,
  name: "Default",
  usn: 0,
  maxTaken: 60,
  autoplay: true,
  timer: 0,
  replayq: true,
  dyn: false,
  new: { bury: false, delays: [1, 10], initialFactor: 2500, ints: [1, 4, 0], order: 1, perDay: 20 },
  rev: { bury: false, ease4: 1.3, ivlFct: 1, maxIvl: 36500, perDay: 200, hardFactor: 1.2 },
  lapse: { delays: [10], leechAction: 1, leechFails: 8, minInt: 1, mult: 0 },
};

/**
 * Writes `notes` as an Anki package at `path`: one card per note in deck `deckName`, and the
 * media files the notes name, read from `mediaDir`. `workDir` holds the SQLite file while it
 * is built. Returns the counts written.
 */
export async function writeApkg(
  path: string,
  input: {
    notes: ExportNote[];
    deckName: string;
    deckDescription?: string;
    mediaDir?: string;
    workDir: string;
    now?: Date;
  },
): Promise<{ notes: number; cards: number; mediaFiles: number }> {
  const now = input.now ?? new Date();
  const nowMs = now.getTime();
  const nowSecs = Math.floor(nowMs / 1000);
  const did = await deckId(input.deckName);
  const dbPath = join(input.workDir, `collection-${crypto.randomUUID().slice(0, 8)}.anki2`);
  const db = new DatabaseSync(dbPath);
  try {
    db.exec(SCHEMA);
    db.exec("BEGIN");
    db.prepare("INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')").run(
      BigInt(Math.floor(nowSecs / 86_400) * 86_400),
      BigInt(nowMs),
      BigInt(nowMs),
      JSON.stringify({
        activeDecks: [1],
        addToCur: true,
        collapseTime: 1200,
        curDeck: 1,
        curModel: String(NOTE_TYPE_ID),
        dueCounts: true,
        estTimes: true,
        newBury: true,
        newSpread: 0,
        nextPos: input.notes.length + 1,
        sortBackwards: false,
        sortType: "noteFld",
        timeLim: 0,
      }),
      JSON.stringify({ [NOTE_TYPE_ID]: noteTypeJson(nowSecs, did) }),
      JSON.stringify({
        "1": deckJson(1, "Default", nowSecs),
        [did]: deckJson(did, input.deckName, nowSecs, input.deckDescription),
      }),
      JSON.stringify({ "1": DECK_CONFIG }),
    );
    const insertNote = db.prepare("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')");
    const insertCard = db.prepare(
      "INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
    );
    // ids: the export time in ms, counted up (notes and cards in separate ranges)
    for (const [i, note] of input.notes.entries()) {
      const noteId = BigInt(nowMs + i);
      const fields = fieldValues(note);
      insertNote.run(
        noteId,
        note.guid,
        BigInt(NOTE_TYPE_ID),
        BigInt(nowSecs),
        ` ${note.tags.join(" ")} `,
        fields.join("\x1f"),
        stripHtml(fields[0]),
        BigInt(await fieldChecksum(fields[0])),
      );
      insertCard.run(
        BigInt(nowMs + input.notes.length + i),
        noteId,
        BigInt(did),
        BigInt(nowSecs),
        BigInt(i + 1),
      );
    }
    db.exec("COMMIT");
  } finally {
    db.close();
  }

  const media = [...new Set(input.notes.flatMap((n) => [n.media.audio, n.media.screenshot]))]
    .filter((name): name is string => Boolean(name));
  if (media.length && !input.mediaDir) {
    throw new Error("The notes name media files but no media folder was given.");
  }
  const zip = await ZipWriter.create(path, { modified: now });
  try {
    await zip.add("collection.anki2", await Deno.readFile(dbPath), { deflate: true });
    await Deno.remove(dbPath);
    const map = Object.fromEntries(media.map((name, i) => [String(i), basename(name)]));
    await zip.add("media", new TextEncoder().encode(JSON.stringify(map)), { deflate: true });
    for (const [i, name] of media.entries()) {
      // mp3 and jpg are compressed already
      await zip.add(String(i), await Deno.readFile(join(input.mediaDir!, name)));
    }
    await zip.close();
  } catch (error) {
    zip.abort();
    throw error;
  }
  return { notes: input.notes.length, cards: input.notes.length, mediaFiles: media.length };
}
