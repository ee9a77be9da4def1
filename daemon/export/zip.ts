/**
 * A small ZIP writer (PKWARE APPNOTE 6.3: local headers, central directory, end record; no
 * ZIP64, so at most 65,535 entries and 4 GiB). Entries are stored or deflated with the
 * platform's `CompressionStream("deflate-raw")`; names are flagged UTF-8. Python's `zipfile`
 * (which Anki uses for `.apkg` files) and `unzip` read both kinds.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the ZIP one) of `bytes`, continuing from `crc` when given. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** MS-DOS date and time (local time, two-second resolution), as ZIP headers carry them. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

interface Entry {
  name: Uint8Array;
  method: 0 | 8;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

const UTF8_FLAG = 0x0800;
const MAX_32 = 0xffffffff;

/**
 * Writes a ZIP archive to a file, one entry at a time (each entry is held in memory while it
 * is added). Call {@link ZipWriter.close} to write the central directory.
 */
export class ZipWriter {
  readonly #file: Deno.FsFile;
  readonly #entries: Entry[] = [];
  readonly #names = new Set<string>();
  readonly #modified: { time: number; date: number };
  #offset = 0;
  #closed = false;

  private constructor(file: Deno.FsFile, modified: Date) {
    this.#file = file;
    this.#modified = dosDateTime(modified);
  }

  /** Creates (or truncates) `path`. `modified` is the time every entry carries. */
  static async create(path: string, options: { modified?: Date } = {}): Promise<ZipWriter> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    return new ZipWriter(file, options.modified ?? new Date());
  }

  /** Adds an entry; `deflate` compresses it (worth it for text and SQLite, not for mp3 or jpg). */
  async add(name: string, bytes: Uint8Array, options: { deflate?: boolean } = {}): Promise<void> {
    if (this.#closed) throw new Error("The ZIP archive is already closed.");
    if (this.#names.has(name)) throw new Error(`The ZIP archive already holds ${name}.`);
    if (this.#entries.length >= 0xffff) throw new Error("A ZIP archive without ZIP64 holds 65,535 entries.");
    const encodedName = new TextEncoder().encode(name);
    const crc = crc32(bytes);
    let data = bytes;
    let method: 0 | 8 = 0;
    if (options.deflate) {
      const deflated = await deflateRaw(bytes);
      // incompressible data is stored: it would only grow
      if (deflated.length < bytes.length) {
        data = deflated;
        method = 8;
      }
    }
    if (bytes.length > MAX_32 || this.#offset + 30 + encodedName.length + data.length > MAX_32) {
      throw new Error(`${name} does not fit a ZIP archive without ZIP64 (4 GiB).`);
    }
    const entry: Entry = {
      name: encodedName,
      method,
      crc,
      compressedSize: data.length,
      size: bytes.length,
      offset: this.#offset,
      ...this.#modified,
    };
    const header = new Uint8Array(30 + encodedName.length);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0x04034b50, true); // local file header signature
    view.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    view.setUint16(6, UTF8_FLAG, true);
    view.setUint16(8, method, true);
    view.setUint16(10, entry.time, true);
    view.setUint16(12, entry.date, true);
    view.setUint32(14, crc, true);
    view.setUint32(18, data.length, true);
    view.setUint32(22, bytes.length, true);
    view.setUint16(26, encodedName.length, true);
    view.setUint16(28, 0, true); // extra field length
    header.set(encodedName, 30);
    await this.#write(header);
    await this.#write(data);
    this.#entries.push(entry);
    this.#names.add(name);
  }

  /** Writes the central directory and the end record, and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      const start = this.#offset;
      for (const e of this.#entries) {
        const record = new Uint8Array(46 + e.name.length);
        const view = new DataView(record.buffer);
        view.setUint32(0, 0x02014b50, true); // central directory header signature
        view.setUint16(4, (3 << 8) | 20, true); // made by: Unix, 2.0
        view.setUint16(6, 20, true);
        view.setUint16(8, UTF8_FLAG, true);
        view.setUint16(10, e.method, true);
        view.setUint16(12, e.time, true);
        view.setUint16(14, e.date, true);
        view.setUint32(16, e.crc, true);
        view.setUint32(20, e.compressedSize, true);
        view.setUint32(24, e.size, true);
        view.setUint16(28, e.name.length, true);
        // extra, comment, disk number, internal attributes: 0
        view.setUint32(38, (0o100644 << 16) >>> 0, true); // external attributes: a regular file, rw-r--r--
        view.setUint32(42, e.offset, true);
        record.set(e.name, 46);
        await this.#write(record);
      }
      const size = this.#offset - start;
      const end = new Uint8Array(22);
      const view = new DataView(end.buffer);
      view.setUint32(0, 0x06054b50, true); // end of central directory signature
      view.setUint16(8, this.#entries.length, true);
      view.setUint16(10, this.#entries.length, true);
      view.setUint32(12, size, true);
      view.setUint32(16, start, true);
      await this.#write(end);
    } finally {
      this.#closed = true;
      this.#file.close();
    }
  }

  /** Closes the file without finishing the archive (after a failure). */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    this.#offset += bytes.length;
  }
}
