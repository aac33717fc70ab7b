import Foundation
import Store
import StorePostgres
import XCTest

/// The PostgreSQL server goes away under a running command: stopped as an administrator does
/// (`pg_ctl -m fast stop`), the command ends within seconds with one line naming host and port;
/// frozen (SIGSTOP), a first SIGTERM still ends it. Once the server is back, the run continues
/// from its last committed generation. The test stops a server of its own (`scripts/pg-scratch`),
/// never the shared one in PAREIDOLIA_TEST_POSTGRES.
final class ServerStopCLITests: XCTestCase {
    func testEvolveAndAWorkerEndWhenTheServerStopsAndContinueAfterIt() throws {
        let h = try CLIHarness()
        let server = try ScratchServer(h)
        defer { server.remove() }
        let runs: [(name: String, command: [String])] = [
            ("x", ["evolve", "--class", "goldfish", "--run", "x", "--population", "8", "--framings", "1", "--family", "waves", "--waves", "4",
                   "--polish-steps", "2", "--minutes", "10"]),
            ("w", ["atlas", "--worker", "--run", "w", "--classes", "goldfish", "--classes", "rock crab",
                   "--population", "4", "--framings", "1", "--search", "gp"]),
        ]
        for (name, command) in runs {
            let (process, _, err) = try h.start(command + ["--db", server.url])
            let committed = try waitForGenerations(2, of: name, server: server, while: process)

            try server.control("halt")
            let stopped = Date()
            let took = waitForExit(process, timeout: 20)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertLessThan(took, 10, "\(name) ended \(took) s after the server stopped: \(stderr)")
            XCTAssertNotEqual(process.terminationStatus, 0, name)
            // A fast stop either closes the connection or, mid-statement, says why first.
            assertOneLine(stderr, naming: server, anyOf: ["the server closed the connection",
                                                          "terminating connection due to administrator command"])
            print("\(name): exited \(String(format: "%.2f", Date().timeIntervalSince(stopped))) s after pg_ctl -m fast stop")

            try server.control("restart")
            let before = try RunStore.open(location: server.url, readOnly: true).run(named: name).generations
            XCTAssertGreaterThanOrEqual(before, committed, "\(name): nothing committed was lost")
            let again = name == "x"
                ? try h.run(["resume", "x", "--generations", "1", "--db", server.url])
                : try h.run(command + ["--generations", "1", "--db", server.url])
            XCTAssertEqual(again.status, 0, "\(name): \(again.stderr)")
            XCTAssertTrue(again.stderr.contains(name == "x" ? "resuming at generation \(before - 1)" : "joined at batch \(before)"),
                          "\(name) continues from its last committed generation (\(before)): \(again.stderr)")
            XCTAssertEqual(try RunStore.open(location: server.url, readOnly: true).run(named: name).generations, before + 1)
        }

        // A server that stops answering (frozen): the command waits on a commit that never
        // returns, and a first SIGTERM ends it all the same.
        let (process, _, err) = try h.start(runs[0].command.replacingRun("y") + ["--db", server.url])
        let interval = try generationInterval(of: "y", server: server, while: process)
        try server.freeze()
        // Long enough for the generation in flight to finish and block on its commit.
        Thread.sleep(forTimeInterval: min(8, 2 * interval + 1))
        XCTAssertTrue(process.isRunning, "y waits on the frozen server")
        kill(process.processIdentifier, SIGTERM)
        let took = waitForExit(process, timeout: 30)
        try server.thaw()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertLessThan(took, 10, "y ended \(took) s after SIGTERM: \(stderr)")
        XCTAssertNotEqual(process.terminationStatus, 0)
        assertOneLine(stderr, naming: server, anyOf: ["of the interrupt"])
        print("y: exited \(String(format: "%.2f", took)) s after SIGTERM while its commit waited on a frozen server")
    }

    // MARK: Helpers

    /// The last line of `stderr` names the server's host and port, says what is safe, and
    /// shows no driver name.
    private func assertOneLine(_ stderr: String, naming server: ScratchServer, anyOf reasons: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        let last = stderr.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last.map(String.init) ?? ""
        for words in ["lost the connection to PostgreSQL at \(server.hostAndPort)", "committed before is safe"] {
            XCTAssertTrue(last.contains(words), "'\(words)' missing from the last line: \(stderr)", file: file, line: line)
        }
        XCTAssertTrue(reasons.contains { last.contains($0) }, "none of \(reasons) in the last line: \(stderr)",
                      file: file, line: line)
        for name in ["PSQLError", "serverClosedConnection", "connectionError", "NIO"] {
            XCTAssertFalse(stderr.contains(name), stderr, file: file, line: line)
        }
    }

    /// Waits until run `name` has `count` committed generations (batches); returns how many.
    private func waitForGenerations(_ count: Int, of name: String, server: ScratchServer, while process: Process,
                                    timeout: TimeInterval = 60) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var committed = 0
        while committed < count, Date() < deadline, process.isRunning {
            committed = (try? RunStore.open(location: server.url, readOnly: true).run(named: name).generations) ?? 0
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTAssertGreaterThanOrEqual(committed, count, "\(name) got going")
        XCTAssertTrue(process.isRunning, "\(name) ended early")
        return committed
    }

    /// Seconds between two commits of run `name` (it has committed at least 2 when this returns).
    private func generationInterval(of name: String, server: ScratchServer, while process: Process) throws -> Double {
        let first = try waitForGenerations(1, of: name, server: server, while: process)
        let start = Date()
        _ = try waitForGenerations(first + 1, of: name, server: server, while: process)
        return Date().timeIntervalSince(start)
    }

    /// Seconds until `process` exits; SIGKILLs it after `timeout`.
    private func waitForExit(_ process: Process, timeout: TimeInterval) -> Double {
        let start = Date()
        while process.isRunning, Date().timeIntervalSince(start) < timeout { Thread.sleep(forTimeInterval: 0.05) }
        let took = Date().timeIntervalSince(start)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return took
    }
}

private extension Array where Element == String {
    /// The command with its `--run` value replaced.
    func replacingRun(_ name: String) -> [String] {
        guard let index = firstIndex(of: "--run"), index + 1 < count else { return self }
        var copy = self
        copy[index + 1] = name
        return copy
    }
}

/// A PostgreSQL server of the test's own (`scripts/pg-scratch`): stopped, restarted, frozen.
/// Without one, the test is skipped by hand and fails under CI (`CI=true`).
private struct ScratchServer {
    let script: URL
    let directory: URL
    let url: String
    let hostAndPort: String

    init(_ h: CLIHarness) throws {
        script = h.repository.appendingPathComponent("scripts/pg-scratch")
        directory = h.directory.appendingPathComponent("pg")
        let started = try Self.run(script, ["start", directory.path], logs: h.directory)
        guard started.status == 0, let line = started.stdout.split(separator: "\n").last,
              PostgresURL.isPostgres(String(line)) else {
            let message = "scripts/pg-scratch could not start a server of the test's own: \(started.stderr)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw Unavailable(message: message) }
            throw XCTSkip(message)
        }
        url = String(line)
        let parsed = try PostgresURL(url)
        hostAndPort = "\(parsed.host):\(parsed.port)"
    }

    struct Unavailable: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// `scripts/pg-scratch halt` (pg_ctl -m fast stop) or `restart`.
    func control(_ command: String) throws {
        let result = try Self.run(script, [command, directory.path], logs: directory.deletingLastPathComponent())
        XCTAssertEqual(result.status, 0, "pg-scratch \(command): \(result.stderr)")
    }

    /// Stops (SIGSTOP) the server and its sessions: connections stay open, nothing answers.
    func freeze() throws { try signalServer(SIGSTOP) }

    func thaw() throws { try signalServer(SIGCONT) }

    private func signalServer(_ sig: Int32) throws {
        let pidFile = try String(contentsOf: directory.appendingPathComponent("data/postmaster.pid"), encoding: .utf8)
        guard let postmaster = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw Unavailable(message: "no pid in postmaster.pid")
        }
        for pid in [postmaster] + Self.children(of: postmaster) { kill(pid, sig) }
    }

    /// The processes whose parent is `pid` (from /proc).
    private static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    func remove() {
        _ = try? Self.run(script, ["stop", directory.path], logs: directory.deletingLastPathComponent())
    }

    /// Runs the script with its output in files and waits for it with `waitpid`. Not with
    /// `Process`: Foundation learns that a child ended when a socket the child inherited closes,
    /// and the server the script starts would inherit it too, so `waitUntilExit` would wait for
    /// the server. The shell closes every inherited descriptor above 2 before running the script.
    private static func run(_ script: URL, _ arguments: [String], logs: URL) throws -> CLIHarness.Result {
        let out = logs.appendingPathComponent("pg-scratch-\(UUID().uuidString).out").path
        let err = logs.appendingPathComponent("pg-scratch-\(UUID().uuidString).err").path
        let closeAndRun = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$0" "$@""#
        let argv = ["/bin/bash", "-c", closeAndRun, script.path] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw Unavailable(message: "cannot run \(script.path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS.
        let exitStatus: Int32 = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return CLIHarness.Result(status: exitStatus,
                                 stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                                 stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
