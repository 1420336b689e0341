import bidiFactory from 'bidi-js';
import PDFDocument from 'pdfkit';
import { advanceOf, Face, faceFor, fontOf, hasGlyph, primaryFace, Weight } from './fonts';

const bidi = bidiFactory();

/** Renders a PDF into a buffer. Write its text with `writeText`: it embeds the Noto fonts. */
export function renderPdf(draw: (doc: PDFKit.PDFDocument) => void, title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // No default font: it would be Helvetica, parsed from its metrics file for every document.
    const font = null as unknown as string;
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title }, font });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

export interface TextStyle {
  size: number;
  weight?: Weight;
}

/** A stretch of one line drawn in one face at one bidi level, in logical order. */
interface Run {
  start: number;
  end: number;
  face: Face;
  level: number;
}

const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;
// The scripts fontkit lays out right to left (it reverses a run whose first letter is in one).
const RTL_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Hanifi_Rohingya}]/u;
const fontkitReverses = (text: string) =>
  RTL_SCRIPT.test([...text].find((ch) => !NEUTRAL.test(ch)) ?? '');
// pdfkit lays text out word by word unless features are given: a right-to-left run laid out
// whole keeps its words in visual order (fontkit shapes it and reverses it).
const WHOLE_RUN = { features: [] as PDFKit.Mixins.OpenTypeFeatures[] };

/**
 * The face of every UTF-16 unit: the first face of the fallback chain with a glyph, except that
 * spaces, digits and punctuation stay in the face before them when it has them (a Persian
 * name's space keeps the name one shaped run). Characters no face has take the primary face.
 */
function facesOf(text: string, weight: Weight): Face[] {
  const faces: Face[] = [];
  const primary = primaryFace(weight);
  let previous: Face | null = null;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const face: Face =
      (previous && NEUTRAL.test(ch) && hasGlyph(previous, cp) ? previous : null) ??
      faceFor(cp, weight) ??
      primary;
    for (let i = 0; i < ch.length; i++) faces.push(face);
    previous = face;
  }
  return faces;
}

function runsOf(faces: Face[], levels: Uint8Array, start: number, end: number): Run[] {
  const runs: Run[] = [];
  for (let i = start; i < end; i++) {
    const last = runs[runs.length - 1];
    if (last && last.face === faces[i] && last.level === levels[i]) last.end = i + 1;
    else runs.push({ start: i, end: i + 1, face: faces[i], level: levels[i] });
  }
  return runs;
}

/** Unicode bidi rule L2 on runs: reverse every sequence at or above each odd level. */
function visualOrder(runs: Run[]): Run[] {
  const out = [...runs];
  const levels = out.map((r) => r.level);
  const highest = Math.max(0, ...levels);
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1), highest + 1);
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < out.length; i++) {
      if (out[i].level < level) continue;
      let j = i;
      while (j < out.length && out[j].level >= level) j++;
      out.splice(i, j - i, ...out.slice(i, j).reverse());
      i = j;
    }
  }
  return out;
}

/**
 * Writes one paragraph at the left margin, below the current position, in the embedded Noto
 * fonts: each character in the first font of the chain that has it, right-to-left stretches in
 * visual order (Unicode bidi algorithm per line, after wrapping in logical order), Arabic
 * shaped by fontkit. Breaks lines at spaces, and pages when the page is full.
 */
export function writeText(doc: PDFKit.PDFDocument, text: string, style: TextStyle): void {
  const weight = style.weight ?? 'regular';
  const primary = fontOf(primaryFace(weight));
  const scale = style.size / primary.unitsPerEm;
  const lineHeight = (primary.ascent - primary.descent + primary.lineGap) * scale;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const faces = facesOf(text, weight);
  const embedding = bidi.getEmbeddingLevels(text, 'ltr');
  const { levels } = embedding;
  const mirrored = bidi.getMirroredCharactersMap(text, embedding.levels);
  const chars = [...text].flatMap((ch) => (ch.length === 2 ? [ch, ''] : [ch]));
  for (const [index, ch] of mirrored) chars[index] = ch;

  const widthOf = (start: number, end: number) =>
    runsOf(faces, levels, start, end).reduce(
      (sum, r) => sum + advanceOf(r.face, text.slice(r.start, r.end)) * style.size,
      0,
    );

  // Lines in logical order: as many words (each with its trailing spaces) as fit.
  const lines: [number, number][] = [];
  const words = [...text.matchAll(/\S*\s*/g)].filter((m) => m[0]).map((m) => m.index!);
  let start = 0;
  if (widthOf(0, text.length) <= width) lines.push([0, text.length]);
  else {
    let lineWidth = 0;
    words.forEach((wordStart, k) => {
      const wordEnd = words[k + 1] ?? text.length;
      const wordWidth = widthOf(
        wordStart,
        text.slice(wordStart, wordEnd).trimEnd().length + wordStart,
      );
      if (wordStart > start && lineWidth + wordWidth > width) {
        lines.push([start, wordStart]);
        start = wordStart;
        lineWidth = 0;
      }
      lineWidth += widthOf(wordStart, wordEnd);
    });
    lines.push([start, text.length]);
  }

  for (const [lineStart, lineEnd] of lines) {
    let top = doc.y;
    if (top + lineHeight > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      top = doc.page.margins.top;
    }
    const baseline = top + primary.ascent * scale;
    let x = left;
    const end = lineStart + text.slice(lineStart, lineEnd).trimEnd().length;
    for (const run of visualOrder(runsOf(faces, levels, lineStart, end))) {
      let runText = chars.slice(run.start, run.end).join('');
      // A run at an odd level is drawn reversed. fontkit reverses runs of right-to-left
      // scripts itself (Arabic letters, but also Persian digits, which read left to right):
      // reverse here whenever fontkit's direction is not the run's.
      if ((run.level % 2 === 1) !== fontkitReverses(runText))
        runText = [...runText].reverse().join('');
      doc.font(fontOf(run.face) as unknown as string, run.face.key).fontSize(style.size);
      doc.text(runText, x, baseline, { ...WHOLE_RUN, lineBreak: false, baseline: 'alphabetic' });
      x += advanceOf(run.face, runText) * style.size;
    }
    doc.x = left;
    doc.y = top + lineHeight;
  }
}

export interface Letterhead {
  name: string;
  addressLines: string[];
  registrationNumber: string;
}

/** The organisation's letterhead, from ORGANIZATION_NAME, _ADDRESS (lines split at |) and _REGISTRATION_NUMBER. */
export function letterheadOf(env: {
  ORGANIZATION_NAME: string;
  ORGANIZATION_ADDRESS: string;
  ORGANIZATION_REGISTRATION_NUMBER: string;
}): Letterhead {
  return {
    name: env.ORGANIZATION_NAME,
    addressLines: env.ORGANIZATION_ADDRESS.split('|')
      .map((l) => l.trim())
      .filter(Boolean),
    registrationNumber: env.ORGANIZATION_REGISTRATION_NUMBER,
  };
}

export function drawLetterhead(doc: PDFKit.PDFDocument, org: Letterhead): void {
  writeText(doc, org.name, { size: 16, weight: 'bold' });
  for (const line of org.addressLines) writeText(doc, line, { size: 10 });
  if (org.registrationNumber)
    writeText(doc, `Registration number: ${org.registrationNumber}`, { size: 10 });
  doc.y += 20; // a blank line and a half of the address's 10-point text
}
