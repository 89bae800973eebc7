CREATE TABLE dealers (
    id TEXT COLLATE "C" PRIMARY KEY,
    parent_id TEXT COLLATE "C" REFERENCES dealers(id),
    -- '/root/…/self/': ancestors as a path, for scoping rows that outlive a dealer (audit).
    path TEXT COLLATE "C" NOT NULL,
    level TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL DEFAULT '',
    phone TEXT COLLATE "C" NOT NULL DEFAULT '',
    address TEXT COLLATE "C" NOT NULL DEFAULT '',
    notes TEXT COLLATE "C" NOT NULL DEFAULT '',
    enabled BIGINT NOT NULL DEFAULT 1,
    pkg_max_tenants BIGINT,
    pkg_extensions BIGINT,
    pkg_concurrent_calls BIGINT,
    pkg_recording_minutes BIGINT,
    pkg_high_availability BIGINT NOT NULL DEFAULT 0,
    pkg_min_extensions_per_tenant BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dealers_sibling_name ON dealers (COALESCE(parent_id, ''), lower(name));
CREATE INDEX dealers_parent ON dealers (parent_id, name);

-- Closure table: one row per (ancestor, descendant) pair, the dealer itself at depth 0.
CREATE TABLE dealer_tree (
    ancestor TEXT COLLATE "C" NOT NULL REFERENCES dealers(id) ON DELETE CASCADE,
    descendant TEXT COLLATE "C" NOT NULL REFERENCES dealers(id) ON DELETE CASCADE,
    depth BIGINT NOT NULL,
    PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX dealer_tree_descendant ON dealer_tree (descendant, depth);

CREATE TABLE tenants (
    id TEXT COLLATE "C" PRIMARY KEY,
    dealer_id TEXT COLLATE "C" NOT NULL REFERENCES dealers(id),
    name TEXT COLLATE "C" NOT NULL,
    domain TEXT COLLATE "C" NOT NULL,
    extensions BIGINT NOT NULL,
    concurrent_calls BIGINT NOT NULL,
    recording_minutes BIGINT NOT NULL,
    high_availability BIGINT NOT NULL DEFAULT 0,
    enabled BIGINT NOT NULL DEFAULT 1,
    rate_card_id TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX tenants_domain ON tenants (domain);
CREATE INDEX tenants_dealer ON tenants (dealer_id, name);
CREATE INDEX tenants_name ON tenants (name, id);

CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    dealer_id TEXT COLLATE "C" NOT NULL REFERENCES dealers(id),
    email TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL DEFAULT '',
    password_hash TEXT COLLATE "C",
    enabled BIGINT NOT NULL DEFAULT 1,
    activated_at BIGINT,
    last_sign_in_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_dealer ON users (dealer_id, email);

CREATE TABLE perm_groups (
    id TEXT COLLATE "C" PRIMARY KEY,
    dealer_id TEXT COLLATE "C" NOT NULL REFERENCES dealers(id),
    name TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL DEFAULT '',
    -- Space-separated, sorted permission names.
    permissions TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX perm_groups_name ON perm_groups (dealer_id, lower(name));

CREATE TABLE group_members (
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id TEXT COLLATE "C" NOT NULL REFERENCES perm_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX group_members_group ON group_members (group_id);

CREATE TABLE sessions (
    id TEXT COLLATE "C" PRIMARY KEY,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    impersonator_id TEXT COLLATE "C" REFERENCES users(id) ON DELETE CASCADE,
    read_only BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE link_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX link_tokens_user ON link_tokens (user_id);

-- Sign-in attempts that count against throttling: failures, and attempts still being checked.
CREATE TABLE login_failures (
    id TEXT COLLATE "C" PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_events (
    id TEXT COLLATE "C" PRIMARY KEY,
    at BIGINT NOT NULL,
    -- The path of the dealer the object belongs to, so an event stays visible to the dealers above
    -- it after the dealer is gone.
    dealer_path TEXT COLLATE "C" NOT NULL,
    actor_id TEXT COLLATE "C",
    actor_email TEXT COLLATE "C",
    -- Paths of the actors' dealers: readers above the actor see who it was, others do not.
    actor_path TEXT COLLATE "C",
    impersonator_id TEXT COLLATE "C",
    impersonator_email TEXT COLLATE "C",
    impersonator_path TEXT COLLATE "C",
    action TEXT COLLATE "C" NOT NULL,
    object_type TEXT COLLATE "C" NOT NULL,
    object_id TEXT COLLATE "C",
    object_name TEXT COLLATE "C",
    before_json TEXT COLLATE "C",
    after_json TEXT COLLATE "C",
    client_addr TEXT COLLATE "C",
    request_id TEXT COLLATE "C"
);
CREATE INDEX audit_events_path ON audit_events (dealer_path, id);
CREATE INDEX audit_events_object ON audit_events (object_id, id)
