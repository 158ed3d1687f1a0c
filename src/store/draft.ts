import type { DeletionRequest } from '../domain/request.js';

/** Request id → its JSON, or `null` when the batch deletes (or archives) it. */
export type RequestChanges = Map<string, string | null>;

/**
 * The changes of one batch of transactions, not yet on disk. Each transaction's change sees the
 * committed data with the earlier changes of its batch applied.
 */
export class Overlay {
  /** Changed requests, as objects (what later changes in the batch read) and as JSON (what is written). */
  readonly requests = new Map<string, DeletionRequest | null>();
  readonly json: RequestChanges = new Map();
  meta: Record<string, unknown>;
  metaJson: string;
  metaChanged = false;

  constructor(
    readonly committed: Readonly<Record<string, DeletionRequest>>,
    meta: Record<string, unknown>,
    metaJson: string,
  ) {
    this.meta = meta;
    this.metaJson = metaJson;
  }

  /** The request as the batch currently sees it (not a copy: never mutate it). */
  current(id: string): DeletionRequest | undefined {
    if (this.requests.has(id)) return this.requests.get(id) ?? undefined;
    return Object.hasOwn(this.committed, id) ? this.committed[id] : undefined;
  }

  /** Every request id the batch currently sees. */
  ids(): string[] {
    if (this.requests.size === 0) return Object.keys(this.committed);
    const ids = new Set(Object.keys(this.committed));
    for (const [id, request] of this.requests) {
      if (request) ids.add(id);
      else ids.delete(id);
    }
    return [...ids];
  }

  get changed(): boolean {
    return this.json.size > 0 || this.metaChanged;
  }
}

/** The drafts handed to `transact` changes, so read-only helpers (`requestsIn`) can see through them. */
type AnyData = { requests: Record<string, DeletionRequest> };
const drafts = new WeakMap<
  object,
  { peek(filter?: (request: DeletionRequest) => boolean): DeletionRequest[] }
>();

/**
 * One transaction's view of the data. `requests` is a proxy that copies a request (structuredClone) the
 * first time the change reads it, so a change costs what it touches, not the size of the store; the other
 * top-level keys (quota, …) are small and copied whole. Nothing reaches the batch unless the change
 * returns normally.
 */
export class Draft<Data extends AnyData> {
  private readonly touched = new Map<string, DeletionRequest | null>();
  private readonly proxy: Record<string, DeletionRequest>;
  readonly data: Data;

  constructor(private readonly overlay: Overlay) {
    this.proxy = new Proxy({} as Record<string, DeletionRequest>, {
      get: (_target, key) => (typeof key === 'string' ? this.get(key) : undefined),
      set: (_target, key, value: DeletionRequest) => {
        if (typeof key !== 'string') return false;
        this.touched.set(key, value);
        return true;
      },
      deleteProperty: (_target, key) => {
        if (typeof key === 'string') this.touched.set(key, null);
        return true;
      },
      has: (_target, key) => typeof key === 'string' && this.get(key) !== undefined,
      ownKeys: () => this.ids(),
      getOwnPropertyDescriptor: (_target, key) => {
        const value = typeof key === 'string' ? this.get(key) : undefined;
        return value === undefined
          ? undefined
          : { value, writable: true, enumerable: true, configurable: true };
      },
      defineProperty: (_target, key, descriptor) => {
        if (typeof key !== 'string' || !('value' in descriptor)) return false;
        this.touched.set(key, descriptor.value as DeletionRequest);
        return true;
      },
    });
    this.data = { ...structuredClone(overlay.meta), requests: this.proxy } as Data;
    drafts.set(this.data, this);
  }

  private get(id: string): DeletionRequest | undefined {
    if (this.touched.has(id)) return this.touched.get(id) ?? undefined;
    const base = this.overlay.current(id);
    if (base === undefined) return undefined;
    const copy = structuredClone(base);
    this.touched.set(id, copy);
    return copy;
  }

  private ids(): string[] {
    const ids = new Set(this.overlay.ids());
    for (const [id, request] of this.touched) {
      if (request) ids.add(id);
      else ids.delete(id);
    }
    return [...ids];
  }

  /** Read-only look at the requests without copying them (for counting inside a change). */
  peek(filter?: (request: DeletionRequest) => boolean): DeletionRequest[] {
    const out: DeletionRequest[] = [];
    for (const id of this.ids()) {
      const request = this.touched.get(id) ?? this.overlay.current(id);
      if (request && (!filter || filter(request))) out.push(request);
    }
    return out;
  }

  /** Moves what the change did into the batch; only requests whose JSON differs count as changed. */
  mergeInto(overlay: Overlay): void {
    const { requests, ...meta } = this.data;
    if (requests !== this.proxy) {
      throw new Error('A store change must not replace draft.requests; set or delete requests one by one.');
    }
    for (const [id, request] of this.touched) {
      const before = overlay.current(id);
      if (request === null) {
        if (before === undefined) continue;
        overlay.requests.set(id, null);
        overlay.json.set(id, null);
        continue;
      }
      const json = JSON.stringify(request);
      if (before !== undefined && JSON.stringify(before) === json) continue;
      overlay.requests.set(id, JSON.parse(json) as DeletionRequest);
      overlay.json.set(id, json);
    }
    const metaJson = JSON.stringify(meta);
    if (metaJson !== overlay.metaJson) {
      overlay.meta = JSON.parse(metaJson) as Record<string, unknown>;
      overlay.metaJson = metaJson;
      overlay.metaChanged = true;
    }
  }
}

/**
 * The requests in `data` (a draft inside `transact`, or `store.data()`), without copying them: use it to
 * count or find inside a change (`Object.values(draft.requests)` would copy every request). Read-only.
 */
export function requestsIn(
  data: { requests: Readonly<Record<string, DeletionRequest>> },
  filter?: (request: DeletionRequest) => boolean,
): DeletionRequest[] {
  const draft = drafts.get(data);
  if (draft) return draft.peek(filter);
  const all = Object.values(data.requests);
  return filter ? all.filter(filter) : all;
}
