import DisruptCore

/// An inline SVG timeline of the last 24 months: incidents per month as bars, breaches as
/// triangles, orders as horizontal spans. Shapes and text labels carry the meaning (not colour
/// alone); every text is escaped.
struct SummaryTimelineSVG {
    static let width = 900.0
    static let left = 110.0
    static let right = 10.0

    func render(_ summary: Summary) -> String {
        let start = summary.incidents.windowStart
        let span = Double(max(1, summary.asOf.days(since: start)))
        let plot = Self.width - Self.left - Self.right
        let x = { (day: Day) -> Double in Self.left + plot * Double(min(max(day.days(since: start), 0), Int(span))) / span }
        let orders = summary.orders.inWindow
        let orderTop = 130.0
        let height = orderTop + Double(max(orders.count, 1)) * 16 + 30
        var parts = [
            "<svg viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" role=\"img\" aria-label=\"Timeline of incidents, breaches and orders over the last 24 months\">",
            "<title>Incidents, breaches and orders, \(h(start.iso)) to \(h(summary.asOf.iso))</title>",
            text(8, 60, "Incidents / month"), text(8, 112, "Breaches (▲)"), text(8, orderTop + 12, "Orders"),
        ]
        // incidents per month: bars scaled to the busiest month
        let months = summary.incidents.byMonth
        let busiest = Double(max(1, months.map(\.count).max() ?? 1))
        let slot = plot / Double(max(1, months.count))
        for (index, month) in months.enumerated() {
            let barX = Self.left + Double(index) * slot
            if month.count > 0 {
                let barHeight = 60 * Double(month.count) / busiest
                parts.append(rect(barX + 2, 80 - barHeight, max(2, slot - 4), barHeight, "#555"))
                parts.append(text(barX + slot / 2, 76 - barHeight, String(month.count), anchor: "middle"))
            }
            if index % 3 == 0 { parts.append(text(barX + 2, 94, String(month.month), size: 9)) }
        }
        parts.append("<line x1=\"\(Self.left)\" y1=\"80\" x2=\"\(Self.width - Self.right)\" y2=\"80\" stroke=\"#333\"/>")
        for breach in summary.orders.breaches {
            let bx = x(breach.occurredOn)
            let fill = breach.positiveAction ? "#b00000" : "#fff"
            parts.append("<path d=\"M\(fmt(bx - 6)) 114 L\(fmt(bx)) 102 L\(fmt(bx + 6)) 114 Z\" fill=\"\(fill)\" stroke=\"#b00000\"><title>\(h("Breach \(breach.occurredOn.iso): \(breach.order), \(SummaryWording.action(breach.actionTaken))"))</title></path>")
        }
        for (index, order) in orders.enumerated() {
            let y = orderTop + Double(index) * 16
            let from = x(max(order.startsOn, start))
            let to = x(order.endsOn.map { min($0, summary.asOf) } ?? summary.asOf)
            parts.append(rect(from, y, max(3, to - from), 11, "#8aa9d6"))
            parts.append(text(from + 3, y + 9, order.label + (order.endsOn.map { " to \($0.iso)" } ?? " (open)"), size: 9))
        }
        if orders.isEmpty { parts.append(text(Self.left, orderTop + 10, "none in the last 24 months", size: 9)) }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    private func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ fill: String) -> String {
        "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"\(fill)\"/>"
    }

    private func text(_ x: Double, _ y: Double, _ value: String, size: Int = 11, anchor: String = "start") -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\">\(h(value))</text>"
    }

    private func fmt(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
