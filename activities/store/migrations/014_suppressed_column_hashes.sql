-- The suppression list also holds, per erased subject, the hashes a connector that hashes a column
-- naming people (email, customer id) stores them as (activities/privacy/personal-columns.ts): a row
-- staged with its email hashed before the subject was erased is then still kept out of every load,
-- which compares those values as they are. `subject` rows are matched by hashing a row's plain values.
ALTER TABLE suppression_list
  ADD COLUMN form VARCHAR(16) NOT NULL DEFAULT 'subject' CHECK (form IN ('subject', 'column'));
