import ArgumentParser

/// `pareidolia bench …`: the benchmarks we report (release builds).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks: classifier, renderer, evolution, polish (build with -c release).",
        discussion: """
            Examples:
              swift run -c release pareidolia bench net --batch 16
              swift run -c release pareidolia bench render
            """,
        subcommands: [BenchNet.self, BenchRender.self, BenchEvolve.self, BenchPolish.self, BenchPixels.self, BenchAtlas.self])
}
