-- A view-as session is on the record once, at its first request: whether that happened yet.
ALTER TABLE sessions ADD COLUMN view_as_recorded INTEGER NOT NULL DEFAULT 0;

-- The tree lists a dealer's children by name whatever their case (ties by name, then id).
CREATE INDEX dealers_parent_lower_name ON dealers (parent_id, lower(name), name, id);
CREATE INDEX tenants_dealer_lower_name ON tenants (dealer_id, lower(name), name, id);
