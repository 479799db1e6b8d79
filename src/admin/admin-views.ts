/**
 * The JSON shapes of administration, shared by the admin API, its OpenAPI document, the remote
 * CLI, the local CLI and the console, so all of them print the same thing. They are declared in
 * api-views.ts (which the console imports too); this module adds what only the server needs.
 */
export { HEALTH_ORDER } from './api-views.js';
export type {
  AuditEntryView,
  AuditPage,
  CreatedSecret,
  DirectoryDetails,
  DirectoryHealth,
  DirectoryInfo,
  DirectoryStatus,
  DirectoryView,
  SecretListState,
  SecretView,
  SettingsPatch,
  SettingsView,
  StatusReport,
} from './api-views.js';

/** Who performs an action: an admin secret's id, a directory secret's id (self-rotation), `cli:<os user>`. */
export interface Actor {
  id: string;
  ip: string | null;
}

