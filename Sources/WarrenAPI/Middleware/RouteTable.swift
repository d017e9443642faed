import Hummingbird
import Synchronization

/// The paths the router serves and the methods each takes, to answer a method a path does not
/// take with 405 and `Allow` (Hummingbird answers it 404, as for a path it does not know).
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: String)]>([])

    /// Records `router`'s routes, once they are all added.
    func record(_ router: Router<some RequestContext>) {
        let routes = router.routes.map { route in
            (
                segments: "\(route.path)".split(separator: "/", omittingEmptySubsequences: false),
                method: "\(route.method)"
            )
        }
        self.routes.withLock { $0 = routes }
    }

    /// The methods of the template that serves `path`, to answer 405 with when the router found
    /// no route for a request's method: of the templates that match it (`{name}` matching any
    /// segment), the one with the most literal segments, as the router prefers `/v1/tasks/batch`
    /// to `/v1/tasks/{id}`. None when no template matches (a 404).
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { $0.first == "{" || $0 == $1 }
            }
        }
        func literals(_ segments: [Substring]) -> Int { segments.filter { $0.first != "{" }.count }
        guard let best = matching.max(by: { literals($0.segments) < literals($1.segments) }) else { return [] }
        return matching.filter { $0.segments == best.segments }.map(\.method).sorted()
    }
}
