import Foundation
import Store
import XCTest

/// Runs the built `pareidolia` executable (a dependency of this test target, so it sits beside
/// the test bundle) in a fresh temporary directory per test.
struct CLIHarness {
    let directory: URL
    let repository: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pareidolia-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Tests/PareidoliaCLITests/CLIHarness.swift → repository root.
        repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test binary lives inside PareidoliaPackageTests.xctest on some platforms.
        if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("pareidolia")
    }

    var database: String { directory.appendingPathComponent("runs.sqlite").path }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Starts the program with `arguments` in the temporary directory (library and models from
    /// the repository); returns the running process and its output pipes.
    func start(_ arguments: [String], executable: URL = CLIHarness.executable) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PAREIDOLIA_MODELS"] = repository.appendingPathComponent("models").path
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Runs the program to completion.
    @discardableResult
    func run(_ arguments: [String], executable: URL = CLIHarness.executable) throws -> Result {
        let (process, out, err) = try start(arguments, executable: executable)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Polls the database (read-only) while `process` runs until run `name` exists with at least
    /// `generations` committed generations (0: merely exists) or `timeout` seconds pass.
    /// Returns the committed generations last seen, nil if the run never appeared.
    @discardableResult
    func waitForRun(_ name: String, generations: Int = 0, while process: Process,
                    timeout: TimeInterval = 120) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        var seen: Int?
        while Date() < deadline && process.isRunning {
            if let run = try? RunStore(path: database, readOnly: true).run(named: name) {
                seen = run.generations
                if run.generations >= generations { break }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return seen
    }

    /// The library directory in the repository, passed to evolve through --seed-from.
    var libraryPath: String { repository.appendingPathComponent("genomes/library").path }
}

extension XCTestCase {
    /// The command failed, and its standard error names every one of `words`.
    func assertFails(_ result: CLIHarness.Result, mentioning words: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, "expected failure", file: file, line: line)
        for w in words {
            XCTAssertTrue(result.stderr.localizedCaseInsensitiveContains(w),
                          "stderr lacks '\(w)': \(result.stderr)", file: file, line: line)
        }
    }
}
