import Foundation

/// Everything the rules need, loaded from the Config/ files: catalogues, triggers and bands,
/// RFG tables and reminder timings. Build once; share across threads (it is immutable).
public struct RiskModel: Sendable {
    public let markers: MarkerCatalogue
    public let offences: OffenceCatalogue
    public let catalogue: ReferenceCatalogue
    public let tactics: TacticCatalogue
    public let triggers: TriggerConfiguration
    public let rfg: RFGConfiguration
    public let settings: Settings
    /// The triggers prepared for evaluation.
    public let compiled: CompiledTriggers

    /// Combines already-decoded parts, checking that triggers refer to catalogued marker kinds,
    /// offence tags and order types.
    public init(
        markers: MarkerCatalogue, offences: OffenceCatalogue, catalogue: ReferenceCatalogue, tactics: TacticCatalogue,
        triggers: TriggerConfiguration, rfg: RFGConfiguration, settings: Settings
    ) throws {
        let tags = offences.allTags
        for (index, rule) in triggers.rules.enumerated() {
            for kind in rule.markerKinds where !markers.contains(kind) {
                throw ConfigurationError(
                    file: "triggers.json", key: "triggers[\(index)].marker_kinds",
                    message: "marker kind '\(kind)' is not in markers.json")
            }
            for tag in rule.offenceTags where !tags.contains(tag) {
                throw ConfigurationError(
                    file: "triggers.json", key: "triggers[\(index)].offence_tags",
                    message: "no offence in offences.json has the tag '\(tag)'")
            }
            for type in rule.orderTypes where catalogue.orderType(type) == nil {
                throw ConfigurationError(
                    file: "triggers.json", key: "triggers[\(index)].order_types",
                    message: "order type '\(type)' is not in catalogue.json")
            }
        }
        self.markers = markers
        self.offences = offences
        self.catalogue = catalogue
        self.tactics = tactics
        self.triggers = triggers
        self.rfg = rfg
        self.settings = settings
        self.compiled = CompiledTriggers(configuration: triggers, offences: offences)
    }

    /// Decodes every file's contents; errors are `ConfigurationError` naming the file and key.
    public static func load(
        triggers: Data, rfg: Data, markers: Data, offences: Data, tactics: Data, catalogue: Data, settings: Data
    ) throws -> RiskModel {
        try RiskModel(
            markers: MarkerCatalogue.decode(markers), offences: OffenceCatalogue.decode(offences),
            catalogue: ReferenceCatalogue.decode(catalogue), tactics: TacticCatalogue.decode(tactics),
            triggers: TriggerConfiguration.decode(triggers), rfg: RFGConfiguration.decode(rfg),
            settings: Settings.decode(settings))
    }

    /// Reminder timings from disrupt.json.
    public var reminders: ReminderTimings { settings.reminders }

    /// Evaluator for one as-of day: create once per run, call `assess` per person.
    public func evaluator(asOf: Day) -> TriggerEvaluator { compiled.evaluator(asOf: asOf) }

    /// Triggers, score, band and flags for one person (convenience; prefer `evaluator(asOf:)` in loops).
    public func assess(_ facts: PersonFacts, asOf: Day) -> RiskAssessment {
        compiled.evaluator(asOf: asOf).assess(facts)
    }

    /// Triggers and RFG for people as of one day: create once per run, call `score` per person.
    public func scorer(asOf: Day) -> RiskScorer { RiskScorer(evaluator: evaluator(asOf: asOf), rfg: rfg) }

    /// RFGV score for one person.
    public func rfgScore(_ facts: PersonFacts, asOf: Day) -> RFGScore { rfg.score(facts, asOf: asOf) }

    /// Resolved incident gravity (explicit, else offence default, else da_incident default).
    public func gravity(explicit: Int?, offence: String?) -> Int {
        offences.gravity(explicit: explicit, offence: offence)
    }
}
