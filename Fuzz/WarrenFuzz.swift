// libFuzzer targets for the decoders that read what clients and brokers send. One binary, the
// target chosen by WARREN_FUZZ_TARGET: json, envelope, submission or retry. Built and run by
// scripts/fuzz. An input that breaks one of the checks below crashes the target on purpose, so
// libFuzzer keeps it. Compiled in one module with WarrenCore's sources, hence no `import WarrenCore`.
import Foundation

private enum Target: String {
    case json, envelope, submission, retry
}

private let target: Target = {
    let name = ProcessInfo.processInfo.environment["WARREN_FUZZ_TARGET"] ?? ""
    guard let target = Target(rawValue: name) else {
        fatalError("WARREN_FUZZ_TARGET must be json, envelope, submission or retry, not \(name.debugDescription)")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    switch target {
    case .json: json(bytes)
    case .envelope: envelope(bytes)
    case .submission: submission(bytes)
    case .retry: retry(bytes)
    }
    return 0
}

/// Whatever parses is written back as text that parses to the same value and is written the same.
private func json(_ bytes: [UInt8]) {
    guard let value = try? JSONValue(parsing: bytes) else { return }
    let text = value.jsonText
    guard let again = try? JSONValue(parsing: Array(text.utf8)), again == value, again.jsonText == text else {
        fatalError("written JSON does not read back as the same value")
    }
}

/// A body that decodes is encoded as a message that decodes to the same envelope.
private func envelope(_ bytes: [UInt8]) {
    guard let envelope = try? TaskEnvelope(decoding: bytes) else { return }
    guard let again = try? TaskEnvelope(decoding: envelope.encoded()), again == envelope else {
        fatalError("an encoded envelope does not decode to itself")
    }
}

/// A REST body is read as a submission or refused with a reason, never a trap.
private func submission(_ bytes: [UInt8]) {
    guard let document = try? JSONValue(parsing: bytes) else { return }
    do {
        _ = try Submission(document: document)
    } catch let error as WarrenError {
        if error.message.isEmpty { fatalError("a refusal without a reason") }
    } catch {
        fatalError("an error that is not a WarrenError: \(error)")
    }
}

/// A retry policy that reads gives a decision for every attempt, and its JSON reads back as itself.
private func retry(_ bytes: [UInt8]) {
    guard let document = try? JSONValue(parsing: bytes),
        let policy = try? RetryPolicy(json: document, over: .default)
    else { return }
    for attempt in [1, 2, policy.maxRetries, policy.maxRetries + 1] {
        for random in [0, 0.5, 0.999_999] {
            if case .retry(let seconds) = policy.decision(
                afterAttempt: attempt, retryable: true, requestedDelay: nil, random: random),
                !(1...DelayRoute.maximumSeconds).contains(seconds)
            {
                fatalError("a retry after \(seconds) s, outside the delay queues' range")
            }
        }
    }
    guard let again = try? RetryPolicy(json: policy.json, over: .default), again == policy else {
        fatalError("a policy's JSON does not read back as itself")
    }
}
