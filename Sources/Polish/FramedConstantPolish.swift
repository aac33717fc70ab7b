import Genome
import Imaging
import Render
import Scoring

extension ConstantPolish {
    /// Polishes the constants of `genome` toward the mean of `objective` over `framed`'s
    /// framings and networks (expectation over transformations).
    ///
    /// Each step renders the genome once at the framings' source size, takes the framed
    /// gradient (each network's pixel gradient pulled back through each framing's adjoint),
    /// subtracts λ·∇TV of the source, backpropagates through the renderer to the constants and
    /// moves them by Adam (kept admissible). The best genome by framed objective − λ·TV (the
    /// input included) is returned, so a polish never makes it worse on these framings.
    public static func run(genome: Genome, objective: Objective, framed: FramedScoring,
                           settings: ConstantPolishSettings) throws -> ConstantPolishResult {
        try settings.validate()
        let size = framed.sourceSize
        var best: (genome: Genome, image: Image, fitness: Float)?
        let basis = Preconditioner(genome: genome, preconditioning: settings.preconditioning)
        var latent = basis.start
        var adam = Adam(count: latent.count, learningRate: settings.learningRate)
        var current = genome
        var trace: [Float] = []
        var startImage: Image?
        for step in 0...settings.steps {
            let source = try Renderer.render(current, width: size, height: size)
            if startImage == nil { startImage = source }
            let last = step == settings.steps || latent.isEmpty
            let value: Float, pixelGradient: Image?
            let tvPenalty = settings.tvWeight * anisotropicTotalVariation(source)
            if let fresh = settings.freshFramings {
                // Steps ascend fresh framings; only the input and the last step are compared,
                // on the scoring's own framings (the caller's yardstick).
                if step == 0 || last {
                    let fitness = try framed.evaluate([source], objective: objective)[0].value - tvPenalty
                    if fitness > best?.fitness ?? -.infinity { best = (current, source, fitness) }
                }
                if last { trace.append(best?.fitness ?? -.infinity); break }
                let stepScoring = FramedScoring(scorer: framed.scorer,
                                                framings: fresh.framings(step: step, count: framed.framings.count),
                                                sourceSize: size)
                (value, pixelGradient) = try stepScoring.gradient(source, objective: objective)
                trace.append(value - tvPenalty)
            } else {
                if last {
                    value = try framed.evaluate([source], objective: objective)[0].value
                    pixelGradient = nil
                } else {
                    (value, pixelGradient) = try framed.gradient(source, objective: objective)
                }
                let fitness = value - tvPenalty
                trace.append(fitness)
                if fitness > best?.fitness ?? -.infinity { best = (current, source, fitness) }
            }
            guard var g = pixelGradient else { break }
            let tv = totalVariationGradient(source)
            for i in g.pixels.indices { g.pixels[i] -= settings.tvWeight * tv.pixels[i] }
            let gradient = try ConstantGradient.compute(genome: current, width: size, height: size, pixelGradient: g)
            adam.ascend(&latent, gradient: basis.latentGradient(gradient.map { $0.isFinite ? $0 : 0 }))
            latent = basis.admissible(latent)
            current.constants = basis.constants(latent)
        }
        guard let chosen = best else {
            throw PolishError.invalidSetting(name: "steps", value: Double(settings.steps), allowed: "≥ 0")
        }
        func score(_ image: Image) throws -> PolishScore {
            let s = try framed.evaluate([image], objective: objective)[0]
            return PolishScore(confidence: s.confidence, objective: s.value,
                               denoiseDistance: denoiseDistance(image, weight: FitnessFunction.denoiseWeight),
                               totalVariation: anisotropicTotalVariation(image))
        }
        // The first step rendered the input genome.
        let before = try score(startImage ?? Renderer.render(genome, width: size, height: size))
        return ConstantPolishResult(genome: chosen.genome,
                                    report: PolishResult(image: chosen.image, before: before, after: try score(chosen.image),
                                                         steps: settings.steps, trace: trace))
    }
}
