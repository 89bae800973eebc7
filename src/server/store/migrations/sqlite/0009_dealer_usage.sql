-- What each dealer's tenants use, kept in the transaction of every change that moves usage, so
-- that a capacity check or the roll-up of a whole subtree reads one row instead of summing
-- tenants. own_*: the dealer's own tenants; sub_*: every tenant of its subtree, its own included.
-- *_recording counts the minutes beyond the free ones per tenant, as of
-- usage_basis.free_recording_minutes: a server started with another policy recounts every row
-- and records its value (the sum beyond a threshold cannot be shifted to another threshold).
CREATE TABLE dealer_usage (
    dealer_id TEXT PRIMARY KEY REFERENCES dealers(id) ON DELETE CASCADE,
    own_tenants INTEGER NOT NULL DEFAULT 0,
    own_extensions INTEGER NOT NULL DEFAULT 0,
    own_calls INTEGER NOT NULL DEFAULT 0,
    own_recording INTEGER NOT NULL DEFAULT 0,
    sub_tenants INTEGER NOT NULL DEFAULT 0,
    sub_extensions INTEGER NOT NULL DEFAULT 0,
    sub_calls INTEGER NOT NULL DEFAULT 0,
    sub_recording INTEGER NOT NULL DEFAULT 0
);
-- The free recording minutes per tenant the counters were made with (one row).
CREATE TABLE usage_basis (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    free_recording_minutes INTEGER NOT NULL
);
-- Counted with the default policy (500 free minutes); a server with another one recounts at start.
INSERT INTO usage_basis (id, free_recording_minutes) VALUES (1, 500);
WITH own AS (
    SELECT t.dealer_id AS owner, COUNT(*) AS a, SUM(t.extensions) AS b, SUM(t.concurrent_calls) AS c,
        SUM(CASE WHEN t.recording_minutes > 500 THEN t.recording_minutes - 500 ELSE 0 END) AS d
    FROM tenants t GROUP BY t.dealer_id
), sub AS (
    SELECT x.ancestor AS owner, SUM(o.a) AS a, SUM(o.b) AS b, SUM(o.c) AS c, SUM(o.d) AS d
    FROM dealer_tree x JOIN own o ON o.owner = x.descendant GROUP BY x.ancestor
)
INSERT INTO dealer_usage (dealer_id, own_tenants, own_extensions, own_calls, own_recording,
    sub_tenants, sub_extensions, sub_calls, sub_recording)
SELECT d.id, CAST(COALESCE(o.a, 0) AS BIGINT), CAST(COALESCE(o.b, 0) AS BIGINT),
    CAST(COALESCE(o.c, 0) AS BIGINT), CAST(COALESCE(o.d, 0) AS BIGINT),
    CAST(COALESCE(s.a, 0) AS BIGINT), CAST(COALESCE(s.b, 0) AS BIGINT),
    CAST(COALESCE(s.c, 0) AS BIGINT), CAST(COALESCE(s.d, 0) AS BIGINT)
FROM dealers d LEFT JOIN own o ON o.owner = d.id LEFT JOIN sub s ON s.owner = d.id
