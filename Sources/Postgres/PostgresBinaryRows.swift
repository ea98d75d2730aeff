import CLibPQ

/// A result in PostgreSQL's binary format, read in place from libpq's buffer: no value is
/// copied into a `String` unless it is asked for as one. For hot loops over many rows
/// (`disrupt recompute`'s facts): a `date` is four bytes, not ten characters to parse.
///
/// Each accessor checks the column's type and the value's length, so a statement that
/// returns another type than the caller expects throws a `PostgresDecodingError` naming the
/// column, never reads past a value. NULL reads as nil.
///
/// Not `Sendable`: it owns the libpq result, freed when the last reference goes.
public final class PostgresBinaryRows {
    private let result: OpaquePointer
    /// The number of rows.
    public let count: Int
    private let names: [String]
    private let types: [UInt32]

    init(_ result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        let columns = Int(PQnfields(result))
        names = (0..<columns).map { String(cString: PQfname(result, Int32($0))) }
        types = (0..<columns).map { UInt32(PQftype(result, Int32($0))) }
    }

    deinit {
        PQclear(result)
    }

    /// The position of the column called `name` (look it up once, then read by position).
    public func position(of name: String) throws -> Int {
        guard let position = names.firstIndex(of: name) else {
            throw PostgresDecodingError(column: name, type: "a column", reason: "the result has no such column")
        }
        return position
    }

    /// The name of the column at `position`.
    public func name(of position: Int) -> String {
        names.indices.contains(position) ? names[position] : "#\(position)"
    }

    /// The value's bytes (valid while this result lives), or nil for NULL, after checking
    /// that the column has one of `oids` and the value has `length` bytes (nil: any length).
    private func bytes(_ row: Int, _ column: Int, _ oids: (UInt32, UInt32), _ type: String, length: Int?) throws -> UnsafeRawBufferPointer? {
        guard column >= 0, column < types.count, row >= 0, row < count else {
            throw PostgresDecodingError(column: "#\(column)", type: type, reason: "the result has no such column or row")
        }
        guard types[column] == oids.0 || types[column] == oids.1 else {
            throw PostgresDecodingError(column: names[column], type: type, reason: "the column's type is oid \(types[column])")
        }
        if PQgetisnull(result, Int32(row), Int32(column)) == 1 { return nil }
        let size = Int(PQgetlength(result, Int32(row), Int32(column)))
        if let length, size != length {
            throw PostgresDecodingError(column: names[column], type: type, reason: "the value has \(size) bytes, not \(length)")
        }
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column))), count: size)
    }

    /// A `text` or `varchar` column.
    public func string(_ row: Int, _ column: Int) throws -> String? {
        try bytes(row, column, (25, 1043), "String", length: nil).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first byte of a non-empty `text` column (a one-letter tag), or nil for NULL or "".
    public func firstByte(_ row: Int, _ column: Int) throws -> UInt8? {
        guard let bytes = try bytes(row, column, (25, 1043), "a tag", length: nil), !bytes.isEmpty else { return nil }
        return bytes[0]
    }

    /// A `bigint` column.
    public func int64(_ row: Int, _ column: Int) throws -> Int64? {
        try bytes(row, column, (20, 20), "Int64", length: 8).map { Int64(bigEndian: $0.loadUnaligned(as: Int64.self)) }
    }

    /// An `integer` column.
    public func int32(_ row: Int, _ column: Int) throws -> Int32? {
        try bytes(row, column, (23, 23), "Int32", length: 4).map { Int32(bigEndian: $0.loadUnaligned(as: Int32.self)) }
    }

    /// A `boolean` column.
    public func bool(_ row: Int, _ column: Int) throws -> Bool? {
        try bytes(row, column, (16, 16), "Bool", length: 1).map { $0[0] != 0 }
    }

    /// A one-dimensional `text[]` column starting at 1 (an empty array for `{}`); a NULL
    /// element is nil. Arrays of more dimensions, with other bounds, or of another element type, throw.
    public func strings(_ row: Int, _ column: Int) throws -> [String?]? {
        guard let bytes = try bytes(row, column, (1009, 1015), "[String]", length: nil) else { return nil }
        func malformed(_ reason: String) -> PostgresDecodingError {
            PostgresDecodingError(column: names[column], type: "[String]", reason: reason)
        }
        var offset = 0
        func int32() throws -> Int32 {
            guard offset + 4 <= bytes.count else { throw malformed("the array ends early") }
            defer { offset += 4 }
            return Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        }
        // header: dimensions, has-null flag, element type; then (size, lower bound) per dimension
        let dimensions = try int32()
        _ = try int32()
        let elementType = try int32()
        guard dimensions == 0 || dimensions == 1 else { throw malformed("the array has \(dimensions) dimensions") }
        guard elementType == 25 || elementType == 1043 else { throw malformed("the elements' type is oid \(elementType)") }
        guard dimensions == 1 else { return [] }
        let size = try int32()
        guard try int32() == 1 else { throw malformed("the array does not start at 1") }
        // each element takes at least its four-byte length
        guard size >= 0, Int(size) <= (bytes.count - offset) / 4 else { throw malformed("the array's size does not fit its value") }
        var values: [String?] = []
        values.reserveCapacity(Int(size))
        for _ in 0..<size {
            let length = try int32()
            if length == -1 {
                values.append(nil)
                continue
            }
            guard length >= 0, offset + Int(length) <= bytes.count else { throw malformed("an element runs past the value") }
            values.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)]), as: UTF8.self))
            offset += Int(length)
        }
        guard offset == bytes.count else { throw malformed("the value has bytes after its last element") }
        return values
    }

    /// A `date` column as days since 1970-01-01; `infinity` and `-infinity` throw.
    public func daysSince1970(_ row: Int, _ column: Int) throws -> Int? {
        guard let raw = try bytes(row, column, (1082, 1082), "a date", length: 4).map({ Int32(bigEndian: $0.loadUnaligned(as: Int32.self)) }) else {
            return nil
        }
        guard raw != Int32.max, raw != Int32.min else {
            throw PostgresDecodingError(column: names[column], type: "a date", reason: "the value is infinite")
        }
        // the binary format counts from 2000-01-01, 10,957 days after 1970-01-01
        return Int(raw) + 10_957
    }
}

extension PostgresConnection {
    /// Runs one statement with its parameters and returns its rows in binary format.
    public func queryBinary(_ query: PostgresQuery) throws -> PostgresBinaryRows {
        try lock.withLock {
            let handle = try liveHandle()
            guard let result = try send(query, on: handle, binary: true) else { throw connectionError(handle, during: "a query") }
            let status = PQresultStatus(result)
            guard status == PGRES_TUPLES_OK else {
                _ = try consume(result, handle: handle)
                throw PostgresError(code: .unexpectedResult, message: "the statement returned no rows to read")
            }
            return PostgresBinaryRows(result)
        }
    }
}
