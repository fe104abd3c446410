/**
 * Results of a pure function of objects that are never changed once made (a stored shape, kept by
 * the store until its next write), kept beside the first of them: held in a WeakMap by that
 * object, so they go when it does, and told apart by a key naming the rest (see `identityOf`).
 * At most `limit` results are kept for each owner; the least recently used goes first.
 */
export class KeptWith<Owner extends object, Value> {
  private readonly held = new WeakMap<Owner, Map<string, Value>>();

  constructor(private readonly limit: number) {}

  get(owner: Owner, key: string, make: () => Value): Value {
    let kept = this.held.get(owner);
    if (kept === undefined) {
      kept = new Map();
      this.held.set(owner, kept);
    }
    const found = kept.get(key);
    if (found !== undefined || kept.has(key)) {
      kept.delete(key);
      kept.set(key, found as Value);
      return found as Value;
    }
    const value = make();
    kept.set(key, value);
    if (kept.size > this.limit) kept.delete(kept.keys().next().value!);
    return value;
  }
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A number for this object, the same for as long as it lives and never another's. */
export function identityOf(object: object): number {
  let id = identities.get(object);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(object, id);
  }
  return id;
}
