import Dispatch

/// A value computed on another thread from the moment it is made, for work that can overlap
/// a wait on the database (reading the configuration while the connection opens). `value()`
/// waits for it and returns it, or throws what the work threw.
final class BackgroundValue<Value: Sendable>: @unchecked Sendable {
    // written once on the worker before `done.leave()`, read only after `done.wait()`: the
    // group orders the two, so no lock is needed
    private var result: Result<Value, any Error>?
    private let done = DispatchGroup()

    init(_ work: @escaping @Sendable () throws -> Value) {
        done.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try work() }
            self.done.leave()
        }
    }

    /// The value, once computed (waits for it).
    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
