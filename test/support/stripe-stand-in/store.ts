/**
 * A generic in-memory object store: every Stripe object is kept under its id, and per object
 * type in creation order, which is all list endpoints need. New object types (products,
 * prices, subscriptions, invoices...) need nothing here.
 */
import { invalidRequest, resourceMissing } from './errors';

export interface StripeObject {
  id: string;
  object: string;
}

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface PageParams {
  limit?: number | null;
  starting_after?: string | null;
  ending_before?: string | null;
}

/** Virtual time in unix seconds: real time plus whatever `advance` has added. */
export class Clock {
  private offsetSeconds = 0;

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  advance(seconds: number): number {
    this.offsetSeconds += seconds;
    return this.now();
  }

  reset(): void {
    this.offsetSeconds = 0;
  }
}

export class ObjectStore {
  private readonly byId = new Map<string, StripeObject>();
  private readonly byType = new Map<string, StripeObject[]>();

  insert<T extends StripeObject>(object: T): T {
    if (this.byId.has(object.id)) throw new Error(`stand-in bug: duplicate id ${object.id}`);
    this.byId.set(object.id, object);
    const list = this.byType.get(object.object) ?? [];
    list.push(object);
    this.byType.set(object.object, list);
    return object;
  }

  find(id: string): StripeObject | undefined {
    return this.byId.get(id);
  }

  /** Looks an object up by id and type; a miss is Stripe's 404 `resource_missing`. */
  get<T extends StripeObject>(type: string, id: string, param?: string): T {
    const object = this.byId.get(id);
    if (!object || object.object !== type) throw resourceMissing(type, id, param);
    return object as T;
  }

  /** All objects of a type, oldest first. */
  all<T extends StripeObject>(type: string): T[] {
    return [...((this.byType.get(type) ?? []) as T[])];
  }

  remove(id: string): void {
    const object = this.byId.get(id);
    if (!object) return;
    this.byId.delete(id);
    const list = this.byType.get(object.object) ?? [];
    this.byType.set(
      object.object,
      list.filter((item) => item.id !== id),
    );
  }

  clear(): void {
    this.byId.clear();
    this.byType.clear();
  }

  /** Newest first, filtered, paginated the way Stripe lists are. */
  list<T extends StripeObject>(
    type: string,
    params: PageParams,
    url: string,
    filter: (object: T) => boolean = () => true,
  ): ListObject<T> {
    return paginate(this.all<T>(type).reverse(), params, url, type, filter);
  }
}

/**
 * `items` must be in list order (newest first). The cursor is located among all items, so a
 * cursor that the filter excludes still works, as in Stripe.
 */
export function paginate<T extends StripeObject>(
  items: T[],
  params: PageParams,
  url: string,
  type: string,
  filter: (object: T) => boolean = () => true,
): ListObject<T> {
  const limit = params.limit ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('Invalid limit: must be an integer between 1 and 100', {
      param: 'limit',
      code: 'parameter_invalid_integer',
    });
  }
  if (params.starting_after && params.ending_before) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      { param: 'ending_before' },
    );
  }
  const cursorIndex = (id: string, param: string): number => {
    const index = items.findIndex((item) => item.id === id);
    if (index === -1) throw resourceMissing(type, id, param);
    return index;
  };
  if (params.ending_before) {
    // The page just before the cursor (newer objects), still newest first.
    const newer = items.slice(0, cursorIndex(params.ending_before, 'ending_before')).filter(filter);
    const start = Math.max(0, newer.length - limit);
    return { object: 'list', data: newer.slice(start), has_more: start > 0, url };
  }
  const older = params.starting_after
    ? items.slice(cursorIndex(params.starting_after, 'starting_after') + 1)
    : items;
  const matching = older.filter(filter);
  return {
    object: 'list',
    data: matching.slice(0, limit),
    has_more: matching.length > limit,
    url,
  };
}
