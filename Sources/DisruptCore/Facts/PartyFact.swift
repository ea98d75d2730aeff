/// A party named by the person's records: a victim, child, new partner or relative.
public struct PartyFact: Sendable, Hashable, Codable {
    /// The party's reference (the same value as `IncidentFact.victimRef`).
    public var ref: String
    /// How the party was recorded; nil when the code is unknown to this version.
    public var kind: PartyKind?
    public var dateOfBirth: Day?

    public init(ref: String, kind: PartyKind? = nil, dateOfBirth: Day? = nil) {
        self.ref = ref
        self.kind = kind
        self.dateOfBirth = dateOfBirth
    }

    /// The age from which a victim counts towards serial perpetration (Northumbria's MATAC
    /// definition: victims aged 16 or over).
    public static let adultVictimAge = 16

    /// Aged 16 or over on `day` as far as the record shows: never when recorded as a child;
    /// by date of birth when one is recorded (the 16th birthday itself counts; a 29 February
    /// birthday falls on 28 February in a common year, as `Day.adding(years:)` does); otherwise yes.
    public func isAdultVictim(on day: Day) -> Bool {
        if kind == .child { return false }
        guard let dateOfBirth else { return true }
        return dateOfBirth.adding(years: Self.adultVictimAge) <= day
    }
}
