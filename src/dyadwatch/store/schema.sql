-- dyadwatch DuckDB views. The tables are declared in schema.py (which
-- creates them before this file runs); only what is not a table lives here.

-- Stories: one row per group of near-duplicate articles.
CREATE OR REPLACE VIEW stories AS
SELECT coalesce(story_id, id)          AS story_id,
       count(*)                        AS n_articles,
       list(id ORDER BY date, id)      AS article_ids,
       min(date)                       AS first_date,
       max(date)                       AS last_date,
       arg_min(title, coalesce(date, DATE '9999-12-31')) AS title
FROM articles
GROUP BY coalesce(story_id, id);

-- Events that count as having happened: not negated, asserted.
CREATE OR REPLACE VIEW factual_events AS
SELECT * FROM events WHERE NOT negated AND modality = 'asserted';

-- Watching live sources (issue 17). Written only through the Store's writer
-- (store/watch_state.py); a killed cycle leaves each row whole or absent.
CREATE TABLE IF NOT EXISTS sources (
    address        VARCHAR PRIMARY KEY,  -- URL of a feed/sitemap/page, or a folder path
    kind           VARCHAR NOT NULL,     -- feed | sitemap | article | folder
    name           VARCHAR,
    outlet         VARCHAR,
    language       VARCHAR,
    interval_s     DOUBLE NOT NULL,
    tags           VARCHAR[],
    origin         VARCHAR NOT NULL,     -- cli (sources add) | file (a sources file)
    added_at       TIMESTAMP DEFAULT current_timestamp,
    last_polled_at TIMESTAMP,
    last_status    INTEGER,
    last_error     VARCHAR,
    n_articles     INTEGER NOT NULL DEFAULT 0
);

CREATE SEQUENCE IF NOT EXISTS fetches_seq;
CREATE TABLE IF NOT EXISTS fetches (
    id         BIGINT PRIMARY KEY DEFAULT nextval('fetches_seq'),
    url        VARCHAR NOT NULL,
    final_url  VARCHAR,
    source     VARCHAR,
    status     INTEGER,
    bytes      BIGINT,
    seconds    DOUBLE,
    attempts   INTEGER,
    error      VARCHAR,
    fetched_at TIMESTAMP DEFAULT current_timestamp
);

-- Conditional GET validators of a source, saved once its articles are stored.
CREATE TABLE IF NOT EXISTS http_cache (
    url           VARCHAR PRIMARY KEY,
    etag          VARCHAR,
    last_modified VARCHAR,
    updated_at    TIMESTAMP DEFAULT current_timestamp
);

-- Every article address (or folder file) handled, so none is fetched twice.
CREATE TABLE IF NOT EXISTS watch_urls (
    key        VARCHAR PRIMARY KEY,       -- normalised URL without scheme, or file path
    url        VARCHAR NOT NULL,
    source     VARCHAR,
    article_id VARCHAR,
    status     VARCHAR NOT NULL,          -- stored | duplicate | failed
    reason     VARCHAR,
    seen_at    TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS alerts (
    id           VARCHAR PRIMARY KEY,     -- hash of rule, dyad and window end
    rule         VARCHAR NOT NULL,
    dyad         VARCHAR NOT NULL,
    actor_a      VARCHAR NOT NULL,
    actor_b      VARCHAR NOT NULL,
    window_start DATE NOT NULL,
    window_end   DATE NOT NULL,
    changes      VARCHAR NOT NULL,        -- JSON list of {kind, detail, value, threshold}
    score        DOUBLE,
    n_events     INTEGER,
    n_stories    INTEGER,
    event_ids    VARCHAR[],
    created_at   TIMESTAMP DEFAULT current_timestamp
);

-- One row per alert and channel: an alert is sent once per channel.
CREATE TABLE IF NOT EXISTS notifications (
    alert_id   VARCHAR NOT NULL,
    channel    VARCHAR NOT NULL,          -- hash of the apprise URL
    target     VARCHAR,                   -- the URL with any password hidden
    status     VARCHAR NOT NULL,          -- sent | failed
    attempts   INTEGER NOT NULL,
    error      VARCHAR,
    digest     BOOLEAN NOT NULL DEFAULT false,
    sent_at    TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (alert_id, channel)
);
