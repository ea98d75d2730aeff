extension PostgresConnection {
    /// Whether a `transaction` (or savepoint) of this connection is running.
    public var isInTransaction: Bool { lock.withLock { transactionDepth > 0 } }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    /// Nested calls become savepoints, so an inner failure can be caught without losing the
    /// outer work. Other threads wait until the whole transaction is over.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            if transactionDepth > 0 {
                return try savepoint(body)
            }
            try execute("BEGIN")
            transactionDepth = 1
            defer { transactionDepth = 0 }
            do {
                let value = try body()
                try execute("COMMIT")
                return value
            } catch {
                if isConnected { _ = try? execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs `body` inside a savepoint of the current transaction: released when it returns,
    /// rolled back to when it throws (the enclosing transaction goes on).
    @discardableResult
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            transactionDepth += 1
            let name = "disrupt_sp_\(transactionDepth)"
            defer { transactionDepth -= 1 }
            try execute("SAVEPOINT \(identifier: name)")
            do {
                let value = try body()
                try execute("RELEASE SAVEPOINT \(identifier: name)")
                return value
            } catch {
                if isConnected { _ = try? execute("ROLLBACK TO SAVEPOINT \(identifier: name)") }
                throw error
            }
        }
    }
}
