/**
 * Just enough EXIF and XMP reading for `metadata: copyright_only`: the Artist and Copyright tags of
 * IFD0, and the Dublin Core creator and rights of an XMP packet. Everything here reads bytes a
 * client sent, so every offset is checked and anything malformed reads as "nothing found".
 */

export interface CopyrightFields {
  artist?: string;
  copyright?: string;
  /** A minimal XMP packet with only dc:creator and dc:rights, when the input's XMP had them. */
  xmp?: string;
}

const TAG_ARTIST = 0x013b;
const TAG_COPYRIGHT = 0x8298;
const TYPE_ASCII = 2;
const MAX_TEXT = 2000;

/** The IFD0 entries of an EXIF block (sharp's `metadata().exif`: `Exif\0\0` + a TIFF header). */
export function readIfd0(exif: Buffer): Map<number, { type: number; count: number; valueAt: number }> {
  const entries = new Map<number, { type: number; count: number; valueAt: number }>();
  const start = exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? 6 : 0;
  const tiff = exif.subarray(start);
  if (tiff.length < 8) return entries;
  const order = tiff.subarray(0, 2).toString("latin1");
  if (order !== "II" && order !== "MM") return entries;
  const le = order === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return entries;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.length) break;
    const type = u16(at + 2);
    const n = u32(at + 4);
    // Values of up to four bytes sit in the entry itself; longer ones at an offset.
    const valueAt = n <= 4 ? at + 8 : u32(at + 8);
    entries.set(u16(at), { type, count: n, valueAt: valueAt + start });
  }
  return entries;
}

function asciiTag(exif: Buffer, entries: ReturnType<typeof readIfd0>, tag: number): string | undefined {
  const entry = entries.get(tag);
  if (!entry || entry.type !== TYPE_ASCII || entry.count === 0) return undefined;
  const end = Math.min(entry.valueAt + Math.min(entry.count, MAX_TEXT), exif.length);
  if (entry.valueAt >= end) return undefined;
  const text = exif.subarray(entry.valueAt, end).toString("utf8").split("\0")[0]!.trim();
  return text || undefined;
}

/** Whether the EXIF block points at a GPS IFD (tag 0x8825): what "GPS is dropped" is checked against. */
export const hasGpsIfd = (exif: Buffer) => readIfd0(exif).has(0x8825);

const DC_FIELD = /<dc:(creator|rights)\b[^>]*>[\s\S]{0,4000}?<\/dc:\1>/g;

/** dc:creator and dc:rights copied into a packet of their own; everything else in the XMP is dropped. */
export function creatorXmp(xmp: Buffer | undefined): string | undefined {
  if (!xmp || xmp.length > 512 * 1024) return undefined;
  const fields = xmp.toString("utf8").match(DC_FIELD);
  if (!fields) return undefined;
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">${fields.join("")}</rdf:Description>` +
    "</rdf:RDF></x:xmpmeta>"
  );
}

/** The credit an image carries: what `copyright_only` keeps. */
export function copyrightOf(meta: { exif?: Buffer; xmp?: Buffer }): CopyrightFields {
  const fields: CopyrightFields = {};
  if (meta.exif) {
    const entries = readIfd0(meta.exif);
    fields.artist = asciiTag(meta.exif, entries, TAG_ARTIST);
    fields.copyright = asciiTag(meta.exif, entries, TAG_COPYRIGHT);
  }
  fields.xmp = creatorXmp(meta.xmp);
  return fields;
}
