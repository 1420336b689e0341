import { isIP } from 'node:net';

/** The address ranges express (proxy-addr) knows by name. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * What express's `trust proxy` is set to: a hop count (how many proxies in front of the API
 * may be believed about the client's address) or the addresses of the proxies to believe.
 */
export type TrustProxy = number | string[];

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Parses TRUST_PROXY: a whole number of hops (`1` behind one load balancer or CDN, `0` to
 * believe no proxy), or a comma-separated list of proxy IPs and CIDR ranges, where express's
 * names `loopback`, `linklocal` and `uniquelocal` stand for their ranges. Null when malformed.
 * `true` (believe any proxy) is refused on purpose: it lets every client pick its own address.
 */
export function parseTrustProxy(raw: string): TrustProxy | null {
  const value = raw.trim();
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 100 ? hops : null;
  }
  const entries = value.split(',').map((s) => s.trim().toLowerCase());
  if (!entries.length || !entries.every(isAddressOrRange)) return null;
  return entries;
}
