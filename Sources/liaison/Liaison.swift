import ArgumentParser
import NIOCore
import NIOPosix

@main
struct Liaison: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liaison",
        abstract: "Care coordination for mental-health teams.",
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self, Demo.self, Token.self, Backup.self, Audit.self, BenchDataCommand.self, BenchQueriesCommand.self, BenchSweepCommand.self],
        defaultSubcommand: Serve.self
    )

    static func main() async {
        // Swift concurrency's tasks run on the same threads as the server's I/O and the database
        // driver's futures, saving a thread switch at nearly every `await` of a request.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
