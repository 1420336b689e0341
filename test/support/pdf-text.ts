import { execFile } from 'node:child_process';

/**
 * Reads the PDF's text with pdf-parse (pdf.js) in a child node process: pdf.js loads itself
 * with dynamic ES imports, which jest's module sandbox does not run.
 */
const SCRIPT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try { process.stdout.write((await parser.getText()).text); }
  catch (e) { process.stderr.write(String(e)); process.exitCode = 1; }
  finally { await parser.destroy(); }
});`;

/** The text of a PDF, as a person reading it would see it. */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', SCRIPT],
      { cwd: __dirname },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`pdf text extraction failed: ${stderr || error.message}`))
          : resolve(stdout),
    );
    child.stdin!.end(pdf);
  });
}

/** Bidi controls poppler puts around right-to-left text: not part of what a reader sees. */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The text of a PDF as poppler's pdftotext reads it (installed by scripts/ensure-pdftotext.sh):
 * a second reader, independent of pdf.js, that maps the embedded fonts' glyphs back to text
 * and puts right-to-left text back in logical order.
 */
export function pdftotext(pdf: Buffer, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pdftotext',
      ['-enc', 'UTF-8', ...args, '-', '-'],
      { encoding: 'utf8' },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(
                (error as NodeJS.ErrnoException).code === 'ENOENT'
                  ? 'pdftotext is missing: run scripts/ensure-pdftotext.sh (Debian poppler-utils)'
                  : `pdftotext failed: ${stderr || error.message}`,
              ),
            )
          : resolve(stdout.replace(BIDI_CONTROLS, '')),
    );
    child.stdin!.end(pdf);
  });
}
