/**
 * Run-time settings in the database, validated, defaulted and audited.
 * @module
 */
export {
  type SettingKey,
  SETTINGS,
  type Settings,
  SettingsStore,
  settingsUpdateSchema,
  type SettingValue,
} from "./settings_store.ts";
