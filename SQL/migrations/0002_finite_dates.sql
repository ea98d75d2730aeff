-- 0002_finite_dates.sql: every stored date is finite and within a sane range (issue 13).
--
-- One `infinity`, `-infinity` or BC date used to stop every reminder sweep, the agenda and
-- `action list --overdue` for everyone. Each date column now has a CHECK named
-- <table>_<column>_range:
--
--   class      lower bound   upper bound            columns
--   event      1900-01-01    today + 7 days         dates of birth (person, alias, party),
--                                                   relationship from_on/to_on, incident and
--                                                   breach occurred_on, breach reported_on,
--                                                   marker recorded_on, referral referred_on,
--                                                   risk_current latest_incident_on
--   start      1900-01-01    today + 1 year         court_order starts_on, forum_link starts_on
--   schedule   1900-01-01    today + 5 years        action due_on, plan review_on,
--                                                   forum_link next_review_on
--   expiry     1900-01-01    today + 25 years       marker expires_on, court_order ends_on,
--                                                   forum_link ends_on and licence_ends_on
--                                                   (a long sentence's licence), reminder
--                                                   due_on (+ 1 day), risk as_of
--
-- The bounds exclude infinity, -infinity and every BC date. "today" is current_date, which a
-- CHECK may call: PostgreSQL assumes a CHECK gives the same answer for the same row every time,
-- and these do in the direction that matters, because an upper bound of current_date + N only
-- ever grows. A row that passed once passes on every later UPDATE (a merge moving it, an
-- action being cancelled) and on a dump restored later. The margin of 7 days also absorbs the
-- session time zone. A lower bound relative to today would tighten as time passes (old rows
-- would start failing), so lower bounds are fixed, and the write functions for scheduled
-- dates (plan_open, plan_update, action_add, action_extend in definitions/plans.sql) also refuse a due or review
-- date more than 5 years before today, with DR422 and a plain message.
--
-- The readers keep defending themselves: the sweep, the agenda, action lists, plan show and the
-- summary leave out and count a row whose date they cannot use (see definitions/reminders.sql and DisruptStore).
--
-- Adding a CHECK validates the rows already stored: a database holding such a date fails this
-- migration with the constraint's name; correct those rows, then migrate again.

DO $do$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT * FROM (VALUES
            ('person', 'date_of_birth', 'current_date + 7'),
            ('alias', 'date_of_birth', 'current_date + 7'),
            ('party', 'date_of_birth', 'current_date + 7'),
            ('relationship', 'from_on', 'current_date + 7'),
            ('relationship', 'to_on', 'current_date + 7'),
            ('incident', 'occurred_on', 'current_date + 7'),
            ('marker', 'recorded_on', 'current_date + 7'),
            ('breach', 'occurred_on', 'current_date + 7'),
            ('breach', 'reported_on', 'current_date + 7'),
            ('referral', 'referred_on', 'current_date + 7'),
            ('risk_current', 'latest_incident_on', 'current_date + 7'),
            ('court_order', 'starts_on', 'current_date + 366'),
            ('forum_link', 'starts_on', 'current_date + 366'),
            ('action', 'due_on', '(current_date + interval ''5 years'')::date'),
            ('plan', 'review_on', '(current_date + interval ''5 years'')::date'),
            ('forum_link', 'next_review_on', '(current_date + interval ''5 years'')::date'),
            ('marker', 'expires_on', '(current_date + interval ''25 years'')::date'),
            ('court_order', 'ends_on', '(current_date + interval ''25 years'')::date'),
            ('forum_link', 'ends_on', '(current_date + interval ''25 years'')::date'),
            ('forum_link', 'licence_ends_on', '(current_date + interval ''25 years'')::date'),
            ('reminder', 'due_on', '(current_date + interval ''25 years'')::date + 1'),
            ('risk_current', 'as_of', '(current_date + interval ''25 years'')::date'),
            ('risk_assessment', 'as_of', '(current_date + interval ''25 years'')::date')
        ) AS v(tbl, col, upper_bound)
    LOOP
        EXECUTE format('ALTER TABLE disrupt.%I ADD CONSTRAINT %I CHECK (%I >= DATE ''1900-01-01'' AND %I <= %s)',
                       c.tbl, c.tbl || '_' || c.col || '_range', c.col, c.col, c.upper_bound);
    END LOOP;
END
$do$;
