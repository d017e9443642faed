public import WarrenCore
import WarrenSMTP

extension TaskRegistry {
    /// The tasks the `warren` executable ships: `send_email`, `generate_report`, `noop` and `sleep`.
    /// - Throws: ``WarrenError`` `invalidConfiguration` when `WARREN_SMTP_URL` is not a valid URL.
    public static func builtin(configuration: WarrenCore.Configuration) throws -> TaskRegistry {
        var registry = TaskRegistry()
        if let url = configuration.smtpURL {
            do {
                registry.register(SendEmail(delivery: .smtp(try SMTPEndpoint(url: url))))
            } catch {
                throw WarrenError(.invalidConfiguration, "WARREN_SMTP_URL: \(error)")
            }
        } else {
            registry.register(SendEmail(delivery: .mailDrop(directory: configuration.mailDirectory)))
        }
        registry.register(GenerateReport())
        registry.register(Noop())
        registry.register(Sleep())
        return registry
    }
}
