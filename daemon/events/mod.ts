/**
 * Events shared by every daemon through a Redis stream, delivered to `events.subscribe`.
 * @module
 */
export {
  compareStreamIds,
  EventBus,
  type NewEvent,
  SlowSubscriberError,
  type StreamedEvent,
} from "./event_bus.ts";
