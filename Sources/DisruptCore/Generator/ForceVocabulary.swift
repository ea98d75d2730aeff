/// Codes, weights and text fragments the generator draws from. Weights shape the output:
/// most incidents are low-level, most markers shared, health markers often restricted.
enum ForceVocabulary {
    /// Offence code, default gravity (as in `Config/offences.json`), weight for ordinary
    /// perpetrators, weight for serial high-harm ones.
    static let offences: [(code: String, gravity: Int, ordinary: Int, serial: Int)] = [
        ("da_incident", 1, 400, 220),
        ("common_assault", 3, 180, 150),
        ("criminal_damage", 2, 100, 70),
        ("harassment", 3, 80, 70),
        ("malicious_communications", 2, 40, 40),
        ("abh", 8, 45, 80),
        ("coercive_control", 6, 30, 60),
        ("breach_of_order", 3, 20, 60),
        ("threats_to_kill", 8, 15, 35),
        ("stalking", 6, 15, 35),
        ("non_fatal_strangulation", 10, 12, 35),
        ("sexual_assault", 12, 8, 20),
        ("assault_with_weapon", 10, 8, 25),
        ("weapon_possession", 6, 5, 15),
        ("gbh", 15, 8, 20),
        ("rape", 30, 4, 12),
        ("arson", 12, 3, 8),
        ("gbh_intent", 25, 3, 8),
        ("kidnap", 18, 2, 6),
        ("murder_attempt", 40, 1, 3),
    ]

    static let ordinaryOffences = WeightedTable(offences.indices.map { ($0, offences[$0].ordinary) })
    static let serialOffences = WeightedTable(offences.indices.map { ($0, offences[$0].serial) })

    /// Offences with no victim recorded.
    static let victimless: Set<String> = ["weapon_possession"]

    static let incidentAgency = WeightedTable([
        ("police", 950), ("probation", 15), ("idva", 15), ("health", 10), ("childrens_social_care", 10),
    ])

    /// Marker kind with its weight among general markers.
    static let markerKinds = WeightedTable([
        ("substance_misuse", 140), ("mental_ill_health", 120), ("threats", 100), ("weapons", 80),
        ("stalking_harassment", 70), ("financial_strain", 60), ("homeless", 50), ("self_harm_suicide", 50),
        ("risk_to_professionals", 50), ("extreme_coercive_control", 40), ("threats_to_kill", 30),
        ("strangulation", 30), ("access_vehicles", 30), ("access_premises", 20), ("employment_skills", 20),
        ("access_it_skills", 20), ("animal_abuse", 20), ("sexual_violence", 20), ("arson", 10),
        ("firearms_access", 10),
    ])

    /// Marker kinds usually recorded as restricted by the agency that holds them.
    static let healthMarkers: Set<String> = ["mental_ill_health", "substance_misuse", "self_harm_suicide", "financial_strain"]

    static let generalMarkerAgency = WeightedTable([
        ("police", 700), ("probation", 120), ("idva", 80), ("childrens_social_care", 40), ("adult_social_care", 20),
        ("education", 10), ("camhs", 10), ("other", 20),
    ])

    static let markerAgencyByKind: [String: WeightedTable<String>] = [
        "mental_ill_health": WeightedTable([("health", 40), ("mental_health", 50), ("probation", 10)]),
        "substance_misuse": WeightedTable([("substance_misuse", 60), ("police", 20), ("probation", 20)]),
        "self_harm_suicide": WeightedTable([("health", 40), ("mental_health", 50), ("police", 10)]),
        "homeless": WeightedTable([("housing", 70), ("probation", 15), ("police", 15)]),
        "financial_strain": WeightedTable([("housing", 40), ("probation", 30), ("other", 30)]),
        "employment_skills": WeightedTable([("probation", 60), ("other", 40)]),
    ]

    /// Short fictional notes by marker kind; kinds without an entry use `generalNotes`.
    static let markerNotes: [String: [String]] = [
        "weapons": ["Seen with a knife, per neighbour", "Kitchen knife recovered at scene", "Carries a bat in the car"],
        "firearms_access": ["Shotgun certificate, now revoked", "Brother holds firearms licence"],
        "threats": ["Said \"you'll regret it\" on the phone", "Threatened victim's sister, by text"],
        "threats_to_kill": ["Told officers he \"would get her\"", "Threat to kill made in front of children"],
        "stalking_harassment": ["Repeated calls to the victim's workplace", "Installed tracking app on her phone"],
        "mental_ill_health": ["Under community mental health team", "Dual diagnosis; engagement poor"],
        "substance_misuse": ["Alcohol dependent, daily use", "Cocaine use at weekends, per partner"],
        "self_harm_suicide": ["Threatened suicide when refused contact", "Self-harm history, under review"],
        "homeless": ["Sofa-surfing since the split", "No fixed abode; hostel place refused"],
        "financial_strain": ["Debts of several thousand pounds, arrears", "Lost job in March"],
        "animal_abuse": ["Threatened the family dog", "Kicked the cat during incident"],
        "access_vehicles": ["Has a van and a motorbike", "Uses his employer's vehicles"],
        "access_premises": ["Works as a locksmith", "Keeps a key to the victim's flat"],
        "risk_to_professionals": ["Aggressive towards housing officer", "Threatened a social worker, \"watch yourself\""],
        "new_relationship": ["Recently started seeing a new partner", "New partner has two young children"],
    ]

    static let generalNotes: [String] = [
        "Disclosed by victim at interview", "Recorded after custody assessment", "Intelligence report, graded B2",
        "Known to frequent the Mill Tavern", "Refused to engage, did not attend", "Self-referred to service",
    ]

    static let incidentOrderTypes = WeightedTable([
        ("bail", 250), ("rui", 120), ("dvpn", 80), ("dapn", 30), ("non_molestation", 100), ("restraining", 100),
        ("interim_spo", 10), ("spo", 10), ("occupation", 20), ("licence", 80), ("community_order", 80), ("dapo", 40),
    ])

    /// Order duration in days (inclusive range) by type; dvpn/dapn last 48 hours.
    static func durationRange(_ type: String) -> ClosedRange<Int> {
        switch type {
        case "bail": 28...90
        case "rui": 90...270
        case "dvpn", "dapn": 2...2
        case "dvpo": 14...28
        case "dapo": 180...730
        case "non_molestation": 180...365
        case "restraining": 365...1825
        case "interim_spo": 60...180
        case "spo": 730...1825
        case "occupation": 180...365
        case "licence": 180...1095
        case "community_order": 365...1095
        default: 90...365
        }
    }

    /// Orders that always name a protected party.
    static let protectiveOrders: Set<String> = [
        "dvpn", "dvpo", "dapn", "dapo", "non_molestation", "restraining", "interim_spo", "spo", "occupation",
    ]

    static let conditionTemplates: [String] = [
        "Not to contact %P directly or indirectly",
        "Not to enter %S, %T",
        "Not to contact %P; not to enter %S",
        "Reside at %S, %T; curfew 19:00-07:00",
        "Not to attend %P's workplace or the children's school",
        "Surrender passport; report to %T police station weekly",
        "Electronic monitoring; exclusion zone around %S",
        "Attend a \"building better relationships\" programme",
    ]

    static let breachActions = WeightedTable([
        ("arrest", 350), ("charge", 150), ("caution", 80), ("warning", 220), ("none", 200),
    ])

    static let breachNotes: [String] = [
        "Attended victim's address", "Sent messages via social media", "Seen in exclusion zone, on CCTV",
        "Phoned victim 14 times", "Left a \"gift\" on the doorstep", "Missed curfew, tag alert",
        "Approached victim at the school gate", "Contact through a third party",
    ]

    static let referralAgency = WeightedTable([
        ("police", 600), ("idva", 150), ("health", 80), ("childrens_social_care", 70), ("probation", 50),
        ("housing", 30), ("adult_social_care", 20),
    ])
}
