/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` (or a query string) with
 * bracket notation for nesting, e.g. `metadata[campaign]=7&expand[0]=latest_charge&expand[]=x`.
 *
 * The result is a tree of plain values; arrays are left as objects with numeric keys (in the
 * order received) because only the endpoint's parameter whitelist knows whether `a[0]` is an
 * array element or a metadata key called "0". Nodes have no prototype, so a parameter named
 * `__proto__` is just an unknown parameter.
 */
import { validationError } from './errors';

export type ParamValue = string | ParamTree;
export interface ParamTree {
  [key: string]: ParamValue;
}

function newNode(): ParamTree {
  return Object.create(null) as ParamTree;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw validationError(`Invalid URL encoding: ${component}`, 'parameter_invalid_string');
  }
}

/** `a[b][0][]` -> ['a', 'b', '0', ''] ; a malformed key is taken literally. */
function splitKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return [key];
  const segments = [match[1]];
  const brackets = match[2].match(/\[([^[\]]*)\]/g) ?? [];
  for (const bracket of brackets) segments.push(bracket.slice(1, -1));
  return segments;
}

function assign(root: ParamTree, segments: string[], value: string, fullKey: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i += 1) {
    const last = i === segments.length - 1;
    // `a[]` appends: the next free numeric index.
    const segment = segments[i] === '' ? String(Object.keys(node).length) : segments[i];
    if (last) {
      if (typeof node[segment] === 'object') {
        throw validationError(
          `Invalid value for ${fullKey}: expected nested parameters`,
          'parameter_invalid_string',
          fullKey,
        );
      }
      node[segment] = value;
      return;
    }
    const existing = node[segment];
    if (existing === undefined) {
      const child = newNode();
      node[segment] = child;
      node = child;
    } else if (typeof existing === 'string') {
      throw validationError(
        `Invalid value for ${fullKey}: a value and nested parameters were both given`,
        'parameter_invalid_string',
        fullKey,
      );
    } else {
      node = existing;
    }
  }
}

export function parseFormBody(body: string): ParamTree {
  const root = newNode();
  if (!body) return root;
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decode(rawKey);
    if (!key) continue;
    assign(root, splitKey(key), decode(rawValue), key);
  }
  return root;
}

/**
 * JSON bodies (control endpoints) go through the same parameter whitelist; convert them to
 * the same null-prototype tree, keeping numbers and booleans as they are.
 */
export function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const node = newNode() as Record<string, unknown>;
    for (const [key, child] of Object.entries(value)) node[key] = fromJson(child);
    return node;
  }
  return value;
}
