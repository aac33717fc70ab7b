import Genome
import ImageIO
import Imaging
import Store

/// Pictures that formulas sample (`photo@KEY`): read from a PNG once, stored with the run, and
/// given back to every genome read from it, so a resume or a gallery never needs the file.
public enum RunPictures {
    /// The picture in the PNG at `path`: its centred square, resized to at most
    /// `Picture.maxSide` a side (area averaging), in 8-bit RGB. Transparency is composited over
    /// white, and the PNG is bounded like every PNG the program reads.
    public static func read(_ path: String) throws -> Picture {
        let image = try PNGFile.read(path).image
        return try picture(of: image)
    }

    /// `image`'s centred square at most `Picture.maxSide` a side, as a picture.
    public static func picture(of image: Image) throws -> Picture {
        let square = image.centreSquareCropped(fraction: 1)
        let side = Swift.min(square.width, Picture.maxSide)
        let resized = square.resized(width: side, height: side).clamped()
        let bytes = resized.pixels.map { UInt8(($0 * 255).rounded()) }
        return try Picture(side: side, bytes: bytes)
    }

    /// Stores the pictures `genomes` sample with run `id`.
    public static func save(_ genomes: [Genome], run id: Int64, in store: RunStore) throws {
        let all = Pictures.of(genomes)
        try store.savePictures(all.all.map { StoredPicture(key: $0.keyText, side: $0.side, bytes: $0.bytes) }, run: id)
    }

    /// The pictures stored with run `run`.
    public static func load(run: Run, from store: RunStore) throws -> Pictures {
        Pictures(try store.pictures(run: run.id).map { stored in
            let picture: Picture
            do { picture = try Picture(side: stored.side, bytes: stored.bytes) } catch {
                throw SearchError.unreadableGenome(run: run.name, generation: 0, reason: "picture \(stored.key): \(error)")
            }
            guard picture.keyText == stored.key else {
                throw SearchError.unreadableGenome(run: run.name, generation: 0,
                                                   reason: "picture \(stored.key) has the content of \(picture.keyText)")
            }
            return picture
        })
    }
}
