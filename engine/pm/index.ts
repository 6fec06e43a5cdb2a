/** The position manager's public surface. */
export { PositionManager } from './position-manager.js';
export { InlineGateway, FLUSH_REPORTS_MAX, FLUSH_REPORTS_MAX_LIMIT } from './inline-gateway.js';
export { PM_DEFAULTS, PM_ORDER_TYPES, CLIENT_ORDER_ID_MAX, CLIENT_ORDER_ID_START_MAX, validatePmOptions, type PmOptions, type PmOrderTypeName, type ResolvedPmOptions } from './options.js';
export { OrderState, OrderEvent, transition, isLive, isCancelling, ILLEGAL, type OrderStateName } from './order-state-machine.js';
export { limitPrice, priceGrid, PRICE_POLICIES, type PricePolicyName, type PriceGrid } from './price-policy.js';
export { planReconcile, type ReconcilePlan, type ReconcileLimits } from './reconcile.js';
export { TargetQueue } from './target-queue.js';
export { readJournal, type JournalRecord, type JournalSnapshot } from './journal.js';
export type * from './types.js';
