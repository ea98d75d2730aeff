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
                "disrupt demo",
                "disrupt summary P-000123 --purpose \"Marac 2026-11-26 case 14\"",
                "disrupt person find 'Zoe Smith'",
                "disrupt help action add",
            ],
            subcommands: [
                // Look someone up and read about him.
                SummaryCommand.spec,
                PersonCommands.spec,
            ] + RecordCommands.specs + [
                ImportCommand.spec,
                // Risk and ranking.
                RiskCommands.triggers,
                RiskCommands.rank,
                RiskCommands.recompute,
                // Plans, actions and reminders.
                PlanCommands.spec,
                ActionCommands.spec,
                TacticsCommand.spec,
                ReminderCommands.inbox,
                AlertCommands.spec,
                ReminderCommands.remind,
                ReminderCommands.serve,
                AgendaCommand.spec,
                MeetingCommands.spec,
                MatacCommands.spec,
                ReportCommand.spec,
                // Administration.
                StaffCommands.spec,
                StaffCommands.whoami,
                AuditCommand.spec,
                DatabaseCommands.spec,
                GenerateCommand.spec,
                DemoCommand.spec,
            ]
        )
    }
}
