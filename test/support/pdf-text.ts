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
