/// Fast UTF-8 validation for CSV fields (ASCII checked eight bytes at a time).
enum UTF8Validation {
    /// True when `count` bytes at `start` are well-formed UTF-8 (no overlongs, surrogates or
    /// values above U+10FFFF).
    static func isValid(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            let word = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < count {
            let b0 = start[i]
            if b0 < 0x80 { i += 1; continue }
            func continuation(_ k: Int) -> Bool { i + k < count && start[i + k] & 0xC0 == 0x80 }
            if b0 >= 0xC2 && b0 <= 0xDF {
                guard continuation(1) else { return false }
                i += 2
            } else if b0 >= 0xE0 && b0 <= 0xEF {
                guard continuation(1), continuation(2) else { return false }
                let b1 = start[i + 1]
                if b0 == 0xE0 && b1 < 0xA0 { return false } // overlong
                if b0 == 0xED && b1 > 0x9F { return false } // surrogate
                i += 3
            } else if b0 >= 0xF0 && b0 <= 0xF4 {
                guard continuation(1), continuation(2), continuation(3) else { return false }
                let b1 = start[i + 1]
                if b0 == 0xF0 && b1 < 0x90 { return false } // overlong
                if b0 == 0xF4 && b1 > 0x8F { return false } // above U+10FFFF
                i += 4
            } else {
                return false
            }
        }
        return true
    }

    /// The bytes as a String, or nil when they are not valid UTF-8.
    static func string(_ start: UnsafePointer<UInt8>, count: Int) -> String? {
        guard isValid(start, count: count) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }
}
