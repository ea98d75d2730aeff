import DisruptCore

/// One person's result as a CSV record for `COPY risk_batch`, with its triggers, flags and
/// RFG as JSON. Written by hand (not `JSONEncoder`): a full recompute writes 100,000 of them.
enum RiskRow {
    /// Appends the record: the columns of `risk_batch` in order.
    static func append(id: Int64, assessment a: RiskAssessment, rfg: RFGScore, changedAt: String?, to buffer: inout [UInt8]) {
        let codes = "{" + a.triggers.map(\.code).joined(separator: ",") + "}"
        let fields: [String?] = [
            String(id), a.asOf.iso, changedAt, String(a.score), a.band.rawValue, codes,
            String(rfg.recency), String(rfg.frequency), String(rfg.gravity), String(rfg.victims), String(rfg.total),
            String(rfg.victimCount), rfg.latestIncident?.iso,
            bool(a.flags.serial), bool(a.flags.escalating), bool(a.flags.isRepeat),
            a.modelVersion, rfg.version, triggersJSON(a.triggers), flagsJSON(a.flags), rfgJSON(rfg),
        ]
        CSVEncoder.appendRecord(fields, to: &buffer, options: .postgresCopy)
    }

    private static func bool(_ value: Bool) -> String { value ? "t" : "f" }

    /// `[{"code":..,"weight":..,"reason":..,"evidence":[{"kind":..,"ref":..,"on":..}]}]`
    static func triggersJSON(_ triggers: [FiredTrigger]) -> String {
        var out = "["
        for (i, t) in triggers.enumerated() {
            if i > 0 { out += "," }
            out += "{\"code\":" + quoted(t.code) + ",\"weight\":" + String(t.weight) + ",\"reason\":" + quoted(t.reason)
                + ",\"evidence\":["
            for (j, e) in t.evidence.enumerated() {
                if j > 0 { out += "," }
                out += "{\"kind\":\"" + e.kind.rawValue + "\",\"ref\":" + quoted(e.ref) + ",\"on\":\"" + e.on.iso + "\"}"
            }
            out += "]}"
        }
        return out + "]"
    }

    static func flagsJSON(_ flags: RiskFlags) -> String {
        "{\"serial\":\(flags.serial),\"escalating\":\(flags.escalating),\"repeat\":\(flags.isRepeat)}"
    }

    static func rfgJSON(_ r: RFGScore) -> String {
        "{\"recency\":\(r.recency),\"frequency\":\(r.frequency),\"gravity\":\(r.gravity),\"victims\":\(r.victims),"
            + "\"total\":\(r.total),\"incident_count\":\(r.incidentCount),\"gravity_total\":\(r.gravityTotal),"
            + "\"victim_count\":\(r.victimCount)}"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
