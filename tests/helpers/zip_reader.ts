/**
 * Reads a ZIP archive back for tests (no `unzip` needed): finds the end record, walks the
 * central directory, checks each local header against it, inflates deflated entries and
 * checks every CRC-32 — with its own CRC code, so that it does not share a bug with the writer.
 */

/** One entry of an archive. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  data: Uint8Array;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The entries of a ZIP archive in central-directory order; throws on any inconsistency. */
export async function readZip(bytes: Uint8Array): Promise<ZipEntry[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("no end of central directory record");
  const count = view.getUint16(end + 10, true);
  if (view.getUint16(end + 8, true) !== count) throw new Error("entry counts disagree");
  const size = view.getUint32(end + 12, true);
  let at = view.getUint32(end + 16, true);
  if (at + size !== end) throw new Error("the central directory does not end where the end record starts");
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`bad central header ${n}`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const uncompressed = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const offset = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;

    if (view.getUint32(offset, true) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const localName = decoder.decode(
      bytes.subarray(offset + 30, offset + 30 + view.getUint16(offset + 26, true)),
    );
    if (localName !== name) throw new Error(`local name ${localName} differs from ${name}`);
    if (view.getUint16(offset + 8, true) !== method) throw new Error(`methods differ for ${name}`);
    if (view.getUint32(offset + 14, true) !== crc) throw new Error(`CRCs differ for ${name}`);
    const start = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    if (raw.length !== compressed) throw new Error(`${name} is truncated`);
    const data = method === 0 ? raw.slice() : method === 8 ? await inflateRaw(raw) : undefined;
    if (!data) throw new Error(`${name}: unsupported method ${method}`);
    if (data.length !== uncompressed) {
      throw new Error(`${name}: ${data.length} bytes, header says ${uncompressed}`);
    }
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.push({ name, method, flags, data });
  }
  return entries;
}
