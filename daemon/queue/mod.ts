/**
 * The BullMQ queues and workers of the pipeline stages. Stages register with the hub.
 * @module
 */
export { type QueueCounts, QueueHub } from "./queue_hub.ts";
