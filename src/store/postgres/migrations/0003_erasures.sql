-- lp-delete's PostgreSQL store, schema version 8: erasures sent through the intake API (issue 21), with
-- the callbacks they owe the DSR platform. `doc` is the erasure as the file store keeps it (never the
-- identifier, only its kind); `is_open` copies erasureOpen() for the sweep and the callback delivery.
CREATE TABLE erasures (
  id         text PRIMARY KEY,
  caller     text NOT NULL,
  is_open    boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  doc        jsonb NOT NULL
);
CREATE INDEX erasures_open ON erasures (updated_at, id) WHERE is_open;
