#include "lib/http/static_site.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "lib/http/problem.hpp"

namespace vetahut::http {
namespace {

namespace fs = std::filesystem;

// Vite puts content-hashed files under /assets/: their bytes never change under a name.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// Everything else (the HTML shells, the service worker, the manifest, icons) is revalidated on
// every use, so a deploy is seen at once; the ETag makes that a 304.
constexpr std::string_view kRevalidate = "no-cache";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("web app: cannot read {}", path.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// FNV-1a 64: the ETag is a fingerprint of the bytes, so it is the same on every replica.
std::string Fingerprint(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}-{:x}", h, bytes.size());
}

bool EndsWith(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

/// 'sha256-…' sources for the inline <script> elements of an HTML page, so its CSP allows exactly
/// those (an app may start its first API request inline, before its code arrives).
std::string InlineScriptHashes(std::string_view html) {
  std::string out;
  std::size_t at = 0;
  while ((at = html.find("<script", at)) != std::string_view::npos) {
    const auto close = html.find('>', at);
    if (close == std::string_view::npos) break;
    const std::string_view tag = html.substr(at, close - at);
    const auto end = html.find("</script>", close);
    if (end == std::string_view::npos) break;
    if (tag.find(" src=") == std::string_view::npos) {
      const std::string_view body = html.substr(close + 1, end - close - 1);
      unsigned char digest[crypto_hash_sha256_BYTES];
      crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(body.data()), body.size());
      char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
      sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
      out += fmt::format(" 'sha256-{}'", b64);
    }
    at = end;
  }
  return out;
}

/// The value of attribute `name` in `tag` ("" if absent).
std::string_view Attribute(std::string_view tag, std::string_view name) {
  const std::string key = fmt::format(" {}=\"", name);
  const auto at = tag.find(key);
  if (at == std::string_view::npos) return {};
  const auto start = at + key.size();
  const auto end = tag.find('"', start);
  return end == std::string_view::npos ? std::string_view() : tag.substr(start, end - start);
}

/// A Link header preloading what an HTML page loads first — its module scripts, module
/// preloads and stylesheets — so a browser starts fetching them when the headers arrive, not
/// after the whole page has (one round trip less on a slow network).
std::string PreloadLinks(std::string_view html) {
  std::vector<std::string> links;
  for (std::size_t at = 0; (at = html.find('<', at)) != std::string_view::npos; ++at) {
    const auto close = html.find('>', at);
    if (close == std::string_view::npos) break;
    const std::string_view tag = html.substr(at, close - at);
    std::string_view url;
    std::string_view kind;
    if (tag.starts_with("<script") && Attribute(tag, "type") == "module") {
      url = Attribute(tag, "src");
      kind = "rel=modulepreload";
    } else if (tag.starts_with("<link") && Attribute(tag, "rel") == "modulepreload") {
      url = Attribute(tag, "href");
      kind = "rel=modulepreload";
    } else if (tag.starts_with("<link") && Attribute(tag, "rel") == "stylesheet") {
      url = Attribute(tag, "href");
      // A preload is used only if its CORS mode matches the element's; else the browser
      // fetches the stylesheet twice. (Module scripts are CORS requests either way.)
      kind = tag.find(" crossorigin") != std::string_view::npos ? "rel=preload; as=style; crossorigin" : "rel=preload; as=style";
    }
    // Only this site's own files, and nothing that could break the header.
    if (!url.starts_with("/") || url.starts_with("//") || url.find_first_of(",;<> \"") != std::string_view::npos) continue;
    links.push_back(fmt::format("<{}>; {}", url, kind));
  }
  std::string out;
  for (const auto& l : links) out += (out.empty() ? "" : ", ") + l;
  return out;
}

std::string ContentSecurityPolicy(std::string_view html) {
  // The apps talk only to this origin; cards go only to its tokenize endpoint.
  return fmt::format("default-src 'self'; script-src 'self'{}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                     "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
                     InlineScriptHashes(html));
}

/// The last segment has a dot: a file was asked for, not an app route.
bool LooksLikeFile(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') != std::string_view::npos;
}

/// Whether an If-None-Match value names `etag` (or is "*"). Weak comparison, as RFC 9110 asks.
bool NoneMatch(std::string_view header, std::string_view etag) {
  auto strip = [](std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (t.starts_with("W/")) t.remove_prefix(2);
    return t;
  };
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view item = strip(header.substr(0, comma));
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (EndsWith(name, ext)) return type;
  }
  return "application/octet-stream";
}

bool AcceptsEncoding(std::string_view header, std::string_view coding) {
  bool star = false;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::string_view name = item.substr(0, item.find(';'));
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    bool zero = false;
    if (const auto q = item.find("q="); q != std::string_view::npos) {
      std::string_view value = item.substr(q + 2);
      zero = value.starts_with("0") && value.find_first_of("123456789") == std::string_view::npos;
    }
    if (EqualsIgnoreCase(name, coding)) return !zero;
    if (name == "*") star = !zero;
  }
  return star;
}

std::unique_ptr<StaticSite> StaticSite::Load(const std::string& root) {
  std::unique_ptr<StaticSite> site(new StaticSite());
  const fs::path base(root);
  if (!fs::is_directory(base)) throw std::runtime_error(fmt::format("web app: {} is not a directory", root));
  std::map<std::string, std::string> variants;  // "/a.js.br" -> its bytes
  std::vector<std::pair<std::string, std::string>> plain;
  for (const auto& entry : fs::recursive_directory_iterator(base)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = "/" + fs::relative(entry.path(), base).generic_string();
    std::string bytes = ReadFile(entry.path());
    if (EndsWith(rel, ".br") || EndsWith(rel, ".gz")) {
      variants.emplace(std::move(rel), std::move(bytes));
    } else {
      plain.emplace_back(std::move(rel), std::move(bytes));
    }
  }
  for (auto& [path, bytes] : plain) {
    StaticFile file;
    file.content_type = std::string(ContentTypeFor(path));
    file.cache_control = std::string(path.starts_with("/assets/") ? kImmutable : kRevalidate);
    file.etag = fmt::format("\"{}\"", Fingerprint(bytes));  // (operator+ trips GCC 12's -Wrestrict at -O3)
    if (auto br = variants.find(path + ".br"); br != variants.end()) file.brotli = FileBody::FromBytes(br->second);
    if (auto gz = variants.find(path + ".gz"); gz != variants.end()) file.gzip = FileBody::FromBytes(gz->second);
    if (file.content_type.starts_with("text/html")) {
      file.csp = ContentSecurityPolicy(bytes);
      file.preload = PreloadLinks(bytes);
    }
    file.identity = FileBody::FromBytes(bytes);
    site->files_.emplace(path, std::move(file));
  }
  return site;
}

std::unique_ptr<StaticSite> StaticSite::NotBuilt(std::string_view how_to_build) {
  std::unique_ptr<StaticSite> site(new StaticSite());
  const std::string page = fmt::format(
      "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>veta_hut</title>"
      "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>veta_hut is running</h1>"
      "<p>The web app is not built. {}</p><p>The API is at <a href=\"/api/v1/stores\">/api/v1/stores</a> "
      "and its contract at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>",
      how_to_build);
  StaticFile file;
  file.content_type = "text/html; charset=utf-8";
  file.cache_control = std::string(kRevalidate);
  file.etag = fmt::format("\"{}\"", Fingerprint(page));
  file.csp = ContentSecurityPolicy(page);
  file.identity = FileBody::FromBytes(page);
  site->files_.emplace("/index.html", std::move(file));
  return site;
}

std::vector<std::string> StaticSite::Paths() const {
  std::vector<std::string> out;
  for (const auto& [path, file] : files_) out.push_back(path);
  return out;
}

const StaticFile* StaticSite::Shell(std::string_view path) const {
  // The deepest folder of the path that has an index.html: /kiosk/order → /kiosk/index.html.
  std::string_view dir = path;
  while (true) {
    const auto slash = dir.rfind('/');
    if (slash == std::string_view::npos) return nullptr;
    dir = dir.substr(0, slash);
    if (auto it = files_.find(std::string(dir) + "/index.html"); it != files_.end()) return &it->second;
    if (dir.empty()) return nullptr;
  }
}

core::Result<Response> StaticSite::Serve(const Request& request) const {
  const std::string_view path = request.path;
  // An API path never gets the app: clients of the API must see its 404.
  if (path == "/api" || path.starts_with("/api/") || path.starts_with("/.well-known/")) {
    return core::Fail(core::Error::NotFound(fmt::format("No route for {}.", path)));
  }
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos ||
      path.find('%') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return core::Fail(core::Error::NotFound(fmt::format("No file {}.", path)));
  }
  const StaticFile* file = nullptr;
  if (auto it = files_.find(path); it != files_.end()) {
    file = &it->second;
  } else if (auto index = files_.find(std::string(path) + (path.ends_with('/') ? "" : "/") + "index.html");
             index != files_.end()) {
    file = &index->second;
  } else if (!LooksLikeFile(path)) {
    file = Shell(path);
  }
  if (file == nullptr) return core::Fail(core::Error::NotFound(fmt::format("No file {}.", path)));

  const std::string_view accept = request.Header("accept-encoding").value_or("");
  Response r;
  std::string etag = file->etag;
  if (file->brotli && AcceptsEncoding(accept, "br")) {
    r.file_body = file->brotli;
    r.SetHeader("Content-Encoding", "br");
    etag.insert(etag.size() - 1, "-br");
  } else if (file->gzip && AcceptsEncoding(accept, "gzip")) {
    r.file_body = file->gzip;
    r.SetHeader("Content-Encoding", "gzip");
    etag.insert(etag.size() - 1, "-gz");
  } else {
    r.file_body = file->identity;
  }
  r.SetHeader("Content-Type", file->content_type);
  r.SetHeader("Cache-Control", file->cache_control);
  r.SetHeader("ETag", etag);
  if (file->brotli || file->gzip) r.SetHeader("Vary", "Accept-Encoding");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  if (!file->preload.empty()) r.SetHeader("Link", file->preload);
  if (!file->csp.empty()) {
    r.SetHeader("Content-Security-Policy", file->csp);
    r.SetHeader("Referrer-Policy", "no-referrer");
  }
  if (auto inm = request.Header("if-none-match"); inm && NoneMatch(*inm, etag)) {
    r.status = 304;
    r.file_body.reset();
    r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                   [](const Header& h) { return EqualsIgnoreCase(h.name, "Content-Encoding"); }),
                    r.headers.end());
  }
  return r;
}

}  // namespace vetahut::http
