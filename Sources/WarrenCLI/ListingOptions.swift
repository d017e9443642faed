import ArgumentParser
import Warren

/// The flags the listing commands share (`warren tasks`, `warren dlq list`): how far back, how
/// many, where to start, and how to print the page.
struct ListingOptions: ParsableArguments {
    @Option(help: "Only those since then: 1h, 7d, or an RFC 3339 time.")
    var since: String?

    @Option(help: "The most to list (at most \(Listing.maximumLimit)).")
    var limit: Int = Listing.defaultLimit

    @Option(help: "Where to start: the cursor the previous page printed.")
    var cursor: String?

    @Flag(help: "Print the page as the REST API answers it.")
    var json = false

    /// `filters` that were given, and these flags, as the listing's query parameters.
    func parameters(_ filters: [(name: String, value: String?)]) -> [(name: String, value: String)] {
        let given = filters + [("since", since), ("cursor", cursor), ("limit", String(limit))]
        return given.compactMap { name, value in value.map { (name: name, value: $0) } }
    }

    /// Prints a page: its REST document with `--json`; otherwise a table, and the cursor of the
    /// next page when there is one.
    func print(_ document: JSONValue, header: [String], rows: [[String]], next: String?) {
        if json {
            Swift.print(document.jsonText)
            return
        }
        printTable(header, rows)
        if let next { Swift.print("more: --cursor \(next)") }
    }
}
