import DisruptCore
import DisruptStore
import Foundation

/// `disrupt staff ...` (administrators) and `disrupt whoami`. A staff member is a PostgreSQL
/// login; the session's login (PGUSER, the URL's user, certificates) is who acts.
enum StaffCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "staff", abstract: "Add, list and disable staff logins (administrators only).",
            discussion: """
                Each member of staff is a PostgreSQL login role with an agency and a role. disrupt
                never stores passwords: set one with psql's \\password LOGIN (or ALTER ROLE ... PASSWORD),
                or use certificate authentication in pg_hba.conf.
                """,
            examples: ["disrupt staff add prob_jsmith --name 'Jo Smith' --agency probation --role rep", "disrupt staff list --agency police"],
            subcommands: [add, list, disable]
        )
    }

    static let add = CommandSpec(
        "add", abstract: "Create a staff login (or re-enable and update one).",
        discussion: "Giving an existing login another agency or role, or re-enabling it, ends its open sessions when the change is made: nothing it has open goes on reading with what it could read before.",
        arguments: Add.self,
        examples: ["disrupt staff add prob_jsmith --name 'Jo Smith' --agency probation --role rep",
                   "disrupt staff add pol_analyst --name 'Ali Khan' --agency police --role rep --connection-limit 4",
                   "disrupt staff add marac_admin --name 'Sam Lee' --agency other --role admin"]
    ) { input, invocation in
        let member = try StaffDirectory().add(
            login: input.login, fullName: input.name, agency: input.agency, role: input.role,
            connectionLimit: input.connectionLimit, on: invocation.database())
        if input.format == .json {
            try invocation.console.printJSON(member)
        } else {
            invocation.console.print("\(member.login) (\(member.fullName)) is \(member.role) for \(member.agency), with at most \(member.connectionLimit.map(String.init) ?? "unlimited") connections at once.")
            invocation.console.print("disrupt stores no passwords. Set one in psql with: \\password \(member.login)")
            invocation.console.print("(or ALTER ROLE \(member.login) PASSWORD '...'), or use certificate authentication in pg_hba.conf.")
        }
        return 0
    }

    static let list = CommandSpec(
        "list", abstract: "List staff by agency.",
        arguments: List.self,
        examples: ["disrupt staff list", "disrupt staff list --agency police --all --format json"]
    ) { input, invocation in
        let members = try StaffDirectory().list(agency: input.agency, includeDisabled: input.all, on: invocation.database())
        if input.format == .json {
            try invocation.console.printJSON(members)
        } else if members.isEmpty {
            invocation.console.print("No staff match.")
        } else {
            var table = TextTable(["LOGIN", "NAME", "AGENCY", "ROLE", "STATUS"])
            for member in members {
                let status = member.active ? "active" : "disabled \(member.disabledAt.map { Timestamp.local($0) } ?? ""): \(member.disabledReason ?? "")"
                table.append([member.login, member.fullName, member.agency, member.role, status])
            }
            invocation.console.print(table.render())
        }
        return 0
    }

    static let disable = CommandSpec(
        "disable", abstract: "Disable a staff login: it can no longer log in, and its open sessions are ended.",
        arguments: Disable.self,
        examples: ["disrupt staff disable prob_jsmith --reason 'left the service'"]
    ) { input, invocation in
        let member = try StaffDirectory().disable(login: input.login, reason: input.reason.text, on: invocation.database())
        if input.format == .json {
            try invocation.console.printJSON(member)
        } else {
            if member.canLogIn {
                invocation.console.print("\(member.login) is disabled: it can do nothing in disrupt, and its open sessions were told to end.")
                invocation.console.error("warning: its login could not be switched off now: a session of it holds its role and did not end. "
                    + "Run this command again in a while to switch it off.")
            } else {
                invocation.console.print("\(member.login) is disabled: it can no longer log in, and its open sessions have been ended.")
            }
        }
        return 0
    }

    static let whoami = CommandSpec(
        "whoami", abstract: "Show who this session is: login, name, agency, role, and whether an administrator.",
        discussion: "The login is the one PostgreSQL authenticated: PGUSER, the URL's user, or your operating-system user.",
        arguments: Format.self,
        examples: ["disrupt whoami", "PGUSER=prob_jsmith disrupt whoami --format json"]
    ) { input, invocation in
        let identity = try Identity.current(on: invocation.database())
        if input.format == .json {
            try invocation.console.printJSON(identity)
            return 0
        }
        var lines = ["login:   \(identity.login)"]
        if let name = identity.fullName, let agency = identity.agency, let role = identity.role {
            lines += ["name:    \(name)", "agency:  \(agency)", "role:    \(role)", "active:  \(identity.active ? "yes" : "no")"]
        } else {
            lines.append("staff:   no (not a member of staff)")
        }
        lines.append("admin:   \(identity.admin ? (identity.installAdmin ? "yes (the install's administrator)" : "yes") : "no")")
        lines.forEach { invocation.console.print($0) }
        return 0
    }

    /// The inputs of `staff add`.
    struct Add: ParsableArguments {
        @Argument(help: "Login name: 2-63 lower-case letters, digits or _, starting with a letter.") var login: String
        @Option(help: "The person's full name.") var name: String
        @Option(help: "Their agency: " + Agency.allCases.map(\.rawValue).joined(separator: ", ") + ".", valueName: "AGENCY") var agency: Agency
        @Option(help: "Their role: rep, spoc, chair, coordinator, idva or admin (admins manage staff and see everything).", valueName: "ROLE")
        var role: StaffRole
        @Option(help: "At most N connections at once for this login, psql's included (default 10, from 1 to 1000).", valueName: "N")
        var connectionLimit: Int = StaffDirectory.defaultConnectionLimit
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard StaffDirectory.connectionLimits.contains(connectionLimit) else {
                throw ValidationError("--connection-limit must be a whole number from 1 to 1000")
            }
        }
    }

    /// The inputs of `staff list`.
    struct List: ParsableArguments {
        @Option(help: "Only this agency.", valueName: "AGENCY") var agency: Agency?
        @Flag(help: "Include disabled logins.") var all: Bool
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The inputs of `staff disable`.
    struct Disable: ParsableArguments {
        @Argument(help: "The login to disable.") var login: String
        @Option(help: "Why (kept with the record and in the audit log).") var reason: ReasonText
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}
