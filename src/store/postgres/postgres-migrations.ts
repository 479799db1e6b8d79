import type { Migration } from '../sql/migrations.js';

/**
 * The PostgreSQL schema, one entry per version, mirroring sqlite-migrations.ts. Keys that are
 * compared and sorted use the "C" collation so ordering matches SQLite's byte order.
 */
export const postgresMigrations: Migration[] = [
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
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT COLLATE "C" NOT NULL,
        display TEXT NOT NULL,
        external_id TEXT COLLATE "C",
        active BOOLEAN,
        data JSONB NOT NULL,
        version INTEGER NOT NULL,
        created TEXT COLLATE "C" NOT NULL,
        last_modified TEXT COLLATE "C" NOT NULL
      );
      CREATE UNIQUE INDEX resources_name ON resources(directory_id, type, name_key);
      CREATE INDEX resources_type ON resources(directory_id, type, pk);
      CREATE INDEX resources_external_id ON resources(directory_id, type, external_id);
      CREATE TABLE memberships (
        group_pk BIGINT NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
        member_pk BIGINT NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
        PRIMARY KEY (group_pk, member_pk)
      );
      CREATE INDEX memberships_member ON memberships(member_pk);
    `,
  },
  {
    version: 2,
    name: 'index of multi-valued values clients match on (emails.value)',
    sql: `
      CREATE TABLE resource_values (
        resource_pk BIGINT NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
        attribute TEXT NOT NULL,
        value_key TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX resource_values_lookup ON resource_values(attribute, value_key, resource_pk);
      CREATE INDEX resource_values_resource ON resource_values(resource_pk);
      INSERT INTO resource_values (resource_pk, attribute, value_key)
        SELECT DISTINCT r.pk, 'emails.value', lower(e.value ->> 'value')
        FROM resources r, jsonb_array_elements(CASE WHEN jsonb_typeof(r.data -> 'emails') = 'array' THEN r.data -> 'emails' ELSE '[]'::jsonb END) AS e(value)
        WHERE r.type = 'User' AND jsonb_typeof(e.value -> 'value') = 'string';
    `,
  },
  {
    version: 3,
    name: 'event outbox, audit log, secret lifecycle and connection status',
    sql: `
      ALTER TABLE directories ADD COLUMN last_sequence BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN settings JSONB NOT NULL DEFAULT '{}';
      ALTER TABLE directories ADD COLUMN first_request_at TEXT;
      ALTER TABLE directories ADD COLUMN last_request_at TEXT;
      ALTER TABLE directories ADD COLUMN last_client_ip TEXT;
      ALTER TABLE directories ADD COLUMN last_user_agent TEXT;
      ALTER TABLE directories ADD COLUMN request_count BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN error_count BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN rejected_count BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN last_rejected_at TEXT;
      ALTER TABLE directories ADD COLUMN last_rejected_secret_id TEXT;
      ALTER TABLE directories ADD COLUMN last_rejected_reason TEXT;
      ALTER TABLE secrets ADD COLUMN first_used_at TEXT;
      ALTER TABLE secrets ADD COLUMN warned_days INTEGER;
      ALTER TABLE secrets ADD COLUMN expiry_announced_at TEXT;
      ALTER TABLE secrets ADD COLUMN rejected_announced_at TEXT;
      CREATE TABLE events (
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        directory_id TEXT NOT NULL,
        sequence BIGINT NOT NULL,
        type TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        subject_version INTEGER,
        occurred_at TEXT COLLATE "C" NOT NULL,
        data JSONB NOT NULL,
        UNIQUE (directory_id, sequence)
      );
      CREATE INDEX events_occurred ON events(occurred_at);
      CREATE TABLE audit_log (
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at TEXT COLLATE "C" NOT NULL,
        actor TEXT NOT NULL,
        actor_ip TEXT,
        action TEXT NOT NULL,
        target_type TEXT,
        target_id TEXT,
        directory_id TEXT,
        detail JSONB NOT NULL
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
        event_types JSONB NOT NULL,
        format TEXT NOT NULL,
        secrets TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        created TEXT NOT NULL
      );
      CREATE INDEX webhooks_directory ON webhooks(directory_id);
      CREATE TABLE webhook_cursors (
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        delivered_sequence BIGINT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT COLLATE "C",
        lease_owner TEXT,
        lease_until TEXT COLLATE "C",
        PRIMARY KEY (webhook_id, directory_id)
      );
      CREATE TABLE webhook_deliveries (
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        directory_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        sequence BIGINT NOT NULL,
        attempt INTEGER NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
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
        source_key TEXT COLLATE "C" NOT NULL,
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
        group_key TEXT COLLATE "C" NOT NULL,
        member_key TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (connection_id, group_key, member_key)
      );
      CREATE INDEX provisioning_memberships_member ON provisioning_memberships(connection_id, member_key);
      CREATE TABLE provisioning_cycles (
        id TEXT PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        started_at TEXT COLLATE "C" NOT NULL,
        finished_at TEXT,
        dry_run INTEGER NOT NULL,
        status TEXT NOT NULL,
        summary TEXT,
        message TEXT
      );
      CREATE INDEX provisioning_cycles_connection ON provisioning_cycles(connection_id, started_at);
      CREATE TABLE provisioning_log (
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES provisioning_connections(id) ON DELETE CASCADE,
        cycle_id TEXT NOT NULL,
        at TEXT NOT NULL,
        object_type TEXT NOT NULL,
        source_key TEXT COLLATE "C" NOT NULL,
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
        delivered_sequence BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT COLLATE "C",
        failing_since TEXT COLLATE "C",
        paused_at TEXT,
        pause_reason TEXT,
        lease_owner TEXT,
        lease_until TEXT COLLATE "C",
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
        expires_at TEXT COLLATE "C" NOT NULL
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
    version: 14,
    name: 'verified-secret cache: a change to who a secret lets in notifies the replicas in the same transaction',
    // A trigger rather than NOTIFY calls beside each write: every path that creates, revokes,
    // re-dates or deletes a secret (directory deletion included) is covered, and the
    // notification is sent only if the change commits. Last-use bookkeeping does not notify.
    sql: `
      CREATE FUNCTION scimd_secrets_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('scimd_secrets', ''); RETURN NULL; END $$;
      CREATE TRIGGER secrets_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF hash, scope, directory_id, expires_at, revoked_at ON secrets
        FOR EACH STATEMENT EXECUTE FUNCTION scimd_secrets_changed();
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
      UPDATE provisioning_connections SET settings = jsonb_set(settings::jsonb, '{schedule}', to_jsonb((settings::jsonb->>'schedule') || 'in'))::text
        WHERE settings::jsonb->>'schedule' ~* '^\\s*[0-9]+\\s*m$';
      UPDATE provisioning_connections SET settings = jsonb_set(settings::jsonb, '{fullSyncEvery}', to_jsonb((settings::jsonb->>'fullSyncEvery') || 'in'))::text
        WHERE settings::jsonb->>'fullSyncEvery' ~* '^\\s*[0-9]+\\s*m$';
      UPDATE provisioning_connections SET settings = jsonb_set(settings::jsonb, '{deleteAfter}', to_jsonb((settings::jsonb->>'deleteAfter') || 'in'))::text
        WHERE settings::jsonb->>'deleteAfter' ~* '^\\s*[0-9]+\\s*m$';
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
      ALTER TABLE directories ADD COLUMN user_count BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE directories ADD COLUMN group_count BIGINT NOT NULL DEFAULT 0;
      UPDATE directories SET
        user_count = (SELECT COUNT(*) FROM resources r WHERE r.directory_id = directories.id AND r.type = 'User'),
        group_count = (SELECT COUNT(*) FROM resources r WHERE r.directory_id = directories.id AND r.type = 'Group');
    `,
  },
  {
    version: 20,
    name: 'deletes in one statement: the groups of a member, read in a snapshot of their own',
    // Called by a deletion's one statement (SqlStore.deleteInOneStatement) once the member's row
    // is deleted, so after any wait for its lock. VOLATILE on purpose: in READ COMMITTED each
    // query of a volatile function takes a fresh snapshot, so it sees a membership whose add
    // committed while the deletion waited, which the statement's own snapshot, taken before the
    // wait, does not. PL/pgSQL rather than SQL: it keeps its query's plan for the connection
    // (a SQL function is planned again in every statement that calls it, 0.05 ms). ROWS 10 (a
    // member is in a few groups, not the default 1,000) keeps the groups' UPDATE on the primary
    // key. SQLite deletes in a transaction and needs no counterpart.
    sql: `
      CREATE FUNCTION scimd_groups_of_member(member BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql VOLATILE ROWS 10 AS $$ BEGIN RETURN QUERY SELECT group_pk FROM memberships WHERE member_pk = member; END $$;
    `,
  },
];
