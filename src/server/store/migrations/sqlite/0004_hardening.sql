-- A view-as session ends with the viewer's own session: it remembers which one opened it.
ALTER TABLE sessions ADD COLUMN parent_session_id TEXT;

-- Suspending and resuming became permissions of their own. Every group that could suspend before
-- (through dealers:update or tenants:update) keeps that power, so nobody loses what it could do.
UPDATE perm_groups SET permissions = permissions || ' dealers:suspend'
 WHERE (' ' || permissions || ' ') LIKE '% dealers:update %'
   AND (' ' || permissions || ' ') NOT LIKE '% dealers:suspend %';
UPDATE perm_groups SET permissions = permissions || ' tenants:suspend'
 WHERE (' ' || permissions || ' ') LIKE '% tenants:update %'
   AND (' ' || permissions || ' ') NOT LIKE '% tenants:suspend %';
