import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who holds a run's write lease: a process on a host, since when.
public struct LockHolder: Sendable, Equatable, CustomStringConvertible {
    /// Process id of the holder.
    public var pid: Int32
    /// Host name of the holder's machine.
    public var host: String
    /// When the lease was taken (millisecond precision, UTC).
    public var acquiredAt: Date
    /// When the holder last renewed it (each committed generation renews it).
    public var renewedAt: Date

    public init(pid: Int32, host: String, acquiredAt: Date, renewedAt: Date) {
        self.pid = pid
        self.host = host
        self.acquiredAt = acquiredAt
        self.renewedAt = renewedAt
    }

    /// `pid 1234 on host 'box' since 2026-11-28 20:49:03 UTC (renewed 20:51:10 UTC)`.
    public var description: String {
        "pid \(pid) on host '\(host)' since \(Self.format(acquiredAt)) UTC "
            + "(renewed \(Self.format(renewedAt)) UTC)"
    }

    private static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// A write lease on one run, held by one `RunStore`: take it with `acquireLock` (or
/// `createLockedRun`), renew it with `renewLock` (every `commitGeneration` renews it too),
/// give it back with `releaseLock`.
public struct RunLease: Sendable, Equatable {
    /// The run's row id.
    public var run: Int64
    /// The run's name, for messages.
    public var runName: String
    /// This process, as other processes see it.
    public var holder: LockHolder
}

/// This process as it appears in lease rows, and the liveness test for other holders.
struct ProcessIdentity: Sendable {
    let pid: Int32
    let host: String
    /// Start time of the process (Linux: clock ticks since boot), to tell a reused pid.
    let started: Int64?

    static let current = ProcessIdentity(pid: getpid(), host: hostName(),
                                         started: startTime(of: getpid()))

    /// The machine's host name, without a DNS lookup.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Field 22 of `/proc/<pid>/stat` (start time in clock ticks since boot), or nil.
    static func startTime(of pid: Int32) -> Int64? {
        procStat(of: pid)?.started
    }

    /// Fields 3 (state: `R`, `S`, `Z` for a zombie, `X` for dead, …) and 22 (start time in
    /// clock ticks since boot) of `/proc/<pid>/stat`, or nil where there is no such file.
    static func procStat(of pid: Int32) -> (state: Character, started: Int64?)? {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: field 3 (state) is fields[0], so field 22 is fields[19].
        guard let state = fields.first?.first else { return nil }
        return (state, fields.count > 19 ? Int64(fields[19]) : nil)
        #else
        return nil
        #endif
    }

    /// Whether a lease row's holder can no longer be writing: on this host, its process is
    /// gone, a zombie, or the pid now belongs to a later process; on another host, it has not renewed
    /// the lease for `timeout` seconds.
    func isStale(pid: Int32, host: String, started: Int64?, renewedAt: Date, timeout: TimeInterval,
                 now: Date = Date()) -> Bool {
        guard host == self.host else { return now.timeIntervalSince(renewedAt) > timeout }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        #if os(Linux)
        // A killed process stays in the table as a zombie until its parent reaps it (never,
        // in a container without an init): it writes nothing, so its lease is free at once.
        guard let stat = Self.procStat(of: pid) else { return false }
        if stat.state == "Z" || stat.state == "X" { return true }
        if let started, let current = stat.started, current != started { return true }
        #endif
        return false
    }
}
