import GRDB

/// The SQLite schema as ordered, named, never-edited migrations (`Schema.known`; the
/// PostgreSQL backend keeps the same tables under the same identifiers).
///
/// To change the schema, append a new migration (`v5`, …) here and in the PostgreSQL
/// schema; never edit a registered one, since databases in the field have already run it. A
/// database that lists a migration this build does not know was written by a newer program
/// and is refused, not touched.
enum SQLiteSchema {
    /// The migrator holding every schema version.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4", migrate: v4)
        migrator.registerMigration("v5", migrate: v5)
        migrator.registerMigration("v6", migrate: v6)
        return migrator
    }()

    /// Version 1: runs, generations, individuals and records.
    ///
    /// Scores (fitness, confidence, naturalness and their statistics) are `Float` widened to
    /// `Double` (exact) in columns declared without a type: with REAL affinity SQLite would
    /// store -0.0 as the integer 0 and read back +0.0. NaN is stored as NULL.
    /// Seeds are the `UInt64` bit pattern as a signed 64-bit INTEGER.
    /// Times are UTC text `yyyy-MM-dd HH:mm:ss.SSS` (GRDB's `Date` encoding).
    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE runs (
                id          INTEGER PRIMARY KEY,
                name        TEXT    NOT NULL UNIQUE CHECK (name <> ''),
                target      TEXT    NOT NULL,
                config      TEXT    NOT NULL,
                model       TEXT    NOT NULL,
                seed        INTEGER NOT NULL,
                status      TEXT    NOT NULL
                            CHECK (status IN ('running', 'paused', 'finished', 'interrupted')),
                generations INTEGER NOT NULL DEFAULT 0 CHECK (generations >= 0),
                created_at  TEXT    NOT NULL,
                updated_at  TEXT    NOT NULL
            );

            CREATE TABLE generations (
                run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                idx              INTEGER NOT NULL CHECK (idx >= 0),
                best_fitness,    -- score (no type: keeps -0.0)
                mean_fitness,    -- score (no type: keeps -0.0)
                best_confidence, -- score (no type: keeps -0.0)
                mean_confidence, -- score (no type: keeps -0.0)
                best_naturalness, -- score (no type: keeps -0.0)
                evaluations      INTEGER NOT NULL CHECK (evaluations >= 0),
                elapsed_seconds  REAL    NOT NULL,
                rng_state        TEXT    NOT NULL,
                population_size  INTEGER NOT NULL CHECK (population_size > 0),
                committed_at     TEXT    NOT NULL,
                PRIMARY KEY (run_id, idx)
            );

            CREATE TABLE individuals (
                run_id      INTEGER NOT NULL,
                generation  INTEGER NOT NULL,
                position    INTEGER NOT NULL CHECK (position >= 0),
                genome      TEXT    NOT NULL CHECK (genome <> ''),
                fitness,         -- score (no type: keeps -0.0)
                confidence,      -- score (no type: keeps -0.0)
                naturalness,     -- score (no type: keeps -0.0)
                parent1     INTEGER CHECK (parent1 >= 0),
                parent2     INTEGER CHECK (parent2 IS NULL OR (parent2 >= 0 AND parent1 IS NOT NULL)),
                origin      TEXT,
                PRIMARY KEY (run_id, generation, position),
                FOREIGN KEY (run_id, generation)
                    REFERENCES generations(run_id, idx) ON DELETE CASCADE
            );

            CREATE TABLE records (
                id              INTEGER PRIMARY KEY,
                run_id          INTEGER NOT NULL,
                generation      INTEGER NOT NULL,
                genome          TEXT    NOT NULL CHECK (genome <> ''),
                fitness,         -- score (no type: keeps -0.0)
                confidence,      -- score (no type: keeps -0.0)
                naturalness,     -- score (no type: keeps -0.0)
                evaluations     INTEGER NOT NULL CHECK (evaluations >= 0),
                elapsed_seconds REAL    NOT NULL,
                polished        INTEGER NOT NULL DEFAULT 0 CHECK (polished IN (0, 1)),
                image_path      TEXT,
                created_at      TEXT    NOT NULL,
                FOREIGN KEY (run_id, generation)
                    REFERENCES generations(run_id, idx) ON DELETE CASCADE
            );
            CREATE INDEX records_by_run ON records(run_id, generation);
            """)
    }

    /// Version 2: per-run write leases, so a second writer of a run is refused at once.
    ///
    /// One row per locked run: the holder's random `token` (one per `RunStore`), process id,
    /// host name and process start time (Linux clock ticks since boot, to tell a reused pid;
    /// NULL elsewhere), when the lease was taken and last renewed (GRDB `Date` text, UTC).
    private static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE run_locks (
                run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                token       TEXT    NOT NULL CHECK (token <> ''),
                pid         INTEGER NOT NULL CHECK (pid > 0),
                host        TEXT    NOT NULL,
                started     INTEGER,
                acquired_at TEXT    NOT NULL,
                renewed_at  TEXT    NOT NULL
            );
            """)
    }

    /// Version 3: how each record was measured (the engine's JSON: training, robust and
    /// held-out confidences with their methods), beside the headline confidence.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE records ADD COLUMN measurements TEXT")
    }

    /// Version 4: atlases. A run's `kind` says whether it is one `evolve` run or an `atlas`
    /// (MAP-Elites over many classes); an atlas keeps its batches in `generations` (the
    /// population size is its filled cells, the RNG state its counters) and its archive in
    /// `elites`, one row per cell, replaced only by a better elite (`RunStore.commitBatch`).
    private static func v4(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'evolve' CHECK (kind IN ('evolve', 'atlas'));

            CREATE TABLE elites (
                run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                cell        INTEGER NOT NULL CHECK (cell >= 0),
                genome      TEXT    NOT NULL CHECK (genome <> ''),
                quality,         -- score (no type: keeps -0.0)
                confidence,      -- score (no type: keeps -0.0)
                naturalness,     -- score (no type: keeps -0.0)
                batch       INTEGER NOT NULL CHECK (batch >= 0),
                updated_at  TEXT    NOT NULL,
                PRIMARY KEY (run_id, cell)
            );
            """)
    }

    /// Version 5: many processes on one run. `workers` lists the processes sharing an atlas
    /// (numbered from 1 in the order they joined; `left_at` once they stop), and an atlas's
    /// batch row says which worker committed it and how many cells it improved. `migrants` holds the best individual each island of an
    /// archipelago (`evolve --island K`) sent at a generation, for the other islands to take.
    private static func v5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workers (
                run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                worker      INTEGER NOT NULL CHECK (worker >= 1),
                pid         INTEGER NOT NULL CHECK (pid > 0),
                host        TEXT    NOT NULL,
                started     INTEGER,
                joined_at   TEXT    NOT NULL,
                renewed_at  TEXT    NOT NULL,
                left_at     TEXT,
                PRIMARY KEY (run_id, worker)
            );

            ALTER TABLE generations ADD COLUMN worker INTEGER;
            ALTER TABLE generations ADD COLUMN improved INTEGER CHECK (improved >= 0);

            CREATE TABLE migrants (
                archipelago TEXT    NOT NULL CHECK (archipelago <> ''),
                island      INTEGER NOT NULL CHECK (island >= 1),
                generation  INTEGER NOT NULL CHECK (generation >= 0),
                run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                genome      TEXT    NOT NULL CHECK (genome <> ''),
                fitness,         -- score (no type: keeps -0.0)
                confidence,      -- score (no type: keeps -0.0)
                naturalness,     -- score (no type: keeps -0.0)
                sent_at     TEXT    NOT NULL,
                PRIMARY KEY (archipelago, island, generation)
            );
            """)
    }

    /// Version 6: the pictures a run's formulas sample (`photo@KEY`), stored with the run so
    /// that resuming it never needs the file it came from. `data` is the picture's planar RGB
    /// bytes in base64.
    private static func v6(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE pictures (
                run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                picture_key TEXT    NOT NULL CHECK (length(picture_key) = 6),
                side        INTEGER NOT NULL CHECK (side >= 1),
                data        TEXT    NOT NULL,
                PRIMARY KEY (run_id, picture_key)
            );
            """)
    }
}
