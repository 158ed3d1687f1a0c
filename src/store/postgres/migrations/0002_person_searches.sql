-- lp-delete's PostgreSQL store, schema version 2: person searches between the search and their filing
-- (issue 19), so a search run on one replica can be filed from another. `doc` is the search as the file
-- store keeps it: who searched, the kind of identifier (never the identifier), its state and findings.
CREATE TABLE person_searches (
  token      text PRIMARY KEY,
  user_id    text NOT NULL,
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  doc        jsonb NOT NULL
);
-- A user's searches (the rate limit counts them), and the purge by age.
CREATE INDEX person_searches_by_user ON person_searches (user_id, started_at);
CREATE INDEX person_searches_by_start ON person_searches (started_at);
