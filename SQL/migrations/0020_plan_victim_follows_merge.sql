-- 0020_plan_victim_follows_merge.sql: a victim row names its plan's person.
--
-- A merge re-pointed a plan at the kept person but left its victim rows naming the absorbed one,
-- so plan_victim_read judged who may see them by the absorbed person's sensitivity and agency,
-- not the plan's. plan_follow_merge now moves them too; this brings rows written by earlier
-- merges into line.
UPDATE disrupt.plan_victim v
   SET person_id = pl.person_id
  FROM disrupt.plan pl
 WHERE pl.id = v.plan_id AND v.person_id <> pl.person_id;
