-- Plans: a channel document checked against the subtree it names, kept for its owner to apply
-- once (whole or not at all) while the subtree still has the fingerprint `version`.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    under_dealer_id TEXT NOT NULL REFERENCES dealers(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    prune BIGINT NOT NULL DEFAULT 0,
    version TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX plans_user ON plans (user_id, expires_at);

-- The plan an event was applied with: every event of one apply shares it.
ALTER TABLE audit_events ADD COLUMN change_set TEXT;
CREATE INDEX audit_events_change_set ON audit_events (change_set, id)
