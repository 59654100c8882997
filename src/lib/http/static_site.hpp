#pragma once
/// The built web apps (web/dist) served from memory: hashed assets cached for a year, the HTML
/// shells never cached, precompressed .br/.gz siblings chosen by Accept-Encoding, strong ETags,
/// and the app shell for unknown app paths — never for API paths, which stay problem+json 404s.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

/// One file of the site with its precompressed variants.
struct StaticFile {
  std::string content_type;
  std::string cache_control;
  std::string etag;  ///< strong, quoted; the encoded variants append -br / -gz
  std::string csp;   ///< HTML only: Content-Security-Policy, allowing its own inline scripts by hash
  std::string preload;  ///< HTML only: a Link header preloading its scripts and stylesheets
  std::shared_ptr<const FileBody> identity;
  std::shared_ptr<const FileBody> brotli;  ///< from NAME.br, if the build made one
  std::shared_ptr<const FileBody> gzip;    ///< from NAME.gz, if the build made one
};

/// A directory of built web apps, loaded once at start-up. Thread-safe after construction.
class StaticSite {
 public:
  /// Reads every file under `root` (NAME.br and NAME.gz become NAME's variants). Throws
  /// std::runtime_error naming the file that cannot be read.
  static std::unique_ptr<StaticSite> Load(const std::string& root);
  /// A site of one page saying the web app is not built and how to build it (no directory).
  static std::unique_ptr<StaticSite> NotBuilt(std::string_view how_to_build);

  /// Answers a GET/HEAD the router has no route for: a file, an app's shell (index.html of the
  /// deepest app folder holding one, e.g. /kiosk/… → kiosk/index.html) for a path without a file
  /// extension, 304 for a matching If-None-Match, 404 problem+json for /api/… and missing files.
  core::Result<Response> Serve(const Request& request) const;

  /// Paths of the loaded files ("/index.html", "/assets/app-1a2b.js", …).
  std::vector<std::string> Paths() const;

 private:
  StaticSite() = default;
  const StaticFile* Shell(std::string_view path) const;
  std::map<std::string, StaticFile, std::less<>> files_;
};

/// The Content-Type for a file name by its extension (application/octet-stream if unknown).
std::string_view ContentTypeFor(std::string_view file_name);

/// Whether `accept_encoding` (an Accept-Encoding value) accepts `coding` ("br", "gzip"): named
/// with a q-value above zero, or covered by "*".
bool AcceptsEncoding(std::string_view accept_encoding, std::string_view coding);

}  // namespace vetahut::http
