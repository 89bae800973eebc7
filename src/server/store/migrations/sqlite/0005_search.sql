-- Substring search over names (and a tenant's domain, a login's e-mail): one FTS5 index with the
-- trigram tokenizer, case-insensitive, kept in step with every write by triggers in the same
-- transaction. `search_keys` gives each object a stable integer key (the index's rowid), so
-- that an update or a delete finds its entry without scanning.
CREATE TABLE search_keys (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_index USING fts5(text, tokenize = 'trigram');

INSERT INTO search_keys (kind, object_id) SELECT 'dealer', id FROM dealers;
INSERT INTO search_keys (kind, object_id) SELECT 'tenant', id FROM tenants;
INSERT INTO search_keys (kind, object_id) SELECT 'user', id FROM users;
INSERT INTO search_keys (kind, object_id) SELECT 'group', id FROM perm_groups;
INSERT INTO search_keys (kind, object_id) SELECT 'rate_card', id FROM rate_cards;
INSERT INTO search_index (rowid, text) SELECT k.id, d.name || ' ' || d.display_name FROM dealers d JOIN search_keys k ON k.object_id = d.id;
INSERT INTO search_index (rowid, text) SELECT k.id, t.name || ' ' || t.domain FROM tenants t JOIN search_keys k ON k.object_id = t.id;
INSERT INTO search_index (rowid, text) SELECT k.id, u.email || ' ' || u.display_name FROM users u JOIN search_keys k ON k.object_id = u.id;
INSERT INTO search_index (rowid, text) SELECT k.id, g.name FROM perm_groups g JOIN search_keys k ON k.object_id = g.id;
INSERT INTO search_index (rowid, text) SELECT k.id, c.name FROM rate_cards c JOIN search_keys k ON k.object_id = c.id;

CREATE TRIGGER dealers_search_insert AFTER INSERT ON dealers BEGIN INSERT INTO search_keys (kind, object_id) VALUES ('dealer', new.id); INSERT INTO search_index (rowid, text) VALUES ((SELECT id FROM search_keys WHERE object_id = new.id), new.name || ' ' || new.display_name); END;
CREATE TRIGGER dealers_search_update AFTER UPDATE OF name, display_name ON dealers BEGIN UPDATE search_index SET text = new.name || ' ' || new.display_name WHERE rowid = (SELECT id FROM search_keys WHERE object_id = new.id); END;
CREATE TRIGGER dealers_search_delete AFTER DELETE ON dealers BEGIN DELETE FROM search_index WHERE rowid = (SELECT id FROM search_keys WHERE object_id = old.id); DELETE FROM search_keys WHERE object_id = old.id; END;

CREATE TRIGGER tenants_search_insert AFTER INSERT ON tenants BEGIN INSERT INTO search_keys (kind, object_id) VALUES ('tenant', new.id); INSERT INTO search_index (rowid, text) VALUES ((SELECT id FROM search_keys WHERE object_id = new.id), new.name || ' ' || new.domain); END;
CREATE TRIGGER tenants_search_update AFTER UPDATE OF name, domain ON tenants BEGIN UPDATE search_index SET text = new.name || ' ' || new.domain WHERE rowid = (SELECT id FROM search_keys WHERE object_id = new.id); END;
CREATE TRIGGER tenants_search_delete AFTER DELETE ON tenants BEGIN DELETE FROM search_index WHERE rowid = (SELECT id FROM search_keys WHERE object_id = old.id); DELETE FROM search_keys WHERE object_id = old.id; END;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN INSERT INTO search_keys (kind, object_id) VALUES ('user', new.id); INSERT INTO search_index (rowid, text) VALUES ((SELECT id FROM search_keys WHERE object_id = new.id), new.email || ' ' || new.display_name); END;
CREATE TRIGGER users_search_update AFTER UPDATE OF email, display_name ON users BEGIN UPDATE search_index SET text = new.email || ' ' || new.display_name WHERE rowid = (SELECT id FROM search_keys WHERE object_id = new.id); END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN DELETE FROM search_index WHERE rowid = (SELECT id FROM search_keys WHERE object_id = old.id); DELETE FROM search_keys WHERE object_id = old.id; END;

CREATE TRIGGER groups_search_insert AFTER INSERT ON perm_groups BEGIN INSERT INTO search_keys (kind, object_id) VALUES ('group', new.id); INSERT INTO search_index (rowid, text) VALUES ((SELECT id FROM search_keys WHERE object_id = new.id), new.name); END;
CREATE TRIGGER groups_search_update AFTER UPDATE OF name ON perm_groups BEGIN UPDATE search_index SET text = new.name WHERE rowid = (SELECT id FROM search_keys WHERE object_id = new.id); END;
CREATE TRIGGER groups_search_delete AFTER DELETE ON perm_groups BEGIN DELETE FROM search_index WHERE rowid = (SELECT id FROM search_keys WHERE object_id = old.id); DELETE FROM search_keys WHERE object_id = old.id; END;

CREATE TRIGGER rate_cards_search_insert AFTER INSERT ON rate_cards BEGIN INSERT INTO search_keys (kind, object_id) VALUES ('rate_card', new.id); INSERT INTO search_index (rowid, text) VALUES ((SELECT id FROM search_keys WHERE object_id = new.id), new.name); END;
CREATE TRIGGER rate_cards_search_update AFTER UPDATE OF name ON rate_cards BEGIN UPDATE search_index SET text = new.name WHERE rowid = (SELECT id FROM search_keys WHERE object_id = new.id); END;
CREATE TRIGGER rate_cards_search_delete AFTER DELETE ON rate_cards BEGIN DELETE FROM search_index WHERE rowid = (SELECT id FROM search_keys WHERE object_id = old.id); DELETE FROM search_keys WHERE object_id = old.id; END
