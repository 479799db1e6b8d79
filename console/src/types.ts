/**
 * The admin API's JSON shapes the console reads. The views are declared once, in the server's
 * src/admin/api-views.ts (types and constants only, nothing that needs Node), and named here as
 * the pages know them; only the SCIM records below are the console's own reading of RFC 7643.
 */
export type {
  AnyConnectionView as Connection,
  AuditEntryView as AuditEntry,
  CreatedSecret,
  CycleRecord as Cycle,
  DeliveryView as Delivery,
  DirectoryDetails,
  DirectoryEvent,
  DirectoryHealth as Health,
  DirectoryStatus,
  LogEntry,
  Quarantine,
  RecipientView as NotificationRecipient,
  SecretListState as SecretState,
  SecretView as Secret,
  SessionView as Session,
  SettingsView as Settings,
  SourceView,
  StatusReport,
  TargetProfile,
  TestReport,
  WebhookDetails,
  WebhookView,
  WebhookWithSecret,
} from '../../src/admin/api-views';
import type { CycleOutcome, DeliveryView, NotificationLogEntry, PlanFailure, PlanStep } from '../../src/admin/api-views';

/** A notification delivery: from the log (with its recipient) or a test's answer (without). */
export type NotificationDelivery = DeliveryView & Partial<Pick<NotificationLogEntry, 'recipient'>>;

/** A cycle's outcome, its plan steps readable without narrowing on their action. */
export type CycleResult = Omit<CycleOutcome, 'plan'> & { plan?: { steps: AnyOf<PlanStep>[]; failures: PlanFailure[] } };

type KeysOf<U> = U extends unknown ? keyof U : never;
/** A union whose members each also have the other members' fields, as absent. */
type AnyOf<U, All extends PropertyKey = KeysOf<U>> = U extends unknown ? U & { [K in Exclude<All, keyof U>]?: undefined } : never;

export interface ListResponse<T> {
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  Resources: T[];
}

export interface ScimUser {
  id: string;
  userName: string;
  displayName?: string;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  active?: boolean;
  emails?: { value: string; primary?: boolean }[];
  externalId?: string;
  meta?: { created?: string; lastModified?: string };
  [key: string]: unknown;
}

export interface ScimGroup {
  id: string;
  displayName: string;
  externalId?: string;
  meta?: { created?: string; lastModified?: string };
  [key: string]: unknown;
}
