/// Trigger rules prepared for fast evaluation: each rule gets a bit, and marker kinds, offence
/// codes (through their tags) and order types map to the set of rules they can satisfy, so a
/// fact is looked up once per person rather than once per rule.
public struct CompiledTriggers: Sendable {
    public let configuration: TriggerConfiguration
    let markerMask: [String: UInt64]
    let offenceMask: [String: UInt64]
    let orderMask: [String: UInt64]
    /// Index of the `serial_perpetrator` and `escalation` rules (their tests are also the flags).
    let serialIndex: Int?
    let escalationIndex: Int?

    /// Compiles the rules; `offences` resolves `offence_tags` to offence codes.
    public init(configuration: TriggerConfiguration, offences: OffenceCatalogue) {
        self.configuration = configuration
        var markers: [String: UInt64] = [:]
        var offenceCodes: [String: UInt64] = [:]
        var orders: [String: UInt64] = [:]
        for (index, rule) in configuration.rules.enumerated() {
            let bit = UInt64(1) << UInt64(index)
            for kind in rule.markerKinds { markers[kind, default: 0] |= bit }
            guard rule.kind == .match || rule.kind == .rising else { continue }
            for code in offences.codes(taggedWithAnyOf: rule.offenceTags) { offenceCodes[code, default: 0] |= bit }
            guard rule.kind == .match else { continue }
            for type in rule.orderTypes { orders[type, default: 0] |= bit }
        }
        markerMask = markers
        offenceMask = offenceCodes
        orderMask = orders
        serialIndex = configuration.rules.firstIndex { $0.code == "serial_perpetrator" }
        escalationIndex = configuration.rules.firstIndex { $0.code == "escalation" }
    }

    /// An evaluator for one as-of day (window bounds computed once); use it for every person.
    public func evaluator(asOf: Day) -> TriggerEvaluator {
        TriggerEvaluator(compiled: self, asOf: asOf)
    }
}
