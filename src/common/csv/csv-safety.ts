import { Transform } from 'node:stream';

/**
 * Text a donor typed (names, emails, messages) may start like a spreadsheet formula
 * (`=HYPERLINK(…)`, `+`, `-`, `@`, tab, carriage return): a leading `'` makes Excel, Numbers
 * and LibreOffice show it as text instead of evaluating it. Only for donor-entered cells:
 * amounts such as `-1500` must stay numbers. In SQL, for the export Postgres formats itself.
 */
export const SQL_NEUTRALIZE = (column: string): string =>
  `CASE WHEN ${column} ~ '^[=+\\-@\\t\\r]' THEN '''' || ${column} ELSE ${column} END`;

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from('\r\n');
const BOM = Buffer.from('\ufeff');

/**
 * Postgres's CSV as spreadsheets like it: a UTF-8 BOM first (so Excel reads names right) and
 * CRLF between records (RFC 4180). Line feeds inside quoted cells are data and stay as they
 * are; the quote state carries across chunks (a doubled quote flips it twice). `onRecord` is
 * called at the end of each record (the header included), for counting what was sent.
 */
export function spreadsheetCsv(onRecord: () => void = () => undefined): Transform {
  let quoted = false;
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts: Buffer[] = first ? [BOM] : [];
      first = false;
      let start = 0;
      let quote = chunk.indexOf(QUOTE);
      for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
        for (; quote !== -1 && quote < lf; quote = chunk.indexOf(QUOTE, quote + 1))
          quoted = !quoted;
        if (quoted) continue;
        parts.push(chunk.subarray(start, lf), CRLF);
        onRecord();
        start = lf + 1;
      }
      for (; quote !== -1; quote = chunk.indexOf(QUOTE, quote + 1)) quoted = !quoted;
      parts.push(chunk.subarray(start));
      done(null, Buffer.concat(parts));
    },
  });
}
