import CPNG

/// Bounds on what reading one PNG may allocate, so a hostile or careless file (a
/// decompression bomb, a chunk that lies about its length) is refused instead of exhausting
/// memory.
///
/// With the defaults, reading allocates at most the decoded `Image` (12 bytes per pixel,
/// ≤ 768 MiB at the pixel limit), one row, libpng's own row buffers, and text chunks of at
/// most `maxChunkBytes` each, `maxAncillaryChunks` of them.
public struct PNGLimits: Sendable, Equatable {
    /// Largest `width × height` that `PNGFile.read` decodes; checked against the header
    /// before any pixel is allocated. Default 8192² (67,108,864), the largest render size.
    public var maxPixels: Int
    /// The most bytes one ancillary chunk (text, ICC profile) may take once decompressed;
    /// larger ones are skipped (libpng's `png_set_chunk_malloc_max`). Default 1 MiB.
    public var maxChunkBytes: Int
    /// How many ancillary chunks (text and others) are kept; later ones are skipped
    /// (libpng's `png_set_chunk_cache_max`). Default 64.
    public var maxAncillaryChunks: Int

    /// The default pixel budget: 8192 × 8192.
    public static let defaultMaxPixels = 8192 * 8192

    /// The limits `PNGFile.read` and `readText` use unless told otherwise.
    public static let standard = PNGLimits()

    public init(maxPixels: Int = PNGLimits.defaultMaxPixels, maxChunkBytes: Int = 1 << 20,
                maxAncillaryChunks: Int = 64) {
        self.maxPixels = maxPixels
        self.maxChunkBytes = maxChunkBytes
        self.maxAncillaryChunks = maxAncillaryChunks
    }

    /// The C form, with every value clamped to what the C types and libpng accept.
    var c: cpng_limits {
        cpng_limits(max_pixels: UInt64(max(0, maxPixels)),
                    max_chunk_bytes: UInt32(clamping: max(1, maxChunkBytes)),
                    max_ancillary_chunks: UInt32(clamping: max(3, maxAncillaryChunks)))
    }
}
