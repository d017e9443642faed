import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A separate host on this machine: a network namespace joined to this one by a veth pair, whose
/// link can be cut. The servers listen on loopback only, so proxies on this side of the link
/// (at ``gateway``) carry its connections to them.
struct NamespaceHost {
    let name = "warren-faults"
    /// This side's end of the link and its address, as the namespace sees it.
    let link = "wf-gateway"
    let gateway = "10.231.0.1"

    /// Makes the namespace, replacing one a crashed run left behind; nil when that is not
    /// possible here (not root, or no `ip`).
    static func create() async -> NamespaceHost? {
        let host = NamespaceHost()
        await shell(["ip", "netns", "delete", host.name])
        let steps = [
            ["ip", "netns", "add", host.name],
            ["ip", "link", "add", host.link, "type", "veth", "peer", "name", "wf-host", "netns", host.name],
            ["ip", "address", "add", "\(host.gateway)/30", "dev", host.link],
            ["ip", "link", "set", host.link, "up"],
            ["ip", "-n", host.name, "address", "add", "10.231.0.2/30", "dev", "wf-host"],
            ["ip", "-n", host.name, "link", "set", "wf-host", "up"],
            ["ip", "-n", host.name, "link", "set", "lo", "up"],
        ]
        for step in steps where await shell(step) != 0 {
            await host.remove()
            return nil
        }
        return host
    }

    /// Cuts the link: packets are dropped silently, as when a cable is pulled.
    func cut() async { await shell(["ip", "link", "set", link, "down"]) }

    func restore() async { await shell(["ip", "link", "set", link, "up"]) }

    /// Removes the namespace, and with it both ends of the link.
    func remove() async { await shell(["ip", "netns", "delete", name]) }
}
