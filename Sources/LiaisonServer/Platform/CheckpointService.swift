import LiaisonData
import ServiceLifecycle

/// Keeps a SQLite file's write-ahead log short while the server runs, beside the writer rather
/// than inside its commits (`LiaisonDatabase.checkpointContinuously`). Database upkeep, not a
/// background job: it runs whatever `LIAISON_BACKGROUND_JOBS` says.
struct CheckpointService: Service {
    let database: LiaisonDatabase
    var interval: Duration = .milliseconds(250)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await database.checkpointContinuously(every: interval)
        }
    }
}
