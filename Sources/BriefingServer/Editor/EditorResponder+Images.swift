import BriefingKit
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The editor's images: uploading a new one, and the pictures its lists and forms show.
extension EditorResponder {
    /// An upload holds one image as large as the build accepts, and the form's few other fields.
    var uploadLimit: Int { session.options.images.settings.sizeLimit + 64 * 1024 }

    /// **New image**: the file checked by its first bytes and size, as `briefing new image` checks it, written into `media/`
    /// with a sidecar of placeholders (never over an existing image), then its form.
    func upload(_ body: ByteBuffer, contentType: String?) -> Response {
        guard let form = MultipartForm(body.readableBytesView, contentType: contentType) else {
            return EditorPages.html(EditorPages.uploadPage(token: access.formToken, problem: "The upload did not arrive as a form with a file: "
                + "choose the file and send the form again.", id: ""), status: .badRequest, method: .post)
        }
        do {
            try access.checkFormToken(form["token"])
        } catch {
            return EditorPages.refusal(.forbidden, "403 Forbidden: the form's token is missing or from an earlier run of the server\n", method: .post)
        }
        let requestedID = (form["id"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let file = form.file("file"), !(file.fileName ?? "").isEmpty || !file.bytes.isEmpty else {
            return EditorPages.html(EditorPages.uploadPage(token: access.formToken, problem: "Choose an image file first.", id: requestedID),
                                    status: .unprocessableContent, method: .post)
        }
        // Only the name's last component: a browser sends the name alone, but nothing here may depend on that.
        let fileName = ((file.fileName ?? "") as NSString).lastPathComponent
        let planned: NewImage.Planned
        do {
            planned = try NewImage.plan(head: file.bytes.prefix(64), size: file.bytes.count, fileName: fileName, id: requestedID,
                                        shownName: fileName.isEmpty ? "the file" : fileName, settings: session.options.images.settings)
        } catch {
            return EditorPages.html(EditorPages.uploadPage(token: access.formToken, problem: error.description, id: requestedID),
                                    status: .unprocessableContent, method: .post)
        }
        do {
            _ = try NewImage.write(planned, bytes: file.bytes, writer: writer)
        } catch {
            return EditorPages.html(EditorPages.uploadPage(token: access.formToken, problem: error.description, id: requestedID),
                                    status: .conflict, method: .post)
        }
        return EditorPages.redirect(EditorRoutes.form(.image(id: planned.id)) + "?created=1")
    }

    /// `picture/ID`: a small processed variant when the last good build has one, else the original; `picture/ID/original`:
    /// the original. Served with the media type of what the bytes are (JPEG, PNG or WebP, checked by the build's rules).
    func picture(_ words: [String], method: HTTPRequest.Method) -> Response {
        guard words.count == 2 || (words.count == 3 && words[2] == "original"), EditedFile(kind: "image", id: words[1]) != nil else {
            return EditorPages.notFound(method: method)
        }
        let id = words[1]
        if words.count == 2, let thumbnail = session.thumbnail(of: id), let data = FileManager.default.contents(atPath: thumbnail.path) {
            return EditorPages.picture(Array(data), type: thumbnail.mediaType, method: method)
        }
        guard let original = writer.imageFile(id: id), let data = FileManager.default.contents(atPath: original.path) else {
            return EditorPages.notFound(method: method)
        }
        return EditorPages.picture(Array(data), type: original.format.mediaType, method: method)
    }
}
