/**
 * Standalone mail catcher for local runs:
 *   node dist/test/support/mail-catcher/main.js
 * Env: MAIL_CATCHER_SMTP_PORT (default 1025), MAIL_CATCHER_HTTP_PORT (default 1080),
 *      MAIL_CATCHER_HOST (default 127.0.0.1).
 */
import { startMailCatcher } from './mail-catcher';

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${value}"`);
    process.exit(1);
  }
  return n;
}

async function main(): Promise<void> {
  const catcher = await startMailCatcher({
    smtpPort: port('MAIL_CATCHER_SMTP_PORT', 1025),
    httpPort: port('MAIL_CATCHER_HTTP_PORT', 1080),
    host: process.env.MAIL_CATCHER_HOST || '127.0.0.1',
  });
  console.log(`Mail catcher: SMTP ${catcher.smtpUrl}, read mail at ${catcher.httpUrl}`);
  catcher.on('mail', (mail) => {
    console.log(
      `Mail catcher: caught ${JSON.stringify(mail.subject)} (${mail.to.length} recipient(s)), ` +
        `${catcher.httpUrl}/messages/${mail.id}/html`,
    );
  });

  const stop = (): void => {
    catcher.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(
    `Mail catcher could not start: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
