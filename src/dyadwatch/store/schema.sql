-- dyadwatch DuckDB schema, version 1.
-- Offsets (start_char/end_char, trigger_start/trigger_end) index articles.text.
-- Every row of sentences, mentions, events and quotes belongs to exactly one
-- article and is written in the same transaction as that article, so an
-- article is either stored whole or absent.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS articles (
    id          VARCHAR PRIMARY KEY,   -- content hash of the cleaned text
    doc_id      VARCHAR,               -- the id the input gave
    title       VARCHAR,
    outlet      VARCHAR,
    byline      VARCHAR,
    date        DATE,
    date_text   VARCHAR,
    url         VARCHAR,
    source_path VARCHAR,
    source_line INTEGER,
    text        VARCHAR NOT NULL,
    n_sentences INTEGER,
    story_id    VARCHAR,               -- set by dedup: id of the story's first article
    ingested_at TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS article_minhash (
    article_id VARCHAR PRIMARY KEY,
    signature  UBIGINT[]               -- datasketch MinHash hash values
);

CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR NOT NULL,
    idx        INTEGER NOT NULL,
    text       VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);

-- Actor mentions, after coding and coreference ("actors" in the issue).
CREATE TABLE IF NOT EXISTS actors (
    article_id   VARCHAR NOT NULL,
    idx          INTEGER NOT NULL,      -- mention number within the article
    sentence_idx INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    code         VARCHAR NOT NULL,
    country      VARCHAR,
    sector       VARCHAR,
    name         VARCHAR,
    kind         VARCHAR,
    antecedent   VARCHAR,
    confidence   DOUBLE,
    PRIMARY KEY (article_id, idx)
);

CREATE TABLE IF NOT EXISTS events (
    id             VARCHAR PRIMARY KEY,
    article_id     VARCHAR NOT NULL,
    sentence_idx   INTEGER NOT NULL,
    sentence       VARCHAR NOT NULL,
    trigger        VARCHAR NOT NULL,
    trigger_start  INTEGER NOT NULL,
    trigger_end    INTEGER NOT NULL,
    plover         VARCHAR NOT NULL,
    cameo          VARCHAR,
    goldstein      DOUBLE,
    quad_class     TINYINT,
    source         VARCHAR,
    source_country VARCHAR,
    source_sector  VARCHAR,
    source_name    VARCHAR,
    source_text    VARCHAR,
    target         VARCHAR,
    target_country VARCHAR,
    target_sector  VARCHAR,
    target_name    VARCHAR,
    target_text    VARCHAR,
    date           DATE,
    date_source    VARCHAR,
    date_text      VARCHAR,
    confidence     DOUBLE,
    negated        BOOLEAN NOT NULL DEFAULT false,
    modality       VARCHAR NOT NULL DEFAULT 'asserted',
    pattern        VARCHAR,
    quote_id       VARCHAR,
    geo_name       VARCHAR,
    geo_id         BIGINT,
    geo_country    VARCHAR,
    geo_admin1     VARCHAR,
    lat            DOUBLE,
    lon            DOUBLE,
    geo_precision  VARCHAR,
    geo_text       VARCHAR,
    canonical_id   VARCHAR               -- set by dedup
);

CREATE TABLE IF NOT EXISTS quotes (
    id             VARCHAR PRIMARY KEY,
    article_id     VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    start_char     INTEGER NOT NULL,
    end_char       INTEGER NOT NULL,
    kind           VARCHAR NOT NULL,      -- direct | indirect
    speaker_text   VARCHAR,
    speaker        VARCHAR,
    speaker_country VARCHAR,
    speaker_sector VARCHAR,
    speaker_name   VARCHAR,
    verb           VARCHAR,
    sentence_start INTEGER,
    sentence_end   INTEGER
);

-- One row per deduplicated event; members are events.canonical_id.
CREATE TABLE IF NOT EXISTS canonical_events (
    id             VARCHAR PRIMARY KEY,
    source         VARCHAR,
    source_country VARCHAR,
    target         VARCHAR,
    target_country VARCHAR,
    plover         VARCHAR NOT NULL,
    modality       VARCHAR NOT NULL,      -- every member event has this modality
    cameo          VARCHAR,
    goldstein      DOUBLE,
    quad_class     TINYINT,
    date           DATE,
    n_mentions     INTEGER NOT NULL,
    n_stories      INTEGER NOT NULL,
    n_articles     INTEGER NOT NULL,
    first_event_id VARCHAR NOT NULL,
    confidence     DOUBLE
);

CREATE SEQUENCE IF NOT EXISTS errors_seq;
CREATE TABLE IF NOT EXISTS errors (
    id          BIGINT PRIMARY KEY DEFAULT nextval('errors_seq'),
    path        VARCHAR,
    line        INTEGER,
    doc_id      VARCHAR,
    code        VARCHAR,
    reason      VARCHAR NOT NULL,
    run_id      VARCHAR,
    occurred_at TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS runs (
    id          VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP DEFAULT current_timestamp,
    finished_at TIMESTAMP,
    command     VARCHAR,
    n_read      INTEGER,
    n_stored    INTEGER,
    n_duplicate INTEGER,
    n_failed    INTEGER
);

-- Dask shards already loaded (scale.py), so a resumed run loads each once.
CREATE TABLE IF NOT EXISTS shards (
    name      VARCHAR PRIMARY KEY,
    loaded_at TIMESTAMP DEFAULT current_timestamp
);

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
