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
