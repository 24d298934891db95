const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const EOCD_MIN = 22;

/**
 * The files (not folders) a ZIP archive's central directory lists, with their
 * uncompressed sizes; undefined when `bytes` is not a readable ZIP (ZIP64
 * included, which it does not read). Nothing is decompressed.
 */
export function zipEntries(bytes: Buffer): { name: string; size: number }[] | undefined {
  if (bytes.length < EOCD_MIN) return undefined;
  // The end record sits before a comment of at most 65535 bytes.
  const floor = Math.max(0, bytes.length - EOCD_MIN - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - EOCD_MIN; i >= floor; i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const entries: { name: string; size: number }[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_ENTRY) return undefined;
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (at + 46 + nameLength > bytes.length || size === 0xffffffff) return undefined;
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    if (!name.endsWith('/')) entries.push({ name, size });
    at += 46 + skip;
  }
  return entries;
}
