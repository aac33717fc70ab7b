import Imaging

/// Identity of a rendered image: equal 8-bit images have equal phenotypes.
public enum Phenotype {
    /// FNV-1a over the image's 8-bit samples and size.
    public static func hash(_ image: Image) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(image.width)) &* 0x100_0000_01b3
        h = (h ^ UInt64(image.height)) &* 0x100_0000_01b3
        for v in image.pixels { h = (h ^ UInt64(Image.byte(v))) &* 0x100_0000_01b3 }
        return h
    }
}
