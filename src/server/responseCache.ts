/**
 * Answers of reads kept until the workspace changes. The key carries the pool's write generation,
 * so an upload makes every earlier answer unreachable; concurrent identical requests share one
 * computation; failures are not kept; the oldest entries go first beyond the limit
 * (docs/decisions/0043-dashboard-caching.md).
 */
export class ResponseCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly limit: number) {}

  async get(key: string, compute: () => Promise<unknown>): Promise<unknown> {
    if (this.limit === 0) return compute();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Refresh its place: the map keeps insertion order, so the first key is the oldest used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = compute();
    this.entries.set(key, pending);
    pending.catch(() => this.entries.delete(key));
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }
}
