import Foundation

/// Files that web hosts read rather than serve, written into every build: `.htaccess` (Apache), `_headers` and, for a
/// site under a sub-path, `_redirects` (Netlify, Cloudflare Pages), and `.nojekyll` (GitHub Pages publishing from a
/// branch). The output folder is replaced whole on every build, so a file copied into it by hand would not last.
///
/// Each says the same as the nginx and Apache snippets in `deploy/`: assets named after their contents are cached for a
/// year, everything else is revalidated on every use (`no-cache`, with the server's `ETag` and `Last-Modified`), and
/// the precompressed copies (`Precompression`) are sent to browsers that accept them.
struct HostFiles: Sendable {
    /// The path of `base_url`: `/`, or `/briefings/istanbul/` for a site under a sub-path.
    let basePath: String

    init(baseURL: String?) {
        basePath = SitePaths.basePath(of: baseURL)
    }

    static let immutable = "public, max-age=31536000, immutable"
    /// The most rules Cloudflare Pages reads from `_headers`.
    static let ruleLimit = 100
    static let revalidated = "no-cache"

    /// Whether `path` is an asset named after its contents (`assets/style.1a2b3c4d5e.css`): its URL changes when its
    /// bytes do, so hosts may cache it forever. The same pattern as in the nginx snippet and in `.htaccess`.
    /// A variant of an image under `media/`, named after its original's digest: `media/ID.1a2b3c4d5e.640.webp`.
    static func isImageVariant(_ path: String) -> Bool {
        guard path.hasPrefix("media/"), !path.dropFirst(6).contains("/") else { return false }
        let parts = path.dropFirst(6).split(separator: ".")
        guard parts.count == 4, ["webp", "jpg", "avif"].contains(parts[3]) else { return false }
        return parts[1].utf8.count == 10 && parts[1].utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func isFingerprinted(_ path: String) -> Bool {
        let parts = path.split(separator: ".")
        guard parts.count >= 3, ["css", "js"].contains(parts[parts.count - 1]) else { return false }
        let hash = parts[parts.count - 2]
        return hash.utf8.count == 10 && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    // MARK: - Apache

    /// Rules for Apache 2.4, read from the site's folder when the server allows it (`AllowOverride FileInfo Indexes`;
    /// `deploy/apache/` has the server's side).
    func htaccess() -> OutputFile {
        let text = """
        # Apache 2.4: written by `briefing build` for a site at \(basePath) (the path of base_url).
        # Needs mod_mime, mod_dir, mod_alias, mod_rewrite and mod_headers, and for this folder in the server's
        # configuration: AllowOverride FileInfo Indexes, and Options FollowSymLinks (deploy/apache/ has both).

        DirectoryIndex index.html
        ErrorDocument 404 \(basePath)404.html
        # Files for other hosts and briefing's own marker are not part of the site.
        RedirectMatch 404 /(\\.[^/]*|_headers|_redirects)$

        # Types and character set, the same for a compressed copy (index.html.br is text/html, encoded with br).
        AddType text/html .html
        AddType text/css .css
        AddType text/javascript .js
        AddType application/json .json
        AddType application/xml .xml
        AddType text/plain .txt
        AddType image/svg+xml .svg
        AddCharset utf-8 .html .css .js .json .xml .txt .svg
        <FilesMatch "^feed\\.xml(\\.br|\\.gz)?$">
            AddType application/atom+xml .xml
        </FilesMatch>
        # The last extension gives the encoding, not the type: mime.types would make index.html.gz application/gzip.
        RemoveType .br .gz
        AddEncoding br .br
        AddEncoding gzip .gz

        RewriteEngine On
        RewriteBase \(basePath)
        # A folder without a page is missing too (not a listing, not "forbidden").
        RewriteCond %{REQUEST_FILENAME} -d
        RewriteCond %{REQUEST_FILENAME}/index.html !-f
        RewriteRule ^ - [R=404,L]

        # Compressed copies (briefing build --precompress): brotli to browsers that accept it, else gzip, else the file.
        # "br;q=0" refuses brotli: it names the coding only to say no.
        RewriteCond %{HTTP:Accept-Encoding} \\bbr\\b
        RewriteCond %{HTTP:Accept-Encoding} !\\bbr\\s*;\\s*q=0(\\.0*)?\\s*(,|$)
        RewriteCond %{REQUEST_FILENAME}.br -f
        RewriteRule ^(.+)$ $1.br [L]
        RewriteCond %{HTTP:Accept-Encoding} \\bgzip\\b
        RewriteCond %{HTTP:Accept-Encoding} !\\bgzip\\s*;\\s*q=0(\\.0*)?\\s*(,|$)
        RewriteCond %{REQUEST_FILENAME}.gz -f
        RewriteRule ^(.+)$ $1.gz [L]
        <FilesMatch "\\.(html|css|js|json|xml|txt|svg)(\\.br|\\.gz)?$">
            Header merge Vary Accept-Encoding
        </FilesMatch>

        # Assets named after their contents never change; everything else is checked with the server on every use.
        <FilesMatch "\\.(html|css|js|json|xml|txt|svg)(\\.br|\\.gz)?$">
            Header set Cache-Control "\(Self.revalidated)"
        </FilesMatch>
        <FilesMatch "\\.[0-9a-f]{10}\\.(css|js)(\\.br|\\.gz)?$">
            Header set Cache-Control "\(Self.immutable)"
        </FilesMatch>
        # Image variants carry their original's digest in their names (media/ID.1a2b3c4d5e.640.webp): a new photograph gets new names.
        <FilesMatch "\\.[0-9a-f]{10}\\.[a-z0-9-]+\\.(webp|jpg|avif)$">
            Header set Cache-Control "\(Self.immutable)"
        </FilesMatch>

        """
        return OutputFile(path: ".htaccess", contents: Data(text.utf8))
    }

    // MARK: - Netlify and Cloudflare Pages

    /// Headers by path. A header set by two matching rules is joined with a comma by Cloudflare Pages and taken from
    /// one rule by Netlify, so no two rules here match the same file: each fingerprinted asset has its own, and the
    /// rest is covered folder by folder. Both hosts send an `ETag`.
    func headers(paths: [String]) -> OutputFile {
        var immutable: [String] = []
        var revalidatedFolders: Set<String> = []
        var revalidatedFiles: [String] = []
        // media/ holds only image variants, each named after its original's digest: one rule covers them all.
        var hasImageVariants = false
        for path in paths where !Self.isHostFile(path) {
            if Self.isImageVariant(path) {
                hasImageVariants = true
            } else if Self.isFingerprinted(path) {
                immutable.append(path)
            } else if let slash = path.firstIndex(of: "/"), path[..<slash] != "assets" {
                revalidatedFolders.insert(String(path[..<slash]))
            } else {
                revalidatedFiles.append(path)
            }
        }
        var text = "# Netlify and Cloudflare Pages: response headers, written by `briefing build`.\n"
            + "# Assets named after their contents never change; everything else is checked with the host on every use.\n"
        if hasImageVariants {
            text += "/media/*\n  Cache-Control: \(Self.immutable)\n"
        }
        for path in immutable.sorted() {
            text += "/\(path)\n  Cache-Control: \(Self.immutable)\n"
        }
        // Pretty URLs: the host serves `people/x/index.html` at `/people/x/`, and the overview at `/`.
        var revalidated = revalidatedFolders.sorted().map { "/\($0)/*" }
        for path in revalidatedFiles.sorted() {
            revalidated.append("/" + path)
            if path == "index.html" { revalidated.append("/") }
        }
        // Cloudflare Pages reads at most 100 rules. Without theirs, both hosts send `max-age=0, must-revalidate` and an
        // ETag, which comes to the same.
        guard immutable.count + revalidated.count + (hasImageVariants ? 1 : 0) <= Self.ruleLimit else {
            return OutputFile(path: "_headers", contents: Data(text.utf8))
        }
        for rule in revalidated.sorted() {
            text += "\(rule)\n  Cache-Control: \(Self.revalidated)\n"
        }
        return OutputFile(path: "_headers", contents: Data(text.utf8))
    }

    /// For a site under a sub-path: the 404 page's links start at the sub-path, so a host that serves the site at its
    /// root (a preview deploy, a staging address) sends those addresses to the same files. Nil for a site at the root.
    func redirects() -> OutputFile? {
        guard basePath != "/" else { return nil }
        let text = """
        # Netlify and Cloudflare Pages: written by `briefing build`. The site's base_url puts it at \(basePath); where it is
        # served at the root instead, addresses under \(basePath) (the 404 page's links) show the same files.
        \(basePath)*  /:splat  200

        """
        return OutputFile(path: "_redirects", contents: Data(text.utf8))
    }

    // MARK: - GitHub Pages

    /// Publishing from a branch, GitHub Pages runs Jekyll unless this file exists, and Jekyll leaves out every file whose
    /// name starts with `_` or `.`.
    func noJekyll() -> OutputFile {
        OutputFile(path: ".nojekyll", contents: Data())
    }

    /// Every file this type writes, by path.
    func files(paths: [String]) -> [(path: String, make: @Sendable () -> OutputFile)] {
        var files: [(path: String, make: @Sendable () -> OutputFile)] = [
            (".htaccess", { htaccess() }), ("_headers", { headers(paths: paths) }), (".nojekyll", { noJekyll() }),
        ]
        if let redirects = redirects() { files.append(("_redirects", { redirects })) }
        return files
    }

    static func isHostFile(_ path: String) -> Bool {
        [".htaccess", "_headers", "_redirects", ".nojekyll"].contains(path)
    }
}
