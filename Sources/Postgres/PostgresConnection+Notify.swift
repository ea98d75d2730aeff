import CLibPQ
import Foundation

/// A notification received on a channel this connection LISTENs to.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    /// The process id of the server backend that sent it.
    public var senderPID: Int32
}

extension PostgresConnection {
    /// Starts listening on `channel`. After `reconnect()`, call it again.
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(identifier: channel)")
    }

    /// Sends a notification (`pg_notify`), delivered when the current transaction commits.
    public func notify(_ channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Waits up to `timeout` seconds for notifications and returns those that arrived
    /// (possibly none). Throws `.connectionLost` when the server goes away while waiting.
    public func waitForNotifications(timeout: TimeInterval) throws -> [PostgresNotification] {
        var received = try drainNotifications()
        if !received.isEmpty { return received }
        let socket = try lock.withLock { () throws -> Int32 in
            let handle = try liveHandle()
            return PQsocket(handle)
        }
        guard socket >= 0 else { throw PostgresError(code: .connectionLost, message: "the connection has no socket") }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, min(timeout, Double(Int32.max) / 1000)) * 1000)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno != EINTR {
            throw PostgresError(code: .connectionLost, message: "waiting for notifications failed (errno \(errno))")
        }
        received = try drainNotifications()
        return received
    }

    private func drainNotifications() throws -> [PostgresNotification] {
        try lock.withLock {
            let handle = try liveHandle()
            if PQconsumeInput(handle) != 1 || PQstatus(handle) != CONNECTION_OK {
                throw connectionError(handle, during: "waiting for notifications")
            }
            var notifications: [PostgresNotification] = []
            while let notice = PQnotifies(handle) {
                notifications.append(PostgresNotification(
                    channel: String(cString: notice.pointee.relname),
                    payload: String(cString: notice.pointee.extra),
                    senderPID: notice.pointee.be_pid
                ))
                PQfreemem(notice)
            }
            return notifications
        }
    }
}
