import Foundation
import Warren
import WarrenCore

/// `/docs`: the OpenAPI document as one readable HTML page, made by Warren from the document
/// itself (no script, no stylesheet or font from elsewhere): each operation with its role,
/// parameters, body and answers, then the schemas they name.
enum APIReference {
    /// The page for `document`, an OpenAPI 3.1 document.
    static func html(_ document: JSONValue) -> String {
        var page = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(document["info"]?["title"]?.stringValue ?? "API")) API reference</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>\(escape(document["info"]?["title"]?.stringValue ?? "API")) API reference</h1>
            \(paragraphs(document["info"]?["description"]?.stringValue))
            <p>The same as OpenAPI 3.1: <a href="/openapi.json">/openapi.json</a>.</p>
            </header>
            <nav aria-label="Operations"><ul>

            """
        let operations = Self.operations(document)
        for operation in operations {
            page += "<li><a href=\"#\(escape(operation.id))\"><span class=\"method\">\(operation.method)</span> "
            page += "<code>\(escape(operation.path))</code></a> \(escape(operation.summary))</li>\n"
        }
        page += "</ul></nav>\n<main>\n"
        for operation in operations { page += article(operation) }
        page += "<section aria-labelledby=\"schemas\"><h2 id=\"schemas\">Schemas</h2>\n"
        if case .object(let schemas) = document["components"]?["schemas"] ?? .null {
            for (name, schema) in schemas.sorted(by: { $0.key < $1.key }) {
                page += "<h3 id=\"schema-\(escape(name))\">\(escape(name))</h3>\n"
                page += paragraphs(schema["description"]?.stringValue)
                page += "<pre>\(linked(schema.prettyText))</pre>\n"
            }
        }
        page += "</section>\n</main>\n</body>\n</html>\n"
        return page
    }

    private struct Operation {
        var id: String
        var method: String
        var path: String
        var summary: String
        var fields: JSONValue
        /// The path's and the operation's, with each `$ref` replaced by the parameter it names.
        var parameters: [JSONValue]
    }

    private static func operations(_ document: JSONValue) -> [Operation] {
        guard case .object(let paths) = document["paths"] ?? .null else { return [] }
        func resolved(_ parameter: JSONValue) -> JSONValue {
            guard let reference = parameter["$ref"]?.stringValue,
                reference.hasPrefix("#/components/parameters/"),
                let named = document["components"]?["parameters"]?[String(reference.split(separator: "/").last ?? "")]
            else { return parameter }
            return named
        }
        var operations: [Operation] = []
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let fields = item[method] else { continue }
                let parameters = (item["parameters"]?.arrayValue ?? []) + (fields["parameters"]?.arrayValue ?? [])
                operations.append(
                    Operation(
                        id: fields["operationId"]?.stringValue ?? "\(method)-\(path)", method: method.uppercased(),
                        path: path, summary: fields["summary"]?.stringValue ?? "", fields: fields,
                        parameters: parameters.map(resolved)))
            }
        }
        return operations
    }

    private static func article(_ operation: Operation) -> String {
        var html = "<article id=\"\(escape(operation.id))\">\n"
        html += "<h2><span class=\"method\">\(operation.method)</span> <code>\(escape(operation.path))</code></h2>\n"
        html += "<p class=\"summary\">\(escape(operation.summary))</p>\n"
        html += paragraphs(operation.fields["description"]?.stringValue)
        let parameters = operation.parameters
        if !parameters.isEmpty {
            html += "<h3>Parameters</h3>\n<table><thead><tr><th scope=\"col\">name</th><th scope=\"col\">in</th>"
            html += "<th scope=\"col\">schema</th><th scope=\"col\">meaning</th></tr></thead><tbody>\n"
            for parameter in parameters {
                let required = parameter["required"] == .bool(true) ? " (required)" : ""
                html += "<tr><td><code>\(escape(parameter["name"]?.stringValue ?? ""))</code>\(required)</td>"
                html += "<td>\(escape(parameter["in"]?.stringValue ?? ""))</td>"
                html += "<td><code>\(linked(parameter["schema"]?.jsonText ?? ""))</code></td>"
                html += "<td>\(escape(parameter["description"]?.stringValue ?? ""))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if let body = operation.fields["requestBody"] {
            html += "<h3>Body</h3>\n" + paragraphs(body["description"]?.stringValue)
            html += content(body["content"])
        }
        if case .object(let responses) = operation.fields["responses"] ?? .null {
            html += "<h3>Answers</h3>\n<dl>\n"
            for (status, response) in responses.sorted(by: { $0.key < $1.key }) {
                html += "<dt>\(escape(status))</dt><dd>\(escape(response["description"]?.stringValue ?? ""))"
                if let reference = response["$ref"]?.stringValue { html += " " + linked("\"\(reference)\"") }
                html += content(response["content"]) + "</dd>\n"
            }
            html += "</dl>\n"
        }
        return html + "</article>\n"
    }

    /// Each media type of a `content` member, with its schema.
    private static func content(_ content: JSONValue?) -> String {
        guard case .object(let types) = content ?? .null else { return "" }
        return types.sorted(by: { $0.key < $1.key }).map { type, media in
            "<p><code>\(escape(type))</code></p>"
                + (media["schema"].map { "<pre>\(linked($0.prettyText))</pre>" } ?? "")
        }.joined(separator: "\n")
    }

    /// `text`, escaped, with each `"#/components/…/Name"` a link to that schema.
    private static func linked(_ text: String) -> String {
        var html = escape(text)
        for prefix in ["#/components/schemas/", "#/components/responses/"] {
            let quoted = "&quot;" + prefix
            var searchStart = html.startIndex
            while let range = html.range(of: quoted, range: searchStart..<html.endIndex) {
                guard let end = html.range(of: "&quot;", range: range.upperBound..<html.endIndex) else { break }
                let name = String(html[range.upperBound..<end.lowerBound])
                let anchor = prefix.hasSuffix("schemas/") ? "#schema-\(name)" : "#"
                let link = "<a href=\"\(anchor)\">&quot;\(prefix)\(name)&quot;</a>"
                html.replaceSubrange(range.lowerBound..<end.upperBound, with: link)
                searchStart = html.index(range.lowerBound, offsetBy: link.count)
            }
        }
        return html
    }

    private static func paragraphs(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        return text.components(separatedBy: "\n\n").map { "<p>\(escape($0))</p>\n" }.joined()
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Dark text on light backgrounds, above WCAG AA contrast; system fonts only.
    private static let style = """
        body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:72rem;\
        padding:1rem 2rem}
        a{color:#0b4f9c}code,pre{font-family:ui-monospace,monospace;font-size:.9em}
        pre{background:#f4f4f4;padding:.75rem;overflow-x:auto;border-radius:4px}
        .method{display:inline-block;min-width:4.5em;font-weight:700;color:#fff;background:#2d4a6b;\
        border-radius:3px;padding:0 .4em;text-align:center}
        article{border-top:1px solid #ccc;padding-top:1rem;margin-top:2rem}
        nav ul{list-style:none;padding:0}nav li{margin:.2rem 0}
        table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;\
        vertical-align:top}
        dt{font-weight:700;margin-top:.5rem}.summary{font-weight:600}
        """
}
