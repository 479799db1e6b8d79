import type { Migration } from '../sql/migrations.js';

/** The SQLite schema, one entry per version. Never edit a released entry; add a new one. */
export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'directories, secrets, resources and memberships',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE directories (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
      );
      CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        directory_id TEXT REFERENCES directories(id) ON DELETE CASCADE,
        scope TEXT NOT NULL,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        suffix TEXT NOT NULL,
        created TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        last_used_at TEXT,
        last_used_ip TEXT,
        last_used_ua TEXT
      );
      CREATE INDEX secrets_directory ON secrets(directory_id);
      CREATE TABLE resources (
        pk INTEGER PRIMARY KEY,
        directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        display TEXT NOT NULL,
        external_id TEXT,
        active INTEGER,
        data TEXT NOT NULL,
        version INTEGER NOT NULL,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL
      );
      CREATE UNIQUE INDEX resources_name ON resources(directory_id, type, name_key);
      CREATE INDEX resources_type ON resources(directory_id, type);
      CREATE INDEX resources_external_id ON resources(directory_id, type, external_id);
      CREATE TABLE memberships (
        group_pk INTEGER NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
        member_pk INTEGER NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
        PRIMARY KEY (group_pk, member_pk)
      ) WITHOUT ROWID;
      CREATE INDEX memberships_member ON memberships(member_pk);
    `,
  },
  {
    version: 2,
    name: 'index of multi-valued values clients match on (emails.value)',
    sql: `
      CREATE TABLE resource_values (
        resource_pk INTEGER NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
        attribute TEXT NOT NULL,
        value_key TEXT NOT NULL
      );
      CREATE INDEX resource_values_lookup ON resource_values(attribute, value_key, resource_pk);
      CREATE INDEX resource_values_resource ON resource_values(resource_pk);
      INSERT INTO resource_values (resource_pk, attribute, value_key)
        SELECT DISTINCT r.pk, 'emails.value', scim_fold(json_extract(e.value, '$.value'))
        FROM resources r, json_each(r.data, '$.emails') AS e
        WHERE r.type = 'User' AND json_type(e.value, '$.value') = 'text';
    `,
  },
  {
    version: 3,
    name: 'event outbox, audit log, secret lifecycle and connection status',
    sql: `
      ALTER TABLE directories ADD COLUMN last_sequence INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE directories ADD COLUMN first_request_at TEXT;
      ALTER TABLE directories ADD COLUMN last_request_at TEXT;
      ALTER TABLE directories ADD COLUMN last_client_ip TEXT;
      ALTER TABLE directories ADD COLUMN last_user_agent TEXT;
      ALTER TABLE directories ADD COLUMN request_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN rejected_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN last_rejected_at TEXT;
      ALTER TABLE directories ADD COLUMN last_rejected_secret_id TEXT;
      ALTER TABLE directories ADD COLUMN last_rejected_reason TEXT;
      ALTER TABLE secrets ADD COLUMN first_used_at TEXT;
      ALTER TABLE secrets ADD COLUMN warned_days INTEGER;
      ALTER TABLE secrets ADD COLUMN expiry_announced_at TEXT;
      ALTER TABLE secrets ADD COLUMN rejected_announced_at TEXT;
      CREATE TABLE events (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        directory_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        type TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        subject_version INTEGER,
        occurred_at TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (directory_id, sequence)
      );
      CREATE INDEX events_occurred ON events(occurred_at);
      CREATE TABLE audit_log (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_ip TEXT,
        action TEXT NOT NULL,
        target_type TEXT,
        target_id TEXT,
        directory_id TEXT,
        detail TEXT NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE INDEX audit_log_directory ON audit_log(directory_id, pk);
    `,
  },
  {
    version: 4,
    name: 'webhooks: endpoints, per-directory delivery cursors and the delivery log',
    sql: `
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        directory_id TEXT REFERENCES directories(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        event_types TEXT NOT NULL,
        format TEXT NOT NULL,
        secrets TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created TEXT NOT NULL
      );
      CREATE INDEX webhooks_directory ON webhooks(directory_id);
      CREATE TABLE webhook_cursors (
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        delivered_sequence INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT,
        lease_owner TEXT,
        lease_until TEXT,
        PRIMARY KEY (webhook_id, directory_id)
      );
      CREATE TABLE webhook_deliveries (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        directory_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        at TEXT NOT NULL,
        status_code INTEGER,
        duration_ms INTEGER NOT NULL,
        error TEXT,
        outcome TEXT NOT NULL
      );
      CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, pk);
      CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);
    `,
  },
  {
    version: 5,
    name: 'secret lifecycle: secrets and directories used before version 3 count as already connected',
    // Without this, the first request after an upgrade would announce a months-old secret as
    // newly used (a rotation that is not one) and a long-connected directory as newly connected.
    sql: `
      UPDATE secrets SET first_used_at = last_used_at WHERE first_used_at IS NULL AND last_used_at IS NOT NULL;
      UPDATE directories SET first_request_at = (SELECT MIN(s.last_used_at) FROM secrets s WHERE s.directory_id = directories.id)
        WHERE first_request_at IS NULL;
    `,
  },
  {
    version: 6,
    name: 'provisioning engine: connections, per-object state, memberships sent, cycles and log',
    sql: `
      CREATE TABLE provisioning_connections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        target_url TEXT NOT NULL,
        credential_kind TEXT NOT NULL,
        credential TEXT NOT NULL,
        credential_expires_at TEXT,
        mappings TEXT,
        scoping TEXT NOT NULL,
        settings TEXT NOT NULL,
        lease_owner TEXT,
        lease_until TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE TABLE provisioning_objects (
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        object_type TEXT NOT NULL,
        source_key TEXT NOT NULL,
        target_id TEXT,
        ownership TEXT,
        phase TEXT NOT NULL,
        sent TEXT NOT NULL,
        manager_key TEXT,
        gone_since TEXT,
        failures INTEGER NOT NULL,
        last_error TEXT,
        updated TEXT NOT NULL,
        PRIMARY KEY (connection_id, object_type, source_key)
      );
      CREATE TABLE provisioning_memberships (
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        group_key TEXT NOT NULL,
        member_key TEXT NOT NULL,
        PRIMARY KEY (connection_id, group_key, member_key)
      ) WITHOUT ROWID;
      CREATE INDEX provisioning_memberships_member ON provisioning_memberships(connection_id, member_key);
      CREATE TABLE provisioning_cycles (
        id TEXT PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        dry_run INTEGER NOT NULL,
        status TEXT NOT NULL,
        summary TEXT,
        message TEXT
      );
      CREATE INDEX provisioning_cycles_connection ON provisioning_cycles(connection_id, started_at);
      CREATE TABLE provisioning_log (
        pk INTEGER PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        cycle_id TEXT NOT NULL,
        at TEXT NOT NULL,
        object_type TEXT NOT NULL,
        source_key TEXT NOT NULL,
        target_id TEXT,
        action TEXT NOT NULL,
        result TEXT NOT NULL,
        status INTEGER,
        detail TEXT,
        changes TEXT
      );
      CREATE INDEX provisioning_log_cycle ON provisioning_log(cycle_id, pk);
      CREATE INDEX provisioning_log_object ON provisioning_log(connection_id, source_key, pk);
      CREATE INDEX provisioning_log_connection ON provisioning_log(connection_id, pk);
    `,
  },
  {
    version: 7,
    name: 'webhook delivery: streams that outlive their directory, dead-lettered (paused) streams, retry window, response excerpts',
    // webhook_cursors held no rows before this version (nothing wrote it). It is made again
    // without the foreign key to directories, so a global webhook still delivers the events of a
    // deleted directory, its directory.deleted included, before the stream ends.
    sql: `
      DROP TABLE webhook_cursors;
      CREATE TABLE webhook_cursors (
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        directory_id TEXT NOT NULL,
        delivered_sequence INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        failing_since TEXT,
        paused_at TEXT,
        pause_reason TEXT,
        lease_owner TEXT,
        lease_until TEXT,
        PRIMARY KEY (webhook_id, directory_id)
      );
      ALTER TABLE webhooks ADD COLUMN updated TEXT;
      ALTER TABLE webhook_deliveries ADD COLUMN event_type TEXT NOT NULL DEFAULT '';
      ALTER TABLE webhook_deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'dispatch';
      ALTER TABLE webhook_deliveries ADD COLUMN response_excerpt TEXT;
      CREATE INDEX webhook_deliveries_at ON webhook_deliveries(at);
    `,
  },
  {
    version: 8,
    name: 'provisioning operations: quarantine, released deletion threshold, credential upkeep, escrow retry times',
    sql: `
      ALTER TABLE provisioning_connections ADD COLUMN quarantine TEXT;
      ALTER TABLE provisioning_connections ADD COLUMN allow_deletes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE provisioning_connections ADD COLUMN credential_state TEXT;
      ALTER TABLE provisioning_objects ADD COLUMN retry_at TEXT;
    `,
  },
  {
    version: 9,
    name: 'provisioning sources: what a source remembers between cycles (watermarks, the records last read, their hashes)',
    sql: `
      CREATE TABLE provisioning_source_state (
        connection_id TEXT PRIMARY KEY REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE TABLE provisioning_source_records (
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        object_type TEXT NOT NULL,
        source_key TEXT NOT NULL,
        hash TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (connection_id, object_type, source_key)
      );
    `,
  },
  {
    version: 10,
    name: 'console sessions: sign-outs, kept until the session would have expired anyway',
    sql: `
      CREATE TABLE admin_session_revocations (
        session_id TEXT PRIMARY KEY,
        revoked_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX admin_session_revocations_expiry ON admin_session_revocations(expires_at);
    `,
  },
  {
    version: 11,
    name: 'provisioning targets: how the target treats groups (Test Connection probe, batch sizes learned)',
    sql: `
      ALTER TABLE provisioning_connections ADD COLUMN target_profile TEXT;
    `,
  },
  {
    version: 12,
    name: 'keys: the signing key leaves the database (it is derived from the key file), so a copy of the database cannot sign',
    sql: `
      DELETE FROM settings WHERE key = 'server_key';
    `,
  },
  {
    version: 13,
    name: 'notifications: recipients (e-mail, Slack, Teams) delivered as webhook streams of the notify format; when a quiet directory was announced',
    sql: `
      CREATE TABLE notification_recipients (
        id TEXT PRIMARY KEY REFERENCES webhooks(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        label TEXT NOT NULL,
        created TEXT NOT NULL
      );
      ALTER TABLE directories ADD COLUMN quiet_announced_at TEXT;
    `,
  },
  {
    version: 15,
    name: 'provisioning log: where the source has each object (an LDAP DN, a CSV line), beside its key',
    sql: `
      ALTER TABLE provisioning_log ADD COLUMN origin TEXT;
    `,
  },
  {
    version: 16,
    name: 'durations: a bare "m" (minutes until now) is refused from now on; stored schedules say min',
    sql: `
      UPDATE provisioning_connections SET settings = json_set(settings, '$.schedule', json_extract(settings, '$.schedule') || 'in')
        WHERE lower(json_extract(settings, '$.schedule')) GLOB '[0-9]*m';
      UPDATE provisioning_connections SET settings = json_set(settings, '$.fullSyncEvery', json_extract(settings, '$.fullSyncEvery') || 'in')
        WHERE lower(json_extract(settings, '$.fullSyncEvery')) GLOB '[0-9]*m';
      UPDATE provisioning_connections SET settings = json_set(settings, '$.deleteAfter', json_extract(settings, '$.deleteAfter') || 'in')
        WHERE lower(json_extract(settings, '$.deleteAfter')) GLOB '[0-9]*m';
    `,
  },
  {
    version: 17,
    name: 'audit log: the target\'s name when the entry was written (a directory, a secret and its last four, a connection, a webhook\'s host)',
    sql: `
      ALTER TABLE audit_log ADD COLUMN target_name TEXT;
    `,
  },
  {
    version: 19,
    name: 'directory counts: users and groups counted beside last_sequence, so an unfiltered page reads its total instead of counting',
    // Kept by the same UPDATE that numbers a write's events (see SqlStore.appendEvents); filled
    // here from the rows already there. There is no 18: versions need not be contiguous.
    sql: `
      ALTER TABLE directories ADD COLUMN user_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN group_count INTEGER NOT NULL DEFAULT 0;
      UPDATE directories SET
        user_count = (SELECT COUNT(*) FROM resources r WHERE r.directory_id = directories.id AND r.type = 'User'),
        group_count = (SELECT COUNT(*) FROM resources r WHERE r.directory_id = directories.id AND r.type = 'Group');
    `,
  },
];
