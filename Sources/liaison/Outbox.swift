import ArgumentParser
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonServer

/// `liaison outbox …`: what waits to be emailed, delivering it now, retrying what was set aside.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Emails waiting, delivered and set aside.", subcommands: [List.self, Deliver.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the emails still waiting (with their text: before SMTP is set up, this is how an operator reads an invitation link), and those set aside.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: configuration.logLevel)
            try await withDatabase(configuration, logger: logger) { database in
                let db = database.reader()
                let counts = try await OutboxQueries.counts(on: db)
                print("\(counts.waiting) waiting, \(counts.delivered) delivered, \(counts.setAside) set aside.")
                for message in try await OutboxQueries.waiting(on: db) {
                    print("\n--- waiting \(message.id!.uuidString.lowercased()), queued \(message.createdAt), tries \(message.attempts)")
                    print("To: \(message.recipient)\nSubject: \(message.subject)\n\n\(message.body)")
                }
                for message in try await OutboxQueries.setAside(on: db) {
                    print("\n--- set aside \(message.id!.uuidString.lowercased()) after \(message.attempts) tries: \(message.lastError ?? "")")
                    print("To: \(message.recipient)\nSubject: \(message.subject)")
                }
            }
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver every email (through LIAISON_SMTP_URL) and webhook call due now, as the server does every few seconds. Safe while servers run.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: configuration.logLevel)
            if configuration.smtp == nil {
                print("LIAISON_SMTP_URL is not set (for example smtp://user:password@mail.example.org:587): emails stay in the outbox.")
            }
            let outcomes = try await withDatabase(configuration, logger: logger) { database in
                var outcomes: [(OutboxChannel, OutboxDelivery.Outcome)] = []
                for delivery in OutboxDelivery.configured(AppDependencies(configuration: configuration, database: database, logger: logger)) {
                    outcomes.append((delivery.channel, try await delivery.drain()))
                }
                return outcomes
            }
            for (channel, outcome) in outcomes {
                print("\(channel.rawValue): delivered \(outcome.delivered); \(outcome.retrying) to try again later; \(outcome.setAside) set aside.")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue an email that was set aside again, due now.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The message's id (from `outbox list`).") var id: String

        func run() async throws {
            guard let id = UUID(uuidString: id) else { throw ValidationError("\"\(self.id)\" is not a message id.") }
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: configuration.logLevel)
            let queued = try await withDatabase(configuration, logger: logger) { database in
                try await database.write { db in try await OutboxQueries.retry(id, at: Date(), on: db) }
            }
            guard queued else { throw ValidationError("No email set aside has the id \(id.uuidString.lowercased()).") }
            print("Queued again.")
        }
    }
}
