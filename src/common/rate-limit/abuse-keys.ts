import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { deriveKey } from '../crypto/derive-key';
import { normaliseEmail } from '../validation/email';

/**
 * Keyed digests for Redis keys (and stored ones, under a `purpose` of their own): an email
 * address or IP never sits in Redis in clear, and without the key (derived from a secret the
 * deployment already holds) a dump cannot be turned back into addresses by hashing a list of
 * guesses.
 */
export function keyedDigest(secret: string, purpose = 'abuse-limits'): (value: string) => string {
  const key = deriveKey(secret, purpose);
  return (value) => createHmac('sha256', key).update(value).digest('base64url');
}

/** Domains whose mailboxes ignore dots in the local part, and the one name they share. */
const DOTLESS_DOMAINS: Record<string, string> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/**
 * One spelling per mailbox: trimmed, lower-cased, without a `+tag` (card-testing runs vary
 * the tag to look like many donors), and, at Gmail, without dots and under one domain name
 * (v.ictim@gmail.com and victim@googlemail.com reach the same inbox). Only for counting and
 * for one-signature-per-mailbox: the stored address is untouched.
 */
export function mailboxOf(email: string): string {
  const address = normaliseEmail(email);
  const at = address.lastIndexOf('@');
  if (at < 1) return address;
  let local = address.slice(0, at).replace(/\+.*$/, '') || address.slice(0, at);
  let domain = address.slice(at + 1);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless) {
    local = local.replace(/\./g, '') || local;
    domain = dotless;
  }
  return `${local}@${domain}`;
}

/**
 * The client a limit counts: the IPv4 address, or the /64 network of an IPv6 one (one
 * subscriber gets a whole /64, and can pick any address in it).
 */
export function clientOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
