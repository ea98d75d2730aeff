import Foundation

/// How much harm a synthetic perpetrator does; drives every count and probability.
enum ForceTier {
    case ordinary    // ~75%: one victim, a couple of incidents
    case repeated    // ~21%: a handful of incidents, sometimes two victims
    case serial      // ~4%: many incidents against 2+ victims, orders, breaches, forums
}

/// A victim (or family member) of one perpetrator and the period the abuse of them spans.
struct ForceVictim {
    let ref: String
    let givenName: String
    let isFamily: Bool
    let isCurrentPartner: Bool
    let segmentStart: Int
    let segmentEnd: Int
    var incidentDays: [Int] = []
}

/// One incident as remembered for orders and referrals.
struct ForceIncident {
    let day: Int
    let victim: Int?
    let offence: String
}

/// State of a generation run: the PRNG, the open files, the running counters. Generates one
/// person at a time with everything attached to them.
final class ForceBuilder {
    var rng: ForceRandom
    let files: ForceFileWriters
    let asOf: Int
    let windowStart: Int
    var counts = GeneratedCounts()
    private var usedPNC: Set<Int> = []

    // Counters for source references.
    var partyNumber = 0
    var incidentNumber = 0
    var markerNumber = 0
    var orderNumber = 0
    var breachNumber = 0
    var linkNumber = 0
    var referralNumber = 0

    static let windowDays = 6 * 365 + 1

    init(seed: UInt64, asOf: Day, files: ForceFileWriters) {
        self.rng = ForceRandom(seed: seed)
        self.files = files
        self.asOf = Int(asOf.daysSince1970)
        self.windowStart = self.asOf - Self.windowDays
    }

    // MARK: - Formatting

    static func ref(_ prefix: String, _ number: Int, width: Int) -> String {
        let digits = String(number)
        if digits.count >= width { return prefix + digits }
        return prefix + String(repeating: "0", count: width - digits.count) + digits
    }

    static func iso(_ day: Int) -> String {
        Day(daysSince1970: day).iso
    }

    static func iso(_ day: Int?) -> String? {
        day.map { Day(daysSince1970: $0).iso }
    }

    func write(_ file: ForceFile, _ row: [String?]) throws {
        try files.write(file, row)
    }

    // MARK: - One person

    func person(number: Int) throws {
        let personRef = Self.ref("P-", number, width: 6)
        let roll = rng.unit()
        let tier: ForceTier = roll < 0.04 ? .serial : (roll < 0.25 ? .repeated : .ordinary)

        let genderRoll = rng.int(0...999)
        let gender = genderRoll < 840 ? "male" : genderRoll < 970 ? "female" : genderRoll < 980 ? "other" : "unknown"
        let givenName = name(for: gender)
        let familyName = rng.pick(ForceNames.family)
        let age = 18 + min(rng.int(0...50), rng.int(0...50))
        let dob = asOf - age * 365 - rng.int(0...364)
        let pnc = rng.chance(0.8) ? makePNC(dob: dob) : nil
        try write(.people, [personRef, pnc, givenName, familyName, Self.iso(dob), gender])
        counts.people += 1

        if rng.chance(0.04) { try aliases(personRef: personRef, given: givenName, family: familyName, dob: dob, gender: gender) }

        // Active period inside the six-year window.
        let span: Int
        switch tier {
        case .ordinary: span = rng.int(30...900)
        case .repeated: span = rng.int(200...1600)
        case .serial: span = rng.int(500...1000)
        }
        var activeStart = windowStart + rng.int(0...(Self.windowDays - span))
        if tier == .serial && rng.chance(0.5) { activeStart = asOf - span - rng.int(0...60) }
        let activeEnd = min(asOf, activeStart + span)

        let victimCount: Int
        switch tier {
        case .ordinary: victimCount = rng.chance(0.9) ? 1 : 2
        case .repeated: victimCount = min(3, 1 + rng.geometric(mean: 0.4))
        case .serial: victimCount = rng.int(2...5)
        }
        var victims = try makeVictims(personRef: personRef, count: victimCount, personDOB: dob, gender: gender,
                                      family: familyName, activeStart: activeStart, activeEnd: activeEnd)
        try children(personRef: personRef, family: familyName, victims: victims)
        let newPartnerFrom = try newPartner(personRef: personRef, gender: gender, personDOB: dob, tier: tier, victims: victims)

        let incidents = try self.incidents(personRef: personRef, tier: tier, victims: &victims)
        try markers(personRef: personRef, tier: tier, activeStart: activeStart, newPartnerFrom: newPartnerFrom, victims: victims)
        let licenceEnd = try orders(personRef: personRef, tier: tier, incidents: incidents, victims: victims)
        let referralDays = try referrals(personRef: personRef, tier: tier, victims: victims)
        try links(personRef: personRef, tier: tier, activeStart: activeStart, incidents: incidents,
                  referralDays: referralDays, licenceEnd: licenceEnd)
    }

    private func name(for gender: String) -> String {
        switch gender {
        case "male": rng.pick(ForceNames.male)
        case "female": rng.pick(ForceNames.female)
        default: rng.pick(ForceNames.neutral)
        }
    }

    /// A unique PNC-style id `YY/NNNNNNC` with the PNC check character.
    private func makePNC(dob: Int) -> String {
        let birthYear = Day(daysSince1970: dob).components.year
        let lastYear = Day(daysSince1970: asOf).components.year
        let year = min(lastYear, birthYear + 16 + rng.int(0...15))
        let yy = year % 100
        var serial = rng.int(1...999_999)
        while usedPNC.contains(yy * 10_000_000 + serial) { serial = rng.int(1...999_999) }
        let key = yy * 10_000_000 + serial
        usedPNC.insert(key)
        let checks = Array("ZABCDEFGHJKLMNPQRTUVWXY")
        let yyText = yy < 10 ? "0\(yy)" : "\(yy)"
        return yyText + "/" + Self.ref("", serial, width: 6) + String(checks[key % 23])
    }

    private func aliases(personRef: String, given: String, family: String, dob: Int, gender: String) throws {
        let count = rng.chance(0.3) ? 2 : 1
        // (name, date of birth) is an alias's natural key: two draws can coincide, and the
        // import would rightly reject the second as a duplicate.
        var written = Set<String>()
        for _ in 0..<count {
            let alias: String
            switch rng.int(0...2) {
            case 0: alias = name(for: gender) + " " + family
            case 1: alias = given + " " + rng.pick(ForceNames.family)
            default: alias = given + " " + rng.pick(ForceNames.family) + "-" + family
            }
            let roll = rng.int(0...9)
            let aliasDOB: Int? = roll < 6 ? dob : roll < 8 ? dob + rng.int(-400...400) : nil
            guard written.insert(alias + "|" + (Self.iso(aliasDOB) ?? "")).inserted else { continue }
            try write(.aliases, [personRef, alias, Self.iso(aliasDOB)])
            counts.aliases += 1
        }
    }
}
