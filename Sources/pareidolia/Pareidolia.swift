import ArgumentParser
import Foundation

/// The `pareidolia` command: breeds formula images until an ImageNet classifier sees a class.
@main
struct Pareidolia: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pareidolia",
        abstract: "Breed formula images until an ImageNet classifier sees a chosen class in them.",
        discussion: """
            Examples:
              pareidolia evolve --class "rock crab" --minutes 10
              pareidolia resume rock-crab-1 --generations 50
              pareidolia atlas --classes all --minutes 30
              pareidolia runs
              pareidolia gallery
              pareidolia classify photo.png --top 5
              pareidolia render genomes/library/marble.genome --size 1024 --aa 3 -o marble.png
              pareidolia random --count 16 --seed 7 -o random/
            """,
        subcommands: [
            Evolve.self, Resume.self, Runs.self, Show.self, GalleryCommand.self, PolishCommand.self, DreamCommand.self,
            Classify.self, Classes.self, Opposite.self, Morph.self, Atlas.self,
            RenderCommand.self, RandomCommand.self,
            Bench.self,
        ])

    /// Re-executes with OpenBLAS's fastest kernel if needed, installs the Ctrl-C handler, runs.
    static func main() {
        FastBLAS.ensureFastKernel()
        Interrupt.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(reporting: error)
        }
    }

    /// Prints what `error` says (help and version to standard output; errors to standard error
    /// with their control characters escaped, since they quote the user's input) and exits with
    /// its code, as swift-argument-parser's own `main` does.
    static func exit(reporting error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
        } else if !message.isEmpty {
            FileHandle.standardError.write(Data((Terminal.escapingControls(message) + "\n").utf8))
        }
        Foundation.exit(code.rawValue)
    }
}
