/**
 * A binary min-heap of events ordered by (time, key, seq): time in integer ns of virtual time, key
 * a client index, seq the order of insertion. The full key makes the order total, so the sequence of
 * pops never depends on how the heap happened to be arranged.
 */
export interface QueuedEvent {
  timeNs: number;
  key: number;
  seq: number;
}

const before = (a: QueuedEvent, b: QueuedEvent): boolean =>
  a.timeNs !== b.timeNs ? a.timeNs < b.timeNs : a.key !== b.key ? a.key < b.key : a.seq < b.seq;

export class EventQueue<T extends QueuedEvent> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(item, items[parent]!)) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let at = 0;
    for (;;) {
      const left = at * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, last)) break;
      items[at] = items[child]!;
      at = child;
    }
    items[at] = last;
    return top;
  }
}
