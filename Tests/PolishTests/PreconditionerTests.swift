import Polish
import Genome
import XCTest

final class PreconditionerTests: XCTestCase {
    let genome: Genome = {
        var rng = SeededGenerator(seed: 7)
        return Genome.waves(terms: 6, frequency: 16, limits: try! Limits(maxDepth: 12, maxNodes: 400), using: &rng)
    }()

    /// ⟨B·z, g⟩ = ⟨z, Bᵀ·g⟩: the latent gradient is the adjoint of the map Adam steps through.
    func testLatentGradientIsTheAdjointOfTheMap() {
        let p = Preconditioner(genome: genome, preconditioning: Preconditioning(decorrelatedColour: true, falloff: 8))
        var rng = SeededGenerator(seed: 8)
        let z = (0..<p.count).map { _ in Float(rng.next() >> 40) / Float(1 << 24) - 0.5 }
        let g = (0..<p.count).map { _ in Float(rng.next() >> 40) / Float(1 << 24) - 0.5 }
        // Small z keeps every constant admissible, so constants(z) is affine in z.
        let z0 = p.start
        let zs = zip(z0, z).map { $0 + $1 }
        let bz = zip(p.constants(zs), p.constants(z0)).map { $0 - $1 }
        let lhs = zip(bz, g).map { Double($0 * $1) }.reduce(0, +)
        let rhs = zip(z, p.latentGradient(g)).map { Double($0 * $1) }.reduce(0, +)
        XCTAssertEqual(lhs, rhs, accuracy: 1e-4 * max(1, abs(lhs)))
        XCTAssertNotEqual(bz, z, "the map is not the identity")
    }

    func testIdentityLeavesConstantsAndGradientsAlone() {
        let p = Preconditioner(genome: genome, preconditioning: .none)
        let z = (0..<p.count).map { Float($0) * 0.01 }
        XCTAssertEqual(p.start, genome.constants, "plain Adam on the constants")
        XCTAssertEqual(p.constants(z), z)
        XCTAssertEqual(p.latentGradient(z), z)
    }

    /// A unit step along the first latent axis of a term's colour is a luminance step (all
    /// three channels up by about the same amount); falloff shrinks it for fast waves.
    func testColourStepsAreBrightnessFirstAndFastWavesMoveLess() {
        let plain = Preconditioner(genome: genome, preconditioning: Preconditioning(decorrelatedColour: true))
        let damped = Preconditioner(genome: genome, preconditioning: Preconditioning(decorrelatedColour: true, falloff: 8))
        // Term 0's colour constants are the first three (prefix order: (* (rgb a b c) …)).
        var z = plain.start
        XCTAssertEqual(plain.constants(z), genome.constants, "the start is the genome")
        z[0] = 1
        let step = zip(plain.constants(z), plain.origin).map { $0 - $1 }
        XCTAssertEqual(step[0], step[1], accuracy: 0.05)
        XCTAssertEqual(step[1], step[2], accuracy: 0.05)
        XCTAssertEqual(step[0], 0.56, accuracy: 0.02, "luminance column, normalised to length 1")
        let terms = genome.terms
        let u = terms[0].nodes[9].value, v = terms[0].nodes[12].value
        let omega = (u * u + v * v).squareRoot()
        let dampedStep = zip(damped.constants(z), damped.origin).map { $0 - $1 }
        XCTAssertEqual(dampedStep[0], step[0] * min(1, 8 / omega), accuracy: 1e-5)
    }
}
