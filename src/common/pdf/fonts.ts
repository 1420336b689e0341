import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';

export type Weight = 'regular' | 'bold';

/** One font file of a family, for the characters its unicode-range names. */
export interface Face {
  /** Unique per file: the name a document registers the face under. */
  key: string;
  file: string;
  ranges: [number, number][];
}

/**
 * The fallback chain, in order: Noto Sans (Latin with every European accent, Cyrillic, Greek,
 * Vietnamese), Noto Sans Arabic (Arabic, Persian, Urdu) and Noto Sans SC (Chinese, and the kana
 * and hangul it carries). Each character takes the first face that has a glyph for it.
 * Fontsource ships each family split by unicode-range into small files (Noto Sans SC in about
 * a hundred): a file is read only when a text needs one of its characters.
 */
const FAMILIES = [
  '@fontsource/noto-sans',
  '@fontsource/noto-sans-arabic',
  '@fontsource/noto-sans-sc',
];
const WEIGHTS: Record<Weight, number> = { regular: 400, bold: 700 };

/** `@font-face` blocks of a fontsource CSS file: the WOFF file and its unicode-range. */
function facesOf(pkg: string, weight: number): Face[] {
  const dir = dirname(require.resolve(`${pkg}/package.json`));
  const css = readFileSync(join(dir, `${weight}.css`), 'utf8');
  const faces: Face[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    // WOFF (zlib) rather than WOFF2: fontkit decodes WOFF2's brotli in plain JavaScript.
    const file = /url\(\.\/files\/([^)]+\.woff)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((part): [number, number] => {
      const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(lo, 16), parseInt(hi ?? lo, 16)];
    });
    faces.push({ key: file.replace(/\.woff$/, ''), file: join(dir, 'files', file), ranges });
  }
  return faces;
}

/** Parsed once per process and shared by every document (fontkit fonts are read-only). */
const loaded = new Map<string, fontkit.Font>();
const chains = new Map<Weight, Face[]>();
const chosen = new Map<string, Face>();

/**
 * A WOFF file as the plain OpenType font it wraps (each table zlib-inflated once). fontkit reads
 * WOFF itself, but inflates a table again each time it reads from it: embedding a subset read
 * the glyph table once per glyph, 80 % of a receipt's rendering time.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF font');
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 44 + i * 20;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((o) =>
      woff.readUInt32BE(at + o),
    );
    const raw = woff.subarray(offset, offset + compLength);
    return { tag, checksum, data: compLength < origLength ? inflateSync(raw) : raw };
  });
  const entrySelector = Math.floor(Math.log2(numTables));
  const head = Buffer.alloc(12 + 16 * numTables);
  head.writeUInt32BE(woff.readUInt32BE(4), 0);
  head.writeUInt16BE(numTables, 4);
  head.writeUInt16BE(16 * 2 ** entrySelector, 6);
  head.writeUInt16BE(entrySelector, 8);
  head.writeUInt16BE(numTables * 16 - 16 * 2 ** entrySelector, 10);
  const parts: Buffer[] = [head];
  let offset = head.length;
  tables.forEach((t, i) => {
    head.writeUInt32BE(t.tag, 12 + i * 16);
    head.writeUInt32BE(t.checksum, 16 + i * 16);
    head.writeUInt32BE(offset, 20 + i * 16);
    head.writeUInt32BE(t.data.length, 24 + i * 16);
    const padded = Buffer.alloc((t.data.length + 3) & ~3);
    t.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

/**
 * The face's font for pdfkit, parsed once per process. Shaping (fontkit's layout) was most of a
 * receipt's rendering time once the fonts were read, and most lines recur from receipt to
 * receipt ("Amount: …", the tax text): the font given to pdfkit keeps the latest shaped runs
 * and hands out copies (pdfkit scales a run's positions in place).
 */
export function fontOf(face: Face): fontkit.Font {
  let font = loaded.get(face.key);
  if (!font) {
    const parsed = fontkit.create(woffToSfnt(readFileSync(face.file))) as fontkit.Font;
    recordGlyphLookups(parsed);
    font = Object.create(parsed, {
      layout: {
        value: (text: string, features?: string[]) => {
          const run = shaped(face, parsed, text, features);
          return Object.assign(Object.create(Object.getPrototypeOf(run) as object), run, {
            glyphs: run.glyphs.slice(),
            positions: run.positions.map((p) => ({ ...p })),
          });
        },
      },
      createSubset: { value: () => distinctSubset(parsed.createSubset()) },
    }) as fontkit.Font;
    loaded.set(face.key, font);
  }
  return font;
}

/**
 * Arabic letters are drawn from shared skeletons plus dots (ر and ز, ب and the initial ی): one
 * glyph stands for several letters, and fontkit keeps the letters of a glyph's first use only.
 * A PDF maps each glyph of a font to one text, so copying, searching and screen readers would
 * read a sibling letter. Each glyph of a shaped run therefore carries the letters it was shaped
 * from at that position (fontkit's shaping state, read right after shaping), under an id of its
 * own per glyph and letters: the subset embeds the glyph once for each, each with its own text.
 */
const variants = new Map<string, number>();
const variantGlyph: number[] = [];
const VARIANT_BASE = 0x10000;

/** fontkit's glyph lookups during one shaping, with the letters each position was shaped from. */
const lookups: { id: number; codePoints: number[] }[] = [];

function recordGlyphLookups(font: fontkit.Font): void {
  const getGlyph = font.getGlyph.bind(font);
  Object.defineProperty(font, 'getGlyph', {
    value: (id: number, codePoints?: number[]) => {
      lookups.push({ id, codePoints: codePoints ?? [] });
      return getGlyph(id, codePoints);
    },
  });
}

/** Zero-width joiners fontkit looks up, then draws as its space glyph (ZWNJ, ZWJ). */
const JOINER_CONTROLS = new Set([0x200c, 0x200d]);

/**
 * Whether a lookup is the one that drew this glyph: the same id, or a joiner control (as in
 * the Persian name رجوی‌نژاد) that fontkit replaced after looking it up; without this, a run
 * holding one would not line up, and each of its glyphs would keep its first use's letters.
 */
function sameGlyph(lookup: { id: number; codePoints: number[] }, id: number): boolean {
  return (
    lookup.id === id ||
    (lookup.codePoints.length === 1 && JOINER_CONTROLS.has(lookup.codePoints[0]))
  );
}

/** Shapes, then gives each glyph whose letters differ from its first use a variant of its own. */
function shape(font: fontkit.Font, text: string, features?: string[]): fontkit.GlyphRun {
  lookups.length = 0;
  const run = font.layout(text, features);
  // The last stretch of lookups for the run's glyphs is fontkit mapping its shaped positions
  // back to glyphs, in reading order (a lookup of the space glyph may follow).
  const n = run.glyphs.length;
  const ids = run.glyphs.map((g) => g.id);
  if (run.direction === 'rtl') ids.reverse();
  let at = lookups.length - n;
  while (at >= 0 && ids.some((id, i) => !sameGlyph(lookups[at + i], id))) at--;
  const ordered = at >= 0 ? lookups.slice(at, at + n) : [];
  if (run.direction === 'rtl') ordered.reverse();
  lookups.length = 0;
  if (!n || ordered.length !== n) return run;
  run.glyphs = run.glyphs.map((glyph, i) => {
    const { codePoints } = ordered[i];
    if (String(codePoints) === String(glyph.codePoints)) return glyph;
    const key = `${glyph.id}:${String(codePoints)}`;
    let id = variants.get(key);
    if (id === undefined) {
      id = VARIANT_BASE + variantGlyph.length;
      variantGlyph.push(glyph.id);
      variants.set(key, id);
    }
    return Object.create(glyph, { id: { value: id }, codePoints: { value: codePoints } });
  });
  return run;
}

function distinctSubset(subset: fontkit.Subset): fontkit.Subset {
  const inner = subset as unknown as { glyphs: number[]; includeGlyph(id: number): number };
  const include = inner.includeGlyph.bind(inner);
  const own = new Map<number, number>();
  inner.includeGlyph = (glyph: number | { id: number }) => {
    const id = typeof glyph === 'object' ? glyph.id : glyph;
    if (id < VARIANT_BASE) return include(id);
    let gid = own.get(id);
    if (gid === undefined) {
      inner.glyphs.push(variantGlyph[id - VARIANT_BASE]);
      gid = inner.glyphs.length - 1;
      own.set(id, gid);
    }
    return gid;
  };
  return subset;
}

const runs = new Map<string, fontkit.GlyphRun>();
const KEPT_RUNS = 2_000;

function shaped(face: Face, font: fontkit.Font, text: string, features?: string[]) {
  const key = `${face.key}\0${features ? features.join(',') : '-'}\0${text}`;
  let run = runs.get(key);
  if (run) runs.delete(key);
  else {
    run = shape(font, text, features);
    if (runs.size >= KEPT_RUNS) runs.delete(runs.keys().next().value!);
  }
  runs.set(key, run);
  return run;
}

/** The advance width of a text in the face, per point of font size. */
export function advanceOf(face: Face, text: string): number {
  const font = fontOf(face);
  return (
    shaped(face, Object.getPrototypeOf(font) as fontkit.Font, text, []).advanceWidth /
    font.unitsPerEm
  );
}

function chain(weight: Weight): Face[] {
  let faces = chains.get(weight);
  if (!faces) {
    faces = FAMILIES.flatMap((pkg) => facesOf(pkg, WEIGHTS[weight]));
    chains.set(weight, faces);
  }
  return faces;
}

/** The face the body text starts in (Noto Sans, Latin): its metrics set the line height. */
export function primaryFace(weight: Weight): Face {
  return faceFor(0x61, weight)!;
}

export function hasGlyph(face: Face, codePoint: number): boolean {
  return (
    face.ranges.some(([lo, hi]) => codePoint >= lo && codePoint <= hi) &&
    fontOf(face).hasGlyphForCodePoint(codePoint)
  );
}

/** The first face of the chain with a glyph for the character; null when none has one. */
export function faceFor(codePoint: number, weight: Weight): Face | null {
  const cacheKey = `${weight}:${codePoint}`;
  const known = chosen.get(cacheKey);
  if (known) return known;
  const face = chain(weight).find((f) => hasGlyph(f, codePoint)) ?? null;
  if (face) chosen.set(cacheKey, face);
  return face;
}
