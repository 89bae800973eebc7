CREATE TABLE dealers (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES dealers(id),
    -- '/root/…/self/': ancestors as a path, for scoping rows that outlive a dealer (audit).
    path TEXT NOT NULL,
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    pkg_max_tenants INTEGER,
    pkg_extensions INTEGER,
    pkg_concurrent_calls INTEGER,
    pkg_recording_minutes INTEGER,
    pkg_high_availability INTEGER NOT NULL DEFAULT 0,
    pkg_min_extensions_per_tenant INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dealers_sibling_name ON dealers (COALESCE(parent_id, ''), lower(name));
CREATE INDEX dealers_parent ON dealers (parent_id, name);

-- Closure table: one row per (ancestor, descendant) pair, the dealer itself at depth 0.
CREATE TABLE dealer_tree (
    ancestor TEXT NOT NULL REFERENCES dealers(id) ON DELETE CASCADE,
    descendant TEXT NOT NULL REFERENCES dealers(id) ON DELETE CASCADE,
    depth INTEGER NOT NULL,
    PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX dealer_tree_descendant ON dealer_tree (descendant, depth);

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    dealer_id TEXT NOT NULL REFERENCES dealers(id),
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    extensions INTEGER NOT NULL,
    concurrent_calls INTEGER NOT NULL,
    recording_minutes INTEGER NOT NULL,
    high_availability INTEGER NOT NULL DEFAULT 0,
    enabled INTEGER NOT NULL DEFAULT 1,
    rate_card_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX tenants_domain ON tenants (domain);
CREATE INDEX tenants_dealer ON tenants (dealer_id, name);
CREATE INDEX tenants_name ON tenants (name, id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    dealer_id TEXT NOT NULL REFERENCES dealers(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    activated_at INTEGER,
    last_sign_in_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_dealer ON users (dealer_id, email);

CREATE TABLE perm_groups (
    id TEXT PRIMARY KEY,
    dealer_id TEXT NOT NULL REFERENCES dealers(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Space-separated, sorted permission names.
    permissions TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX perm_groups_name ON perm_groups (dealer_id, lower(name));

CREATE TABLE group_members (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES perm_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX group_members_group ON group_members (group_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    impersonator_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    read_only INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE link_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX link_tokens_user ON link_tokens (user_id);

-- Sign-in attempts that count against throttling: failures, and attempts still being checked.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    -- The path of the dealer the object belongs to, so an event stays visible to the dealers above
    -- it after the dealer is gone.
    dealer_path TEXT NOT NULL,
    actor_id TEXT,
    actor_email TEXT,
    -- Paths of the actors' dealers: readers above the actor see who it was, others do not.
    actor_path TEXT,
    impersonator_id TEXT,
    impersonator_email TEXT,
    impersonator_path TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    object_name TEXT,
    before_json TEXT,
    after_json TEXT,
    client_addr TEXT,
    request_id TEXT
);
CREATE INDEX audit_events_path ON audit_events (dealer_path, id);
CREATE INDEX audit_events_object ON audit_events (object_id, id)
