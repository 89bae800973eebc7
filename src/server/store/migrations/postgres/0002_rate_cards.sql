-- Rate cards: carrier cards hold rates; customer cards hold only a markup over their parent, so
-- their rates are computed on read and never go stale.
CREATE TABLE rate_cards (
    id TEXT COLLATE "C" PRIMARY KEY,
    dealer_id TEXT COLLATE "C" NOT NULL REFERENCES dealers(id),
    name TEXT COLLATE "C" NOT NULL,
    currency TEXT COLLATE "C" NOT NULL,
    parent_id TEXT COLLATE "C" REFERENCES rate_cards(id),
    -- The carrier card at the top of the chain (itself for a carrier card): whose rates are priced.
    root_id TEXT COLLATE "C" NOT NULL,
    -- How many rates a carrier card holds (kept with every import).
    rate_count BIGINT NOT NULL DEFAULT 0,
    -- 'percent', 'relative' or 'absolute'; null on carrier cards.
    markup_type TEXT COLLATE "C",
    -- Micro-units (of a percent for 'percent').
    markup_value BIGINT,
    allow_below_cost BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX rate_cards_name ON rate_cards (dealer_id, lower(name));
CREATE INDEX rate_cards_parent ON rate_cards (parent_id);

-- The rates of carrier cards only. Money in micro-units.
CREATE TABLE rates (
    card_id TEXT COLLATE "C" NOT NULL REFERENCES rate_cards(id) ON DELETE CASCADE,
    prefix TEXT COLLATE "C" NOT NULL,
    destination TEXT COLLATE "C" NOT NULL,
    rate BIGINT NOT NULL,
    connection_fee BIGINT NOT NULL,
    increment_first BIGINT NOT NULL,
    increment_next BIGINT NOT NULL,
    PRIMARY KEY (card_id, prefix)
);

-- A card handed to a child dealer of its owner, where it is that dealer's provider card.
CREATE TABLE rate_card_dealers (
    card_id TEXT COLLATE "C" NOT NULL REFERENCES rate_cards(id) ON DELETE CASCADE,
    dealer_id TEXT COLLATE "C" NOT NULL REFERENCES dealers(id) ON DELETE CASCADE,
    PRIMARY KEY (card_id, dealer_id)
);
CREATE INDEX rate_card_dealers_dealer ON rate_card_dealers (dealer_id);
CREATE INDEX tenants_rate_card ON tenants (rate_card_id)
