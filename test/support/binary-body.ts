import type { Response } from 'supertest';

/**
 * A supertest parser that keeps a response's body as its bytes (a PDF, a CSV with its BOM):
 * `.buffer(true).parse(binaryBody)`.
 */
export function binaryBody(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
