import DisruptCore
import Postgres

/// Hand entry into the record: people, aliases, parties, relationships, incidents, markers,
/// orders, breaches, forum links and referrals. Each call runs in one transaction, checks its
/// codes, references and dates first (see `RecordChecks`), and returns the new record's reference.
public struct RecordStore {
    let db: PostgresConnection
    private var checks: RecordChecks { RecordChecks(db: db) }

    public init(_ db: PostgresConnection) {
        self.db = db
    }

    private func person(_ text: String) throws -> PersonReference {
        try PersonResolver().resolve(text, on: db)
    }

    /// Adds a person; returns the reference (given, or the next `P-000123`).
    public func addPerson(_ new: NewPerson) throws -> String {
        let gender = try new.gender.map { try RecordChecks.oneOf($0, ["male", "female", "other", "unknown"], "gender") }
        return try db.transaction {
            let agency = try checks.agency(nil)
            let ref = try checks.reference(new.ref, kind: "person")
            do {
                try db.execute("""
                    INSERT INTO disrupt.person (person_ref, pnc_id, given_name, family_name, date_of_birth, gender, agency)
                    VALUES (\(ref), \(new.pnc), \(new.givenName), \(new.familyName), \(new.dateOfBirth), \(gender), \(agency))
                    """)
            } catch let error as PostgresError where error.sqlState == "23505" {
                if ["person_pnc_shared_key", "person_pnc_agency_key"].contains(error.constraintName) {
                    throw StoreError(.conflict, "PNC id \(new.pnc ?? "") is already recorded for another person", hint: "Find them with: disrupt person find \(new.pnc ?? "")")
                }
                throw StoreError(.conflict, "person \(ref) already exists", hint: "Choose another --ref, or leave it out to get a new one.")
            }
            return ref
        }
    }

    /// Adds an alias (name and optional date of birth) to a person.
    public func addAlias(person text: String, name: String, dateOfBirth: Day?) throws -> String {
        try db.transaction {
            let person = try person(text)
            let agency = try checks.agency(nil)
            try RecordChecks.unique("the alias '\(name)' of \(person.ref)") {
                try db.execute("""
                    INSERT INTO disrupt.alias (person_id, alias_name, date_of_birth, agency)
                    VALUES (\(person.id), \(name), \(dateOfBirth), \(agency))
                    """)
            }
            return person.ref
        }
    }

    /// Adds a party (victim, child, new partner, family, other).
    public func addParty(_ new: NewParty) throws -> String {
        let kind = try RecordChecks.oneOf(new.kind, PartyKind.allCases.map(\.rawValue), "party kind")
        return try db.transaction {
            let agency = try checks.agency(nil)
            try RecordChecks.unique("party \(new.ref)") {
                try db.execute("""
                    INSERT INTO disrupt.party (party_ref, given_name, family_name, date_of_birth, kind, agency)
                    VALUES (\(new.ref), \(new.givenName), \(new.familyName), \(new.dateOfBirth), \(kind), \(agency))
                    """)
            }
            return new.ref
        }
    }

    /// Records how a person is related to a party.
    public func addRelationship(person text: String, _ new: NewRelationship) throws -> String {
        let kind = try RecordChecks.oneOf(new.relationship, RelationshipKind.allCases.map(\.rawValue), "relationship")
        try RecordChecks.ordered(("--from", new.from), ("--to", new.to))
        return try db.transaction {
            let person = try person(text)
            let party = try checks.party(new.party)
            let agency = try checks.agency(nil)
            try RecordChecks.unique("a \(kind) relationship between \(person.ref) and \(new.party)") {
                try db.execute("""
                    INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, to_on, has_contact, agency)
                    VALUES (\(person.id), \(party), \(kind), \(new.from), \(new.to), \(new.hasContact), \(agency))
                    """)
            }
            return person.ref
        }
    }

    /// Adds an incident; returns its source reference.
    public func addIncident(person text: String, _ new: NewIncident) throws -> String {
        try RecordChecks.within(new.gravity, 0...1000, "--gravity")
        return try db.transaction {
            let person = try person(text)
            let offence = try new.offence.map { try checks.lookup($0, in: .offence) } ?? "da_incident"
            let victim = try new.victim.map { try checks.party($0) }
            let agency = try checks.agency(new.agency)
            let ref = try checks.reference(new.ref, kind: "incident")
            try RecordChecks.unique("incident \(ref)") {
                try db.execute("""
                    INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, gravity, agency, separate_event)
                    VALUES (\(ref), \(person.id), \(victim), \(new.on), \(offence), \(new.gravity), \(agency), \(new.separateEvent))
                    """)
            }
            return ref
        }
    }

    /// Adds a marker; returns its source reference.
    public func addMarker(person text: String, _ new: NewMarker) throws -> String {
        try RecordChecks.ordered(("--on", new.on), ("--expires", new.expires))
        let sensitivity = try new.sensitivity.map { try RecordChecks.oneOf($0, Sensitivity.allCases.map(\.rawValue), "sensitivity") } ?? "shared"
        return try db.transaction {
            let person = try person(text)
            let kind = try checks.lookup(new.kind, in: .markerKind)
            let agency = try checks.agency(new.agency)
            let ref = try checks.reference(new.ref, kind: "marker")
            try RecordChecks.unique("marker \(ref)") {
                try db.execute("""
                    INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, expires_on, note, agency, sensitivity)
                    VALUES (\(ref), \(person.id), \(kind), \(new.on), \(new.expires), \(new.note), \(agency), \(sensitivity))
                    """)
            }
            return ref
        }
    }

    /// Ends a marker: sets its expiry date.
    public func endMarker(_ ref: String, on day: Day) throws {
        try db.transaction {
            let rows = try db.query("SELECT id, recorded_on FROM disrupt.marker_to_change(\(ref))")
            guard let row = rows.first else { throw StoreError(.notFound, "no marker with reference '\(ref)'") }
            try RecordChecks.ordered(("its recorded date", try row["recorded_on"] as Day), ("--on", day))
            _ = try db.query("SELECT disrupt.marker_end(\(try row.decode("id", as: Int64.self)), \(day))")
        }
    }

    /// Adds a court order; returns its source reference.
    public func addOrder(person text: String, _ new: NewOrder) throws -> String {
        try RecordChecks.ordered(("--starts", new.starts), ("--ends", new.ends))
        return try db.transaction {
            let person = try person(text)
            let type = try checks.lookup(new.type, in: .orderType)
            let protected = try new.protected.map { try checks.party($0) }
            let agency = try checks.agency(nil)
            let ref = try checks.reference(new.ref, kind: "order")
            try RecordChecks.unique("order \(ref)") {
                try db.execute("""
                    INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, starts_on, ends_on, conditions, agency)
                    VALUES (\(ref), \(person.id), \(type), \(protected), \(new.starts), \(new.ends), \(new.conditions), \(agency))
                    """)
            }
            return ref
        }
    }

    /// Adds a breach; returns its source reference.
    public func addBreach(person text: String, _ new: NewBreach) throws -> String {
        let action = try RecordChecks.oneOf(new.action, BreachAction.allCases.map(\.rawValue), "action")
        try RecordChecks.ordered(("--on", new.on), ("--reported", new.reported))
        return try db.transaction {
            let person = try person(text)
            var orderID: Int64?
            if let order = new.order {
                let rows = try db.query("SELECT id, person_id FROM disrupt.order_meant(\(order))")
                guard let row = rows.first else { throw StoreError(.notFound, "no order with reference '\(order)'") }
                guard try row.decode("person_id", as: Int64.self) == person.id else {
                    throw StoreError(.failure, "order \(order) is not an order on \(person.ref)")
                }
                orderID = try row["id"]
            }
            let agency = try checks.agency(new.agency)
            let ref = try checks.reference(new.ref, kind: "breach")
            try RecordChecks.unique("breach \(ref)") {
                try db.execute("""
                    INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, reported_on, action_taken, note, agency)
                    VALUES (\(ref), \(person.id), \(orderID), \(new.on), \(new.reported), \(action), \(new.note), \(agency))
                    """)
            }
            return ref
        }
    }

    /// Adds a forum link; returns its source reference.
    public func addLink(person text: String, _ new: NewLink) throws -> String {
        let forum = try RecordChecks.oneOf(new.forum, Forum.allCases.map(\.rawValue), "forum")
        let status = try RecordChecks.oneOf(new.status, LinkStatus.allCases.map(\.rawValue), "status")
        let cohort = try new.iomCohort.map { try RecordChecks.oneOf($0, IOMCohort.allCases.map(\.rawValue), "IOM cohort") }
        let starts = new.starts ?? Day.today()
        try RecordChecks.ordered(("--starts", starts), ("--ends", new.ends))
        try RecordChecks.within(new.mappaCategory, 1...3, "--mappa-category")
        try RecordChecks.within(new.mappaLevel, 1...3, "--mappa-level")
        if forum != "mappa", new.mappaCategory != nil || new.mappaLevel != nil {
            throw StoreError(.failure, "--mappa-category and --mappa-level are only for forum mappa")
        }
        if forum != "iom", cohort != nil { throw StoreError(.failure, "--iom-cohort is only for forum iom") }
        return try db.transaction {
            let person = try person(text)
            let lead = try new.leadAgency.map { try checks.lookup($0, in: .agency) }
            let agency = try checks.agency(nil)
            let ref = try checks.reference(new.ref, kind: "link")
            try RecordChecks.unique("link \(ref)") {
                try db.execute("""
                    INSERT INTO disrupt.forum_link (source_ref, person_id, forum, reference, status, lead_agency, starts_on, ends_on,
                        mappa_category, mappa_level, iom_cohort, licence_ends_on, next_review_on, contact, agency)
                    VALUES (\(ref), \(person.id), \(forum), \(new.reference), \(status), \(lead), \(starts), \(new.ends),
                        \(new.mappaCategory), \(new.mappaLevel), \(cohort), \(new.licenceEnds), \(new.nextReview), \(new.contact), \(agency))
                    """)
            }
            return ref
        }
    }

    /// Changes a forum link (only the given fields).
    public func updateLink(_ ref: String, _ change: LinkChange) throws {
        guard !change.isEmpty else { throw StoreError(.usage, "nothing to change: give at least one option") }
        let status = try change.status.map { try RecordChecks.oneOf($0, LinkStatus.allCases.map(\.rawValue), "status") }
        try RecordChecks.within(change.mappaLevel, 1...3, "--mappa-level")
        try db.transaction {
            let rows = try db.query("SELECT id, forum FROM disrupt.link_to_change(\(ref))")
            guard let row = rows.first else { throw StoreError(.notFound, "no forum link with reference '\(ref)'") }
            let forum: String = try row["forum"]
            if change.mappaLevel != nil, forum != "mappa" {
                throw StoreError(.failure, "--mappa-level is only for forum mappa (\(ref) is \(forum))")
            }
            let lead = try change.leadAgency.map { try checks.lookup($0, in: .agency) }
            _ = try db.query("""
                SELECT disrupt.link_update(\(try row.decode("id", as: Int64.self)), \(status), \(change.nextReview), \(change.licenceEnds),
                                           \(change.contact), \(lead), \(change.mappaLevel)::smallint)
                """)
        }
    }

    /// Adds a Marac referral; returns its source reference.
    public func addReferral(person text: String, _ new: NewReferral) throws -> String {
        let criterion = try RecordChecks.oneOf(new.criterion, ReferralCriterion.allCases.map(\.rawValue), "criterion")
        try RecordChecks.within(new.dash, 0...27, "--dash")
        return try db.transaction {
            let person = try person(text)
            let victim = try new.victim.map { try checks.party($0) }
            let agency = try checks.agency(new.agency)
            let ref = try checks.reference(new.ref, kind: "referral")
            try RecordChecks.unique("referral \(ref)") {
                try db.execute("""
                    INSERT INTO disrupt.referral (source_ref, person_id, party_id, referred_on, criterion, dash_score, agency)
                    VALUES (\(ref), \(person.id), \(victim), \(new.on), \(criterion), \(new.dash), \(agency))
                    """)
            }
            return ref
        }
    }

    /// Merges ABSORB into KEEP (SQL `merge_person`); returns KEEP's reference.
    public func merge(keep: String, absorb: String, reason: String) throws -> String {
        try db.transaction {
            let kept = try person(keep)
            let absorbed = try person(absorb)
            guard kept.id != absorbed.id else {
                throw StoreError(.failure, "'\(keep)' and '\(absorb)' are the same person (\(kept.ref))")
            }
            _ = try db.query("SELECT disrupt.merge_person(\(kept.ref), \(absorbed.ref), \(reason))")
            return kept.ref
        }
    }
}
