/**
 * The publishing calendar and the quota ledger.
 * @module
 */
export {
  type Calendar,
  findSlot,
  offeredSlots,
  quotaDays,
  reservationFor,
  uploadOperations,
} from "./calendar.ts";
export { ScheduleConflictError, ScheduleNotFoundError, Scheduler } from "./scheduler.ts";
export { isTimeZone, nextDay, zonedDay, zonedDayStart, zonedTime } from "./zoned.ts";
