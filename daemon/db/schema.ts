import type { ColumnType, Generated } from "kysely";

/** Run-time settings, seeded from the environment and edited through `settings.update`. */
export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string;
}

/** Who changed which setting, when, from what to what. */
export interface SettingsAuditTable {
  id: Generated<number>;
  key: string;
  old_value: ColumnType<unknown, string | null, never>;
  new_value: ColumnType<unknown, string, never>;
  changed_at: ColumnType<Date, Date | string | undefined, never>;
  changed_by: string;
}

/** The database as Kysely sees it. */
export interface DB {
  settings: SettingsTable;
  settings_audit: SettingsAuditTable;
}
