-- lp-delete's PostgreSQL store, schema version 1.
-- A request is kept whole in `doc` (the JSON the file store keeps); the columns beside it are copies of
-- what queries select or lock on, written in the same statement as the document.

CREATE TABLE requests (
  id                 text PRIMARY KEY,
  -- yyyy-mm of the id (DR-yyyy-mm-nnnn); the month a request is listed under.
  month              text NOT NULL,
  -- nnnn of the id, for "oldest first" past 9999 (null for the old DR-XXXXXX ids).
  month_seq          integer,
  account_id         text NOT NULL,
  status             text NOT NULL,
  -- Not finished (see isFinished): listed by listOpen().
  is_open            boolean NOT NULL,
  quota_month        text,
  failure_code       text,
  lp_request_id      text,
  -- The replica that moved the request into 'submitting' (see orphanedSubmissions).
  submitting_replica text,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  doc                jsonb NOT NULL
);
CREATE INDEX requests_by_month ON requests (month, created_at, month_seq, id);
CREATE INDEX requests_open ON requests (created_at, id) WHERE is_open;
CREATE INDEX requests_by_quota ON requests (account_id, quota_month) WHERE quota_month IS NOT NULL;
CREATE INDEX requests_by_lp_id ON requests (lp_request_id) WHERE lp_request_id IS NOT NULL;
CREATE INDEX requests_submitting ON requests (submitting_replica) WHERE status = 'submitting';
CREATE INDEX requests_pending ON requests (id) WHERE status = 'pending_approval';

-- Numbers of the ids within each month: DR-yyyy-mm-0001, 0002, …
CREATE TABLE request_ids (
  month text PRIMARY KEY,
  last  integer NOT NULL
);

-- One sequence for every lane: a notice's seq is never reused, so a late answer about a notice that is
-- gone can never settle a newer one.
CREATE SEQUENCE notice_seq AS integer;

-- Slack notices owed; a lane is a request id or '_channel', delivered in seq order within the lane.
CREATE TABLE notices (
  lane            text NOT NULL,
  seq             integer NOT NULL DEFAULT nextval('notice_seq'),
  notice          jsonb NOT NULL,
  queued_at       timestamptz NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  claimed_until   timestamptz,
  claimed_by      text,
  PRIMARY KEY (lane, seq)
);
CREATE INDEX notices_due ON notices (next_attempt_at);

-- What is known of an account's month besides its requests (LivePerson's count, alerts sent). The row is
-- also the lock that serialises quota checks of that month across replicas.
CREATE TABLE months (
  account_id text NOT NULL,
  month      text NOT NULL,
  state      jsonb NOT NULL DEFAULT '{"alertsSent": {}}',
  PRIMARY KEY (account_id, month)
);

-- One row per running replica, renewed every few seconds; a replica without a live lease is gone.
CREATE TABLE replicas (
  id          text PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz NOT NULL
);
