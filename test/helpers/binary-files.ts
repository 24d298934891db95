import { inflateSync } from 'node:zlib';

// Binary answers parsed as their declared type: magic bytes and structure,
// not only a content-type.

function pngProblems(bytes: Buffer): string[] {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) return ['no PNG signature'];
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    chunks.push(type);
    at += 12 + length;
  }
  if (chunks[0] !== 'IHDR' || chunks.at(-1) !== 'IEND') return [`PNG chunks ${chunks.join(',')}`];
  const pixels = inflateSync(Buffer.concat(idat));
  // 8-bit RGB: one filter byte and three bytes a pixel per row.
  return pixels.length === height * (1 + width * 3) ? [] : ['PNG pixel data does not fill the image'];
}

function pdfProblems(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  if (!text.startsWith('%PDF-')) return ['no %PDF- header'];
  if (!text.trimEnd().endsWith('%%EOF')) return ['no %%EOF'];
  const startxref = Number(/startxref\s+(\d+)/.exec(text)?.[1]);
  if (!text.startsWith('xref', startxref)) return ['startxref does not point at the xref table'];
  const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
  const bad = entries.filter((offset, i) => !text.startsWith(`${i + 1} 0 obj`, offset));
  return entries.length > 0 && bad.length === 0 ? [] : ['xref offsets do not point at their objects'];
}

function mp4Problems(bytes: Buffer): string[] {
  const boxes: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = bytes.readUInt32BE(at);
    if (size < 8 || at + size > bytes.length) return [`MP4 box at ${at} has size ${size}`];
    boxes.push(bytes.toString('latin1', at + 4, at + 8));
    at += size;
  }
  return boxes[0] === 'ftyp' && boxes.includes('moov') ? [] : [`MP4 top-level boxes ${boxes.join(',')}`];
}

/** Problems with `bytes` as a file of `contentType`; [] if it parses. */
export function binaryProblems(contentType: string, bytes: Buffer): string[] {
  if (contentType.startsWith('image/png')) return pngProblems(bytes);
  if (contentType.startsWith('application/pdf')) return pdfProblems(bytes);
  if (contentType.startsWith('video/mp4')) return mp4Problems(bytes);
  if (contentType.startsWith('text/')) return bytes.length > 0 ? [] : ['empty text'];
  return [`no check for ${contentType}`];
}
