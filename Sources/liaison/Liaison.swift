import ArgumentParser

@main
struct Liaison: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liaison",
        abstract: "Care coordination for mental-health teams.",
        subcommands: [Serve.self, Migrate.self, Sweep.self, CreateAdmin.self, Demo.self, Token.self, TwoFactorCommand.self, OutboxCommand.self, Backup.self, Audit.self, BenchDataCommand.self, BenchQueriesCommand.self, BenchSweepCommand.self, BenchOutboxCommand.self, BenchScoringCommand.self],
        defaultSubcommand: Serve.self
    )
}
