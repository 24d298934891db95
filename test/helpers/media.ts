import { crc32, inflateSync } from 'node:zlib';

/**
 * Decodes an 8-bit RGB, non-interlaced PNG as far as a viewer would: the
 * signature, every chunk's CRC, IHDR, the inflated IDAT's length and filter
 * bytes. Throws on the first fault; returns the size and the first pixel.
 */
export function decodePng(png: Buffer): { width: number; height: number; firstPixel: number[] } {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('no PNG signature');
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (png.readUInt32BE(at + 8 + length) !== crc32(png.subarray(at + 4, at + 8 + length)))
      throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 2 || data[12] !== 0) throw new Error('not 8-bit RGB non-interlaced');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!ended || at !== png.length) throw new Error('no IEND at the end');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = 1 + width * 3;
  if (raw.length !== stride * height) throw new Error(`image data is ${raw.length} bytes, expected ${stride * height}`);
  for (let y = 0; y < height; y++) if (raw[y * stride]! > 4) throw new Error(`bad filter byte on row ${y}`);
  return { width, height, firstPixel: [...raw.subarray(1, 4)] };
}

/** The top-level boxes of an ISO BMFF (MP4) file; throws unless they tile the file exactly. */
export function mp4Boxes(bytes: Buffer): { type: string; body: Buffer }[] {
  const boxes: { type: string; body: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = bytes.readUInt32BE(at);
    if (size < 8 || at + size > bytes.length) throw new Error(`bad box size ${size} at ${at}`);
    boxes.push({ type: bytes.toString('latin1', at + 4, at + 8), body: bytes.subarray(at + 8, at + size) });
    at += size;
  }
  return boxes;
}

/** The movie duration in milliseconds from a version-0 `mvhd` inside `moov`. */
export function mp4DurationMs(bytes: Buffer): number {
  const moov = mp4Boxes(bytes).find((b) => b.type === 'moov');
  if (!moov) throw new Error('no moov box');
  const mvhd = mp4Boxes(moov.body).find((b) => b.type === 'mvhd');
  if (!mvhd || mvhd.body[0] !== 0) throw new Error('no version-0 mvhd');
  const timescale = mvhd.body.readUInt32BE(12);
  return (mvhd.body.readUInt32BE(16) / timescale) * 1000;
}

/** A ZIP archive whose entries are stored (not compressed), as `zip -0` writes one. */
export function storedZip(entries: { name: string; content: string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
