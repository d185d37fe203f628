import Foundation
import HTTPTypes
import Synchronization

/// Who may use the editor: the checks every editor request passes before anything else is looked at.
///
/// Any web page open in the editor's browser can send requests to the preview's port, and a DNS-rebinding page can even
/// name it by a host of its own. So: the `Host` must be a loopback name (or the configured host) with the port the
/// server listens on; every request that changes anything must come from the editor's own pages (`Origin`) and carry
/// the form token, a random value made at each start; and when the server listens beyond loopback, every request must
/// also carry the edit token given on the command line.
final class EditorAccess: Sendable {
    /// The host the server listens on, lower-case.
    let host: String
    /// `--edit-token`: required on every request when set.
    let editToken: String?
    /// Put into every form and checked on every state-changing request; new at each start of the server.
    let formToken: String
    private let listeningPort = Atomic(0)

    static let cookieName = "briefing-edit-token"

    init(host: String, editToken: String?) {
        self.host = host.lowercased()
        self.editToken = editToken
        formToken = (0..<4).map { _ in
            let word = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            return String(repeating: "0", count: 16 - word.count) + word
        }.joined()
    }

    var port: Int {
        get { listeningPort.load(ordering: .acquiring) }
    }

    func listening(on port: Int) {
        listeningPort.store(port, ordering: .releasing)
    }

    enum Refusal: Error, Equatable {
        case host
        case origin
        case formToken
        case editToken
    }

    /// The `Host` field names this server: a loopback name (or the configured host, or any name when the server
    /// listens on every address, where the edit token guards it) and the port it listens on.
    func checkHost(_ authority: String?) throws(Refusal) {
        guard let value = authority?.lowercased(), let (name, port) = Self.split(host: value) else { throw .host }
        let listening = self.port
        guard port == listening || (port == nil && listening == 80) else { throw .host }
        if Self.isLoopbackName(name) { return }
        if editToken != nil, name == host || host == "0.0.0.0" || host == "::" || host == "[::]" { return }
        throw .host
    }

    /// A request that changes anything comes from a page of this server: its `Origin` is this server's, and the
    /// browser does not call it cross-site.
    func checkOrigin(_ headers: HTTPFields, authority: String?) throws(Refusal) {
        guard let origin = headers[.origin]?.lowercased(), let host = authority?.lowercased(), origin == "http://" + host else {
            throw .origin
        }
        if let site = headers[HTTPField.Name("Sec-Fetch-Site")!], site.lowercased() != "same-origin" { throw .origin }
    }

    func checkFormToken(_ token: String?) throws(Refusal) {
        guard let token, Self.equal(token, formToken) else { throw .formToken }
    }

    /// With `--edit-token`, the token is in the request's cookie or its query (`edit_token`); true if it came in the
    /// query, so the answer sets the cookie.
    func checkEditToken(_ headers: HTTPFields, query: FormData) throws(Refusal) -> Bool {
        guard let editToken else { return false }
        if let given = query["edit_token"], Self.equal(given, editToken) { return true }
        let cookies = headers[values: .cookie].flatMap { $0.split(separator: ";") }
        for cookie in cookies {
            let parts = cookie.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == Self.cookieName,
               Self.equal(String(parts[1].trimmingCharacters(in: .whitespaces)), editToken) {
                return false
            }
        }
        throw .editToken
    }

    var editTokenCookie: String? {
        editToken.map { "\(Self.cookieName)=\($0); Path=\(EditorRoutes.root); HttpOnly; SameSite=Strict" }
    }

    // MARK: - Helpers

    static func isLoopbackName(_ name: String) -> Bool {
        name == "localhost" || name == "::1" || name == "[::1]" || (name.hasPrefix("127.") && name.split(separator: ".").count == 4
            && name.split(separator: ".").allSatisfy { $0.allSatisfy(\.isNumber) && !$0.isEmpty && $0.count <= 3 })
    }

    /// `name:port`, `[v6]:port`, or a name alone (port nil).
    static func split(host value: String) -> (String, Int?)? {
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            let name = String(value[...close])
            let rest = value[value.index(after: close)...]
            if rest.isEmpty { return (name, nil) }
            guard rest.first == ":", let port = Int(rest.dropFirst()) else { return nil }
            return (name, port)
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return parts[0].isEmpty ? nil : (String(parts[0]), nil)
        case 2:
            guard !parts[0].isEmpty, let port = Int(parts[1]) else { return nil }
            return (String(parts[0]), port)
        default: return nil
        }
    }

    /// Compares in time that does not depend on where the texts differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
