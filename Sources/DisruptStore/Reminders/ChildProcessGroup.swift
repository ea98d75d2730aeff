import Foundation

/// A delivery command runs in a process group of its own, so that stopping it also stops
/// whatever it started (a shell's `sleep`, a mailer's helper): `serve` must stop within
/// 2 seconds of SIGTERM even when a delivery hangs.
enum ChildProcessGroup {
    /// How long the group gets between SIGTERM and SIGKILL.
    static let grace: TimeInterval = 0.5

    /// Spawn attributes for such a child: a new process group (its id is the child's pid), an
    /// empty signal mask, and default handling of SIGTERM and SIGINT. `serve` ignores those two
    /// (it handles them through a dispatch source), and an ignored or blocked signal would
    /// otherwise stay so in the child across exec, which then could not be asked to stop.
    static func withSpawnAttributes<R>(_ body: (inout posix_spawnattr_t) -> R) -> R {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return body(&attributes)
    }

    /// Stops the group led by `pid`: SIGTERM to every member, SIGKILL after `grace` if the
    /// leader has not exited, then reaps the leader. Returns within about `grace` seconds.
    static func stop(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while Date() < deadline {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid || (waited < 0 && errno != EINTR) { break }
            usleep(10_000)
        }
        // Members other than the leader may still run (or the leader, if it ignored SIGTERM).
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
