/// The tree of `disrupt` commands.
enum RootCommand {
    static var spec: CommandSpec {
        CommandSpec(
            "disrupt",
            abstract: "Perpetrator disruption and tasking for Marac, MAPPA, MATAC and IOM.",
            discussion: """
                disrupt holds the whole picture of a perpetrator (markers, incidents, orders, breaches,
                forum links), scores the national guidance's risk triggers and says why each fired,
                runs disruption plans with reminders, and prints a one-page summary for Marac.

                The database is --db URL, else DISRUPT_DATABASE_URL, else the libpq environment
                (PGHOST, PGDATABASE, PGUSER, PGSSLMODE, ...), else an embedded PostgreSQL cluster in
                $DISRUPT_HOME (default ~/.local/share/disrupt; /var/lib/disrupt for root).
                """,
            examples: [
                "disrupt db start",
                "disrupt db status --format json",
                "disrupt help db migrate",
            ],
            subcommands: [
                DatabaseCommands.spec,
                ImportCommand.spec,
                GenerateCommand.spec,
                PersonCommands.spec,
                SummaryCommand.spec,
                RiskCommands.triggers,
                RiskCommands.rank,
                RiskCommands.recompute,
                StaffCommands.spec,
                StaffCommands.whoami,
                AuditCommand.spec,
                PlanCommands.spec,
                ActionCommands.spec,
                TacticsCommand.spec,
                ReminderCommands.remind,
                ReminderCommands.inbox,
                ReminderCommands.serve,
                AgendaCommand.spec,
                DemoCommand.spec,
            ] + RecordCommands.specs
        )
    }
}
