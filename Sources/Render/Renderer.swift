import Dispatch
import Foundation
import Genome
import Imaging

/// Renders genomes to planar RGB images in [0, 1].
///
/// Sample (column j, row i) of a W×H grid sits at x = (2j + 1)/W − 1, y = (2i + 1)/H − 1
/// (pixel centres, y downward). With k×k supersampling the grid is kW×kH and each output
/// pixel is the mean of its k² squashed samples (row-major order). Output rows are rendered
/// in chunks shared out among the threads; the result does not depend on the thread count.
public enum Renderer {
    /// Samples per tile plane: one instruction processes up to this many samples per channel.
    public static let tileSize = 512
    /// Largest width or height.
    public static let maxSide = 1 << 15
    /// Largest supersampling factor.
    public static let maxSupersample = 16
    /// Largest width·height.
    public static let maxPixels = 1 << 26

    /// Compiles and renders `genome` at `width`×`height` with `supersample`² samples per pixel
    /// on `threads` threads.
    ///
    /// `shouldStop` is asked before each chunk of rows; once it says yes the render ends with
    /// `RenderError.cancelled` (a big anti-aliased render can take minutes).
    public static func render(_ genome: Genome, width: Int, height: Int, supersample: Int = 1,
                              threads: Int = 2, shouldStop: (@Sendable () -> Bool)? = nil) throws -> Image {
        try RenderProgram(genome).render(width: width, height: height, supersample: supersample, threads: threads,
                                         shouldStop: shouldStop)
    }

    static func validate(width: Int, height: Int, supersample: Int) throws {
        guard (1...maxSide).contains(width), (1...maxSide).contains(height),
              (1...maxSupersample).contains(supersample), width * height <= maxPixels else {
            throw RenderError.invalidSize(width: width, height: height, supersample: supersample)
        }
    }
}

/// A pointer that may cross into the render threads: each thread writes only its own rows.
private struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}

/// Hands out chunk indices 0..<count to the render threads, each exactly once.
private final class ChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    private var stop = false

    /// The next chunk, or nil when all are taken or `shouldStop` says to stop (then for good).
    func take(stoppingIf shouldStop: (@Sendable () -> Bool)? = nil) -> Int? {
        let stopNow = shouldStop?() ?? false
        lock.lock()
        defer { lock.unlock() }
        if stopNow, next < count { stop = true }
        guard !stop, next < count else { return nil }
        next += 1
        return next - 1
    }

    /// Whether a stop cut the render short.
    var stopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stop
    }
}

extension RenderProgram {
    /// Renders this program at `width`×`height` with `supersample`² samples per pixel on
    /// `threads` threads. Deterministic: the same for every thread count.
    ///
    /// Output rows are cut into about four chunks per thread; each thread takes the next free
    /// chunk, so a thread slowed by other work on its core takes fewer.
    public func render(width: Int, height: Int, supersample: Int = 1, threads: Int = 2,
                       shouldStop: (@Sendable () -> Bool)? = nil) throws -> Image {
        try Renderer.validate(width: width, height: height, supersample: supersample)
        guard threads >= 1 else { throw RenderError.invalidThreadCount(threads) }
        var pixels = [Float](repeating: 0, count: 3 * width * height)
        let workers = Swift.min(threads, height)
        // About four chunks per thread, and none over ~1M samples, so that a stop request is
        // heard within a fraction of a second even for a huge anti-aliased render.
        let rowSamples = width * supersample * supersample
        let chunkRows = Swift.max(1, Swift.min(workers == 1 ? height : height / (4 * workers), (1 << 20) / rowSamples))
        let queue = ChunkQueue(count: (height + chunkRows - 1) / chunkRows)
        pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = SharedPointer(base: base)
            let work = { @Sendable (_: Int) in
                self.withScratch { scratch in
                    while let chunk = queue.take(stoppingIf: shouldStop) {
                        let rows = (chunk * chunkRows)..<Swift.min(height, (chunk + 1) * chunkRows)
                        self.renderRows(rows, scratch: scratch, into: out.base, width: width, height: height,
                                        supersample: supersample)
                    }
                }
            }
            if workers == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            }
        }
        if queue.stopped { throw RenderError.cancelled }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// Runs `body` with a scratch area of `planeCount` planes, constant planes filled.
    func withScratch(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        let t = Renderer.tileSize
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(planeCount, 1) * t)
        defer { scratch.deallocate() }
        for fill in constantFills { (scratch + Int(fill.plane) * t).initialize(repeating: fill.value, count: t) }
        body(scratch)
    }

    /// Renders output rows `rows` into the planar image at `out`.
    func renderRows(_ rows: Range<Int>, scratch: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>,
                    width: Int, height: Int, supersample k: Int) {
        guard !rows.isEmpty else { return }
        let t = Renderer.tileSize
        let sampleWidth = width * k, sampleHeight = height * k
        let rowsPerTile = sampleWidth >= t ? 1 : t / sampleWidth
        let chunk = Swift.min(sampleWidth, t)
        let plane = width * height
        instructions.withUnsafeBufferPointer { code in
            var row = rows.lowerBound * k
            let rowEnd = rows.upperBound * k
            while row < rowEnd {
                let tileRows = Swift.min(rowsPerTile, rowEnd - row)
                var col = 0
                while col < sampleWidth {
                    let tile = Tile(row0: row, rows: tileRows, col0: col, cols: Swift.min(chunk, sampleWidth - col))
                    Executor.run(code, scratch: scratch, planeSize: t, tile: tile, width: sampleWidth, height: sampleHeight,
                                 pictures: pictures)
                    for c in 0..<3 {
                        let value = UnsafePointer(scratch + (Int(outputPlane) + c * Int(outputStep)) * t)
                        Output.store(value, tile: tile, supersample: k, into: out + c * plane, width: width)
                    }
                    col += tile.cols
                }
                row += tileRows
            }
        }
        if k > 1 {
            let scale = 1 / Float(k * k)
            for c in 0..<3 {
                let p = out + c * plane + rows.lowerBound * width
                for i in 0..<(rows.count * width) { p[i] *= scale }
            }
        }
    }
}

/// Writes squashed sample values into an output plane.
enum Output {
    /// Stores (k = 1) or accumulates (k > 1, sums of k² samples) the squashed values of one
    /// channel of `tile` into the output plane `out` of width `width`.
    static func store(_ value: UnsafePointer<Float>, tile: Tile, supersample k: Int,
                      into out: UnsafeMutablePointer<Float>, width: Int) {
        for r in 0..<tile.rows {
            let v = value + r * tile.cols
            if k == 1 {
                let o = out + (tile.row0 + r) * width + tile.col0
                for j in 0..<tile.cols { o[j] = Semantics.squash(v[j]) }
            } else {
                let o = out + ((tile.row0 + r) / k) * width
                var column = tile.col0 / k, phase = tile.col0 % k
                for j in 0..<tile.cols {
                    o[column] += Semantics.squash(v[j])
                    phase += 1
                    if phase == k {
                        phase = 0
                        column += 1
                    }
                }
            }
        }
    }
}
