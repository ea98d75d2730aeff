-- disrupt's schema. Every object of the product lives in it; connections put it first on
-- the search path. The migrator itself creates disrupt.schema_migrations before this runs.
CREATE SCHEMA IF NOT EXISTS disrupt;
COMMENT ON SCHEMA disrupt IS 'disrupt: perpetrator disruption and tasking (Marac, MAPPA, MATAC, IOM)';
