@testable import BriefingServer
import Testing

/// What the fuzz targets (Sources/Fuzz*, `make fuzz`) found in the preview server.
@Suite struct ServerFuzzRegressionTests {
    /// FuzzRequestPath: a raw (not percent-encoded) non-ASCII target under the length limit was accepted, but its
    /// re-encoded form, which a redirect to the folder sends, is three times longer and was refused as too long.
    @Test func pathWhoseEncodedFormIsTooLongIsRefused() {
        let target = "/" + String(repeating: "é", count: 700)
        #expect(target.utf8.count <= RequestPath.maximumLength)
        #expect(RequestPath.parse(target) == .failure(.malformed("request path too long")))
        let fits = "/" + String(repeating: "é", count: 300)
        #expect((try? RequestPath.parse(fits).get())?.segments == [String(repeating: "é", count: 300)])
    }
}
