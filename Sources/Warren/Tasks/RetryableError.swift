/// An error worth another attempt: under a policy that retries only such errors (the default),
/// a task's error is retried when it conforms.
///
/// ```swift
/// struct PaymentGatewayBusy: RetryableError {}
/// ```
public protocol RetryableError: Error {}
