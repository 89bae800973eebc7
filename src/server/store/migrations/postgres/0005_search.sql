-- Substring search over names (and a tenant's domain, a login's e-mail): trigram indexes
-- (pg_trgm) serve the same `lower(column) LIKE '%text%'` the lists and `GET /search` ask, and
-- PostgreSQL keeps them in step with every write. Where the extension cannot be created (a role
-- without the right), search still answers, by scanning.
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN others THEN RAISE NOTICE 'pg_trgm is not available: search scans'; END $$;
DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN EXECUTE 'CREATE INDEX dealers_name_trgm ON dealers USING gin (lower(name) gin_trgm_ops)'; EXECUTE 'CREATE INDEX tenants_name_trgm ON tenants USING gin (lower(name) gin_trgm_ops)'; EXECUTE 'CREATE INDEX tenants_domain_trgm ON tenants USING gin (lower(domain) gin_trgm_ops)'; EXECUTE 'CREATE INDEX users_email_trgm ON users USING gin (lower(email) gin_trgm_ops)'; EXECUTE 'CREATE INDEX perm_groups_name_trgm ON perm_groups USING gin (lower(name) gin_trgm_ops)'; EXECUTE 'CREATE INDEX rate_cards_name_trgm ON rate_cards USING gin (lower(name) gin_trgm_ops)'; END IF; END $$
