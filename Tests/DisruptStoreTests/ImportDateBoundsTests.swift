import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The import's date ranges (declared once in `disrupt.import_declaration()`) are the ranges the
/// columns' CHECK constraints (migration 0002) allow: for every date field, the CHECK named
/// `<table>_<column>_range` in pg_constraint accepts the import's earliest and latest date and
/// refuses the day before and the day after.
@Suite("Import date bounds equal the stored CHECKs")
struct ImportDateBoundsTests {
    @Test func everyImportedDateFieldHasTheBoundsOfItsColumnsCheck() throws {
        let location = try TestCluster.freshDatabase("importbounds")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        // evaluates a CHECK expression from pg_constraint for one value of its column
        try db.execute("""
            CREATE FUNCTION pg_temp.check_accepts(expression text, column_name text, value date) RETURNS boolean
            LANGUAGE plpgsql AS $$
            DECLARE ok boolean;
            BEGIN
                EXECUTE format('SELECT (%s) FROM (SELECT $1 AS %I) v', expression, column_name) INTO ok USING value;
                RETURN ok;
            END
            $$
            """)
        let rows = try db.query("""
            SELECT f.kind || '.' || f.field AS field, f.within, c.conname IS NOT NULL AS has_check,
                   f.earliest IS NOT NULL AND f.latest IS NOT NULL AS declared,
                   pg_temp.check_accepts(pg_get_expr(c.conbin, c.conrelid), f.column_name, f.earliest) AS earliest_ok,
                   pg_temp.check_accepts(pg_get_expr(c.conbin, c.conrelid), f.column_name, f.earliest - 1) AS before_ok,
                   pg_temp.check_accepts(pg_get_expr(c.conbin, c.conrelid), f.column_name, f.latest) AS latest_ok,
                   pg_temp.check_accepts(pg_get_expr(c.conbin, c.conrelid), f.column_name, f.latest + 1) AS after_ok
              FROM disrupt.import_date_fields() f
              LEFT JOIN pg_constraint c ON c.conrelid = ('disrupt.' || f.table_name)::regclass
                                       AND c.conname = f.table_name || '_' || f.column_name || '_range'
             ORDER BY 1
            """)
        #expect(rows.count == 17)
        var classes: Set<String> = []
        for row in rows {
            let field: String = try row["field"]
            classes.insert(try row["within"])
            #expect(try row["declared"] as Bool, "\(field): its range class is not declared")
            #expect(try row["has_check"] as Bool, "\(field): no CHECK \(field)_range")
            #expect(try row["earliest_ok"] as Bool? == true, "\(field): the CHECK refuses the import's earliest date")
            #expect(try row["before_ok"] as Bool? == false, "\(field): the CHECK accepts the day before the import's earliest")
            #expect(try row["latest_ok"] as Bool? == true, "\(field): the CHECK refuses the import's latest date")
            #expect(try row["after_ok"] as Bool? == false, "\(field): the CHECK accepts the day after the import's latest")
        }
        #expect(classes == ["event", "start", "schedule", "expiry"])
    }
}
