import DisruptCore

/// People's results as CSV records for `COPY risk_batch`, with their triggers, flags and RFG
/// as JSON. Written byte by byte into one buffer (not `JSONEncoder`, not intermediate
/// strings): the first recompute of a force writes one for every person.
struct RiskRowWriter {
    /// The records written so far.
    var buffer: [UInt8] = []
    /// One JSON document at a time, before it is quoted into `buffer` as a CSV field.
    private var json: [UInt8] = []

    init() {
        buffer.reserveCapacity(1 << 20)
        json.reserveCapacity(1 << 12)
    }

    /// Appends one person's record: the columns of `risk_batch` in order.
    mutating func append(id: Int64, assessment a: RiskAssessment, rfg: RFGScore, changedAt: String?) {
        number(id, to: &buffer)
        comma()
        a.asOf.appendISO(to: &buffer)
        comma()
        field(changedAt)
        comma()
        number(a.score, to: &buffer)
        comma()
        field(a.band.rawValue)
        comma()
        json.removeAll(keepingCapacity: true)
        json.append(UInt8(ascii: "{"))
        for (i, trigger) in a.triggers.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: trigger.code.utf8)
        }
        json.append(UInt8(ascii: "}"))
        quoted(json)
        for value in [rfg.recency, rfg.frequency, rfg.gravity, rfg.victims, rfg.total, rfg.victimCount] {
            comma()
            number(value, to: &buffer)
        }
        comma()
        if let latest = rfg.latestIncident { latest.appendISO(to: &buffer) }
        for flag in [a.flags.serial, a.flags.escalating, a.flags.isRepeat] {
            comma()
            buffer.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        }
        comma()
        field(a.modelVersion)
        comma()
        field(rfg.version)
        comma()
        json.removeAll(keepingCapacity: true)
        Self.triggersJSON(a.triggers, to: &json)
        quoted(json)
        comma()
        json.removeAll(keepingCapacity: true)
        Self.flagsJSON(a.flags, to: &json)
        quoted(json)
        comma()
        json.removeAll(keepingCapacity: true)
        Self.rfgJSON(rfg, to: &json)
        quoted(json)
        buffer.append(UInt8(ascii: "\n"))
    }

    private mutating func comma() {
        buffer.append(UInt8(ascii: ","))
    }

    /// A text field (nil is NULL), quoted when CSV needs it.
    private mutating func field(_ text: String?) {
        CSVEncoder.appendField(text, to: &buffer, quoteEmptyStrings: true)
    }

    private mutating func quoted(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { CSVEncoder.appendField(bytes: $0, to: &buffer, quoteEmptyStrings: true) }
    }

    /// `[{"code":..,"weight":..,"reason":..,"evidence":[{"kind":..,"ref":..,"on":..}]}]`
    static func triggersJSON(_ triggers: [FiredTrigger], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, t) in triggers.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            literal("{\"code\":", to: &out)
            string(t.code, to: &out)
            literal(",\"weight\":", to: &out)
            number(t.weight, to: &out)
            literal(",\"reason\":", to: &out)
            string(t.reason, to: &out)
            literal(",\"evidence\":[", to: &out)
            for (j, e) in t.evidence.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                literal("{\"kind\":\"", to: &out)
                literal(e.kind.rawValue, to: &out)
                literal("\",\"ref\":", to: &out)
                string(e.ref, to: &out)
                literal(",\"on\":\"", to: &out)
                e.on.appendISO(to: &out)
                literal("\"}", to: &out)
            }
            literal("]}", to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    static func flagsJSON(_ flags: RiskFlags, to out: inout [UInt8]) {
        literal("{\"serial\":\(flags.serial),\"escalating\":\(flags.escalating),\"repeat\":\(flags.isRepeat)}", to: &out)
    }

    static func rfgJSON(_ r: RFGScore, to out: inout [UInt8]) {
        let fields = [
            ("recency", r.recency), ("frequency", r.frequency), ("gravity", r.gravity), ("victims", r.victims),
            ("total", r.total), ("incident_count", r.incidentCount), ("gravity_total", r.gravityTotal),
            ("victim_count", r.victimCount),
        ]
        out.append(UInt8(ascii: "{"))
        for (i, (name, value)) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            literal(name, to: &out)
            literal("\":", to: &out)
            number(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Text known to need no escaping.
    private static func literal(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// A JSON string literal.
    static func string(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): literal("\\\"", to: &out)
            case UInt8(ascii: "\\"): literal("\\\\", to: &out)
            case UInt8(ascii: "\n"): literal("\\n", to: &out)
            case UInt8(ascii: "\r"): literal("\\r", to: &out)
            case UInt8(ascii: "\t"): literal("\\t", to: &out)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                literal("\\u00", to: &out)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Appends a whole number in decimal.
private func number(_ value: some BinaryInteger, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = UInt64(value.magnitude)
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { digits in
        repeat {
            digits[count] = UInt8(48 + magnitude % 10)
            magnitude /= 10
            count += 1
        } while magnitude > 0
        for i in stride(from: count - 1, through: 0, by: -1) { out.append(digits[i]) }
    }
}

extension Day {
    /// Appends `YYYY-MM-DD` (as `iso`) without making a string.
    fileprivate func appendISO(to out: inout [UInt8]) {
        let (y, m, d) = components
        out.append(UInt8(48 + y / 1000 % 10))
        out.append(UInt8(48 + y / 100 % 10))
        out.append(UInt8(48 + y / 10 % 10))
        out.append(UInt8(48 + y % 10))
        out.append(UInt8(ascii: "-"))
        out.append(UInt8(48 + m / 10))
        out.append(UInt8(48 + m % 10))
        out.append(UInt8(ascii: "-"))
        out.append(UInt8(48 + d / 10))
        out.append(UInt8(48 + d % 10))
    }
}
