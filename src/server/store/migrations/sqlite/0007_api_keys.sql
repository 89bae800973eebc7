-- API keys: named credentials for scripts, holding a subset of their owner's permissions.
-- Only the SHA-256 of the secret is kept; revoking a key deletes its row (its events keep its id
-- and name). Names are unique among an owner's unexpired keys: checked by the operation, since
-- expiry moves with the clock and no index can say it.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- A JSON array of permission names, in catalogue order.
    permissions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_keys_user ON api_keys (user_id, name);

-- The key a request was made with, beside the login that owns it.
ALTER TABLE audit_events ADD COLUMN actor_key_id TEXT;
ALTER TABLE audit_events ADD COLUMN actor_key_name TEXT;
