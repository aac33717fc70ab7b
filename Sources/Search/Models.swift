import Foundation
import Net
import Scoring

/// Loads classifiers by variant name, each once per process.
///
/// Thread-safe: the gallery re-measures records from several threads.
public final class ModelCache: @unchecked Sendable {
    private let lock = NSLock()
    private var models: [ModelVariant: EfficientNetLite] = [:]
    /// Worker threads of the scorers and judges made from this cache for anything but a run
    /// (a run's own come from its plan: `RunPlan.threads`).
    public let threads: Int

    /// Every core of this machine (what `--threads` defaults to).
    public static var defaultThreads: Int { min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 256) }

    public init(threads: Int = ModelCache.defaultThreads) { self.threads = threads }

    /// The variant called `name` (`lite0`, `lite1`, `lite2`; any case).
    public static func variant(_ name: String) throws -> ModelVariant {
        guard let variant = ModelVariant(rawValue: name.lowercased()) else { throw SearchError.unknownModel(name) }
        return variant
    }

    /// The classifier a user named (`--model`, any case), loaded on first use.
    ///
    /// - Throws: `SearchError.unknownModel` naming it.
    public func model(_ name: String) throws -> EfficientNetLite { try model(Self.variant(name)) }

    /// The classifier `variant`, loaded on first use.
    public func model(_ variant: ModelVariant) throws -> EfficientNetLite {
        lock.lock()
        defer { lock.unlock() }
        if let m = models[variant] { return m }
        let m = try EfficientNetLite.load(variant)
        models[variant] = m
        return m
    }

    /// A scorer over the classifiers `variants`, on `threads` threads (default: the cache's).
    public func scorer(_ variants: [ModelVariant], threads: Int? = nil) throws -> Scorer {
        try Scorer(models: variants.map(model), threads: threads ?? self.threads)
    }

    /// The network that judges a run that used `models`: Lite2, or Lite1 when the run uses Lite2
    /// (a network the run never scored with).
    public static func heldOut(for models: [ModelVariant]) -> ModelVariant {
        [ModelVariant.lite2, .lite1, .lite0].first { !models.contains($0) } ?? .lite2
    }

    /// The variants called `names` (any case), in order.
    public static func variants(_ names: [String]) throws -> [ModelVariant] { try names.map(variant) }
}
