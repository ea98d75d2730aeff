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

    /// The incidents the records describe, by date then ref (incidents named by records of the
    /// same ref: gravest first, then in the order of the records).
    public static func consolidate(_ records: [IncidentFact]) -> [Incident] {
        records.withUnsafeBufferPointer { records in
            // by day, then victim, then gravest first (highest gravity, then smallest ref, then
            // the order given): the records of one event are adjacent, the one that names it first
            var order = Array(records.indices)
            order.sort { a, b in
                if records[a].occurredOn != records[b].occurredOn { return records[a].occurredOn < records[b].occurredOn }
                if records[a].victimRef != records[b].victimRef {
                    // no victim first
                    guard let x = records[a].victimRef else { return true }
                    guard let y = records[b].victimRef else { return false }
                    return x < y
                }
                if records[a].gravity != records[b].gravity { return records[a].gravity > records[b].gravity }
                if records[a].ref != records[b].ref { return records[a].ref < records[b].ref }
                return a < b
            }
            var result: [Incident] = []
            result.reserveCapacity(records.count)
            // the position in `records` of the record that names each incident
            var naming: [Int] = []
            naming.reserveCapacity(records.count)
            // the incident that this day's records against the same victim join (none yet: nil)
            var open: Int?
            for (position, i) in order.enumerated() {
                let record = records[i]
                let code = record.offence ?? OffenceCatalogue.defaultCode
                if position > 0 {
                    let previous = records[order[position - 1]]
                    if previous.occurredOn != record.occurredOn || previous.victimRef != record.victimRef { open = nil }
                }
                if let at = open, record.victimRef != nil, !record.separateEvent {
                    result[at].recordRefs.append(record.ref)
                    if !result[at].offences.contains(code) { result[at].offences.append(code) }
                    if !result[at].agencies.contains(record.agency) { result[at].agencies.append(record.agency) }
                    continue
                }
                if record.victimRef != nil, !record.separateEvent { open = result.count }
                naming.append(i)
                result.append(Incident(
                    ref: record.ref, recordRefs: [record.ref], victimRef: record.victimRef, occurredOn: record.occurredOn,
                    offence: record.offence, offences: [code], gravity: record.gravity, agencies: [record.agency]))
            }
            let agencyOrder = Agency.allCases
            for i in result.indices where result[i].agencies.count > 1 {
                result[i].agencies.sort { agencyOrder.firstIndex(of: $0)! < agencyOrder.firstIndex(of: $1)! }
            }
            return result.indices.sorted { a, b in
                if result[a].occurredOn != result[b].occurredOn { return result[a].occurredOn < result[b].occurredOn }
                if result[a].ref != result[b].ref { return result[a].ref < result[b].ref }
                if result[a].gravity != result[b].gravity { return result[a].gravity > result[b].gravity }
                return naming[a] < naming[b]
            }.map { result[$0] }
        }
    }
}
