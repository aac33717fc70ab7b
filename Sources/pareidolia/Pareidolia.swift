import ArgumentParser

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
            Evolve.self, Resume.self, Runs.self, Show.self, GalleryCommand.self, PolishCommand.self,
            Classify.self, Classes.self, Opposite.self, Morph.self, Atlas.self,
            RenderCommand.self, RandomCommand.self,
            Bench.self,
        ])

    /// Re-executes with OpenBLAS's fastest kernel if needed, installs the Ctrl-C handler, runs.
    static func main() {
        FastBLAS.ensureFastKernel()
        Interrupt.install()
        main(nil)
    }
}
