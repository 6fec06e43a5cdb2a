/**
 * Slicing: a large delta goes out as child orders of at most `childQuantityMax`, at most
 * `childOrdersLiveMax` live per side, one every `childIntervalNs` per symbol (seed section 5.2:
 * "send child orders of 1,000 shares every 30 seconds, or when fills are received"). The parent is
 * implicit: the symbol's target; each reconcile sends the next child when the gates open.
 */

export interface SliceLimits {
  lotSize: number;
  /** Largest child, quantity units (already resolved: never 0). */
  childQuantityMax: number;
  childOrdersLiveMax: number;
  childIntervalNs: number;
}

/** Quantity of the next child for an open capacity, rounded down to the lot; 0 = nothing to send. */
export function childQuantity(capacity: number, limits: SliceLimits): number {
  if (capacity < limits.lotSize) return 0;
  const quantity = Math.min(capacity, limits.childQuantityMax);
  return quantity - (quantity % limits.lotSize);
}

/** The earliest time the next child may go out, given the last one's send time. */
export function nextChildNs(lastChildNs: number, limits: SliceLimits): number {
  return lastChildNs + limits.childIntervalNs;
}
