/// The rows a reader left out because a value in them could not be decoded (an infinite or BC
/// date planted behind the constraints' back), counted by what they were. It holds no row
/// content, so the command may print it (`messages`) without showing personal data.
public struct LeftOut: Sendable, Equatable {
    /// What was left out (`action`, `agenda item`, ...) and how many, in the order first met.
    public private(set) var counts: [(what: String, count: Int)] = []

    public init() {}

    /// True when nothing was left out.
    public var isEmpty: Bool { counts.isEmpty }

    /// Counts `count` more rows of `what` (nothing when `count` is 0).
    public mutating func add(_ count: Int, _ what: String) {
        guard count > 0 else { return }
        if let index = counts.firstIndex(where: { $0.what == what }) {
            counts[index].count += count
        } else {
            counts.append((what, count))
        }
    }

    /// Adds everything `other` left out.
    public mutating func add(_ other: LeftOut) {
        for (what, count) in other.counts { add(count, what) }
    }

    /// One line per kind, for standard error: "left out 2 action row(s) with an unusable value (content not shown)".
    public var messages: [String] {
        counts.map { "left out \($0.count) \($0.what) row(s) with an unusable value (content not shown)" }
    }

    public static func == (lhs: LeftOut, rhs: LeftOut) -> Bool {
        lhs.counts.elementsEqual(rhs.counts) { $0.what == $1.what && $0.count == $1.count }
    }
}

/// What a reader read, and the rows it had to leave out (see `LeftOut`).
public struct Isolated<Value> {
    public var value: Value
    public var leftOut: LeftOut

    public init(_ value: Value, leftOut: LeftOut = LeftOut()) {
        self.value = value
        self.leftOut = leftOut
    }
}

extension Isolated: Sendable where Value: Sendable {}
