-- API keys: named credentials for scripts, holding a subset of their owner's permissions.
-- Only the SHA-256 of the secret is kept; revoking a key deletes its row (its events keep its id
-- and name). Names are unique among an owner's unexpired keys: checked by the operation, since
-- expiry moves with the clock and no index can say it.
CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    -- A JSON array of permission names, in catalogue order.
    permissions TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_keys_user ON api_keys (user_id, name);

-- The key a request was made with, beside the login that owns it.
ALTER TABLE audit_events ADD COLUMN actor_key_id TEXT COLLATE "C";
ALTER TABLE audit_events ADD COLUMN actor_key_name TEXT COLLATE "C";
