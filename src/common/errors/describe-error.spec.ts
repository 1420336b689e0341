import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { DatabaseError } from 'pg';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import Stripe from 'stripe';
import { QueryFailedError } from 'typeorm';
import { UnrecoverableError } from 'bullmq';
import { stdSerializers } from 'pino';
import { DomainError } from './domain-error';
import {
  describeError,
  errorSummary,
  logSafeError,
  scrubbedError,
  scrubText,
  serializeError,
} from './describe-error';

const EMAIL = 'ada.lovelace@example.org';
const NAME = 'Ada Lovelace';
const ADDRESS = '12 Analytical Row, London';

/** A Postgres error as pg's parser builds it from the server's ErrorResponse fields. */
function pgError(fields: Partial<DatabaseError> & { message: string }): DatabaseError {
  const error = new DatabaseError(fields.message, 120, 'error');
  Object.assign(error, { severity: 'ERROR', ...fields });
  return error;
}

function everything(value: unknown): string {
  const e = value as Error;
  return JSON.stringify({ ...(value as object), message: e.message, stack: e.stack });
}

describe('describeError', () => {
  it('keeps only the SQLSTATE, table and constraint of a QueryFailedError with personal parameters', () => {
    const driverError = pgError({
      message: 'duplicate key value violates unique constraint "donors_email_key"',
      code: '23505',
      detail: `Key (email)=(${EMAIL}) already exists.`,
      table: 'donors',
      constraint: 'donors_email_key',
    });
    const error = new QueryFailedError(
      'INSERT INTO donors (email, name, address) VALUES ($1, $2, $3)',
      [EMAIL, NAME, ADDRESS],
      driverError,
    );
    expect(everything(error)).toContain(EMAIL); // the raw error does carry it

    const d = describeError(error);
    expect(d).toEqual({
      class: 'QueryFailedError',
      code: '23505',
      message: 'unique_violation, table donors, constraint donors_email_key',
    });
    const serialized = JSON.stringify(serializeError(error));
    for (const secret of [EMAIL, NAME, ADDRESS, 'INSERT INTO', 'already exists']) {
      expect(serialized).not.toContain(secret);
    }
    expect(serialized).toContain('describe-error.spec.ts'); // the frames stay
  });

  it('drops a value Postgres quotes in its message (invalid input syntax)', () => {
    const error = new QueryFailedError(
      'SELECT 1 WHERE id = $1',
      [EMAIL],
      pgError({
        message: `invalid input syntax for type uuid: "${EMAIL}"`,
        code: '22P02',
      }),
    );
    expect(errorSummary(error)).toBe('QueryFailedError [22P02]: invalid_text_representation');
  });

  it('reduces a real SMTP recipient rejection to its codes, never the recipient', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        callback(
          Object.assign(new Error(`<${address.address}>: Recipient address rejected: ${NAME}`), {
            responseCode: 550,
          }),
        );
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    const port = (server.server.address() as AddressInfo).port;
    try {
      const transport = createTransport({
        host: '127.0.0.1',
        port,
        secure: false,
        ignoreTLS: true,
      });
      const error = await transport
        .sendMail({
          from: 'receipts@localhost',
          to: `"${NAME}" <${EMAIL}>`,
          subject: 'x',
          text: 'x',
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(Error);
      expect(everything(error)).toContain(EMAIL); // nodemailer quotes the recipient

      const d = describeError(error);
      expect(d.class).toBe('Error');
      expect(d.code).toBe('EENVELOPE 550');
      expect(d.message).toMatch(/^SMTP 550/);
      expect(JSON.stringify(serializeError(error))).not.toContain(EMAIL);
      expect(JSON.stringify(serializeError(error))).not.toContain('Lovelace');
      transport.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps a Stripe error type and code, masks what its message quotes', () => {
    const error = new Stripe.errors.StripeInvalidRequestError({
      type: 'invalid_request_error',
      code: 'email_invalid',
      message: `Invalid email address: ${EMAIL}`,
      param: 'receipt_email',
    });
    expect(describeError(error)).toEqual({
      class: 'StripeInvalidRequestError',
      code: 'email_invalid',
      message: 'Invalid email address: [Redacted]',
    });
  });

  it('keeps a DomainError code and its message', () => {
    expect(describeError(new DomainError('not_found', 'No such donation'))).toEqual({
      class: 'DomainError',
      code: 'not_found',
      message: 'No such donation',
    });
  });

  it('masks emails, quoted and bracketed values, secrets and long tokens in free text', () => {
    const id = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
    expect(
      scrubText(
        `mail to ${EMAIL} for 'Ada' <ada> "x" token ${'a'.repeat(40)} key sk_test_123 id ${id}`,
      ),
    ).toBe(
      `mail to [Redacted] for '[Redacted]' <[Redacted]> "[Redacted]" token [Redacted] key [Redacted] id ${id}`,
    );
    expect(describeError('plain string ' + EMAIL)).toEqual({
      class: 'string',
      code: null,
      message: 'plain string [Redacted]',
    });
  });
});

describe('scrubbedError', () => {
  it('gives BullMQ a message and stack with no personal data, and keeps UnrecoverableError', () => {
    const raw = new Error(`Can't send mail - all recipients were rejected: 550 <${EMAIL}>`);
    const scrubbed = scrubbedError(raw);
    expect(scrubbed.message).toBe(
      "Error: Can't send mail - all recipients were rejected: 550 <[Redacted]>",
    );
    expect(scrubbed.stack).not.toContain(EMAIL);
    expect(scrubbed.stack).toContain('describe-error.spec.ts');
    expect(describeError(scrubbed)).toEqual(describeError(raw));

    const final = scrubbedError(new UnrecoverableError(`refused ${EMAIL}`));
    expect(final.name).toBe('UnrecoverableError');
    expect(final.message).toBe('UnrecoverableError: refused [Redacted]');
  });
});

describe('logSafeError (pino serializer)', () => {
  it('scrubs an error pino-http has already serialized with its standard serializer', () => {
    const error = new QueryFailedError(
      'INSERT INTO donors (email) VALUES ($1)',
      [EMAIL],
      pgError({
        message: 'value too long for type character varying(320)',
        code: '22001',
        detail: `Failing row contains (${EMAIL}, ${NAME}).`,
      }),
    );
    const wrapped = stdSerializers.wrapErrorSerializer(logSafeError as never);
    const logged = JSON.stringify(wrapped(error));
    expect(logged).toContain('QueryFailedError');
    expect(logged).toContain('22001');
    expect(logged).not.toContain(EMAIL);
    expect(logged).not.toContain(NAME);
    expect(logged).not.toContain('INSERT');
  });
});
