-- What a dealer's tenants use, readable from the index alone: capacity checks and the roll-up of a
-- whole subtree sum these columns over every tenant of many dealers.
CREATE INDEX tenants_usage ON tenants (dealer_id, extensions, concurrent_calls, recording_minutes, high_availability);
