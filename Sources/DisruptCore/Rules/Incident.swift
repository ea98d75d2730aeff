/// One incident: every agency's record of the same event, counted once.
///
/// Records of the same person against the same victim on the same day are one incident unless
/// a record says it is a separate event; a record without a victim is an incident of its own
/// (nothing shows it is the same event). The gravest record (highest gravity, then smallest
/// ref) gives the incident its ref, offence and gravity; every agency that recorded it is kept.
public struct Incident: Sendable, Hashable, Codable {
    /// The gravest record's ref: the incident's evidence reference.
    public var ref: String
    /// Every record of the event, gravest first.
    public var recordRefs: [String]
    public var victimRef: String?
    public var occurredOn: Day
    /// The gravest record's offence (nil = unspecified incident).
    public var offence: String?
    /// Every record's offence code (`da_incident` when none), for tag matching.
    public var offences: [String]
    /// The gravest record's gravity (never the sum: one event is not three).
    public var gravity: Int
    /// Agencies that recorded it, in `Agency` order.
    public var agencies: [Agency]

    public init(
        ref: String, recordRefs: [String], victimRef: String?, occurredOn: Day, offence: String?, offences: [String],
        gravity: Int, agencies: [Agency]
    ) {
        self.ref = ref
        self.recordRefs = recordRefs
        self.victimRef = victimRef
        self.occurredOn = occurredOn
        self.offence = offence
        self.offences = offences
        self.gravity = gravity
        self.agencies = agencies
    }

    enum CodingKeys: String, CodingKey {
        case ref, offence, offences, gravity, agencies
        case recordRefs = "record_refs", victimRef = "victim_ref", occurredOn = "occurred_on"
    }

    private struct Key: Hashable {
        let victim: String
        let day: Day
    }

    /// The incidents the records describe, by date then ref.
    public static func consolidate(_ records: [IncidentFact]) -> [Incident] {
        let gravestFirst = records.sorted { ($0.gravity, $1.ref) > ($1.gravity, $0.ref) }
        var result: [Incident] = []
        result.reserveCapacity(records.count)
        var index: [Key: Int] = [:]
        for record in gravestFirst {
            let code = record.offence ?? OffenceCatalogue.defaultCode
            if let victim = record.victimRef, !record.separateEvent {
                let key = Key(victim: victim, day: record.occurredOn)
                if let at = index[key] {
                    result[at].recordRefs.append(record.ref)
                    if !result[at].offences.contains(code) { result[at].offences.append(code) }
                    if !result[at].agencies.contains(record.agency) { result[at].agencies.append(record.agency) }
                    continue
                }
                index[key] = result.count
            }
            result.append(Incident(
                ref: record.ref, recordRefs: [record.ref], victimRef: record.victimRef, occurredOn: record.occurredOn,
                offence: record.offence, offences: [code], gravity: record.gravity, agencies: [record.agency]))
        }
        let order = Agency.allCases
        for i in result.indices where result[i].agencies.count > 1 {
            result[i].agencies.sort { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! }
        }
        result.sort { ($0.occurredOn, $0.ref) < ($1.occurredOn, $1.ref) }
        return result
    }
}
