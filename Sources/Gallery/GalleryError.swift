/// Every failure of a gallery export a user can cause; each names the input and the fix.
///
/// Database failures surface as the store's own `StoreError`, except an unknown run name.
public enum GalleryError: Error, CustomStringConvertible, Equatable {
    /// No run has this name; `candidates` lists the stored names, closest first.
    case unknownRun(name: String, candidates: [String])
    /// The database holds no runs at all.
    case noRuns(database: String)
    /// `size`, `supersampling` or `thumbnailSize` is outside its range.
    case invalidOption(name: String, value: Int, allowed: ClosedRange<Int>)
    /// The output path exists and is not a directory.
    case outputNotDirectory(path: String)
    /// The output directory cannot be created or written.
    case outputNotWritable(path: String, reason: String)
    /// A file of the gallery cannot be written.
    case writeFailed(path: String, reason: String)
    /// The renderer failed on a record's genome (or returned the wrong size).
    case renderFailed(run: String, record: Int64, generation: Int, genome: String, reason: String)
    /// Re-measuring a record's confidence failed.
    case measureFailed(run: String, record: Int64, reason: String)
    /// A picture of a generation's Pareto front could not be rendered or re-measured (`step`).
    case frontFailed(run: String, generation: Int, step: String, genome: String, reason: String)
    /// The renderer failed on an atlas cell's genome (or returned the wrong size).
    case cellRenderFailed(run: String, cell: Int, className: String, genome: String, reason: String)
    /// Judging an atlas's elites failed, or the judge left out cells it was asked about.
    case judgeFailed(run: String, cells: [Int], reason: String)
    /// Graphviz (`tool`) is installed but failed.
    case graphvizFailed(tool: String, reason: String)
    /// An atlas's similarity graph could not be laid out (`reason`: the layout's error).
    case graphLayoutFailed(run: String, dotFile: String, reason: String)
    /// `--judge` is not `all`, `none` or a number of cells.
    case invalidJudging(value: String)
    /// The export was interrupted (Ctrl-C) in `run`: `judged` verdicts of this export are kept
    /// (`remaining` genomes still to judge); the page shows what was done.
    case interrupted(run: String, page: String, judged: Int, remaining: Int)

    public var description: String {
        switch self {
        case let .unknownRun(name, candidates):
            guard let closest = candidates.first else {
                return "no run named '\(name)': the database has no runs yet; "
                    + "start one with `pareidolia evolve`"
            }
            let list = candidates.prefix(10).joined(separator: ", ")
            let more = candidates.count > 10 ? ", … (\(candidates.count) runs)" : ""
            return "no run named '\(name)'; did you mean '\(closest)'? Known runs: \(list)\(more) "
                + "(see `pareidolia runs`)"
        case let .noRuns(database):
            return "the database '\(database)' has no runs to show; start one with "
                + "`pareidolia evolve`, or choose another database with --db"
        case let .invalidOption(name, value, allowed):
            return "\(name) \(value) is out of range; use a value from \(allowed.lowerBound) "
                + "to \(allowed.upperBound)"
        case let .outputNotDirectory(path):
            return "gallery output '\(path)' exists and is not a directory; move the file "
                + "aside or choose another directory with --out"
        case let .outputNotWritable(path, reason):
            return "cannot write the gallery to '\(path)': \(reason); check the directory's "
                + "permissions and free space, or choose another directory with --out"
        case let .writeFailed(path, reason):
            return "cannot write '\(path)': \(reason); check permissions and free space, then "
                + "run the export again (finished records are kept)"
        case let .renderFailed(run, record, generation, genome, reason):
            return "cannot render record \(record) (generation \(generation)) of run '\(run)': "
                + "\(reason); genome: \(Self.abbreviated(genome)); check that this build knows "
                + "every primitive in the genome (records finished so far are kept)"
        case let .measureFailed(run, record, reason):
            return "cannot re-measure the confidence of record \(record) of run '\(run)': "
                + "\(reason); check that the run's model weights are installed "
                + "(`scripts/setup` fetches them)"
        case let .frontFailed(run, generation, step, genome, reason):
            return "cannot \(step) a picture of generation \(generation)'s Pareto front of run '\(run)': \(reason); "
                + "genome: \(Self.abbreviated(genome)); check that this build knows every primitive in the genome "
                + "and that the run's model weights are installed (`scripts/setup` fetches them)"
        case let .cellRenderFailed(run, cell, className, genome, reason):
            return "cannot render the elite of cell \(cell) (\(className)) of atlas '\(run)': \(reason); "
                + "genome: \(Self.abbreviated(genome)); check that this build knows every primitive in "
                + "the genome (cells finished so far are kept)"
        case let .judgeFailed(run, cells, reason):
            let list = cells.prefix(8).map(String.init).joined(separator: ", ") + (cells.count > 8 ? ", …" : "")
            return "cannot judge the elite\(cells.count == 1 ? "" : "s") of cell\(cells.count == 1 ? "" : "s") "
                + "\(list) of atlas '\(run)': \(reason); check that the atlas's model weights are installed "
                + "(`scripts/setup` fetches them); verdicts finished so far are kept"
        case let .graphvizFailed(tool, reason):
            return "\(tool) failed (\(reason)); reinstall Graphviz with `apt-get install --reinstall graphviz`"
        case let .graphLayoutFailed(run, dotFile, reason):
            return "cannot lay out the similarity graph of atlas '\(run)' (its DOT text is in '\(dotFile)'): "
                + reason
        case let .invalidJudging(value):
            return "--judge '\(value)' is not understood; use --judge all (every elite), --judge none (training "
                + "figures only) or --judge N / --judge \"top N\" (the N cells of highest training confidence)"
        case let .interrupted(run, page, judged, remaining):
            let left = remaining == 0 ? "" : ", \(remaining) genome\(remaining == 1 ? "" : "s") still to judge"
            return "export of '\(run)' interrupted: \(judged) verdict\(judged == 1 ? "" : "s") of this export kept\(left); "
                + "the page \(page) shows what is done; run the same command again to continue"
        }
    }

    /// `genome` on one line, cut to 300 characters.
    private static func abbreviated(_ genome: String) -> String {
        let flat = genome.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= 300 ? flat : String(flat.prefix(300)) + " …"
    }
}
