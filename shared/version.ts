/** The version of lingoreel, reported by `health.check` and written to `daemon.json`. */
export const VERSION = "0.1.0";
