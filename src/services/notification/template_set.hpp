#pragma once
/// The message templates: files `<notification>/<locale>.<part>` (part: subject, txt, html, sms)
/// rendered with ctemplate (decision 0023). Loaded once at start-up from the copies embedded in
/// the binary, overlaid by a configured directory, and validated there: every template parses,
/// uses only the names its notification provides, HTML templates escape automatically, English
/// exists for every part a notification's channels need, and each renders with sample values —
/// otherwise start-up stops naming the file. A missing translation renders in English and is
/// logged.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::notification {

/// What a template is rendered with: values by name, and sections — each a list of value sets
/// (one per line of an order), or one empty set to show a conditional block.
struct TemplateValues {
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<TemplateValues>> sections;

  TemplateValues& Set(std::string name, std::string value) {
    values[std::move(name)] = std::move(value);
    return *this;
  }
  /// Shows the block {{#name}}…{{/name}} once (or not, when `on` is false).
  TemplateValues& Show(const std::string& name, bool on = true) {
    if (on) sections[name].emplace_back();
    return *this;
  }
  TemplateValues& Add(const std::string& name, TemplateValues item) {
    sections[name].push_back(std::move(item));
    return *this;
  }
};

/// One template file, by its path under the templates directory: "order_confirmed/en.subject".
struct TemplateFile {
  std::string path;
  std::string content;
};

/// The templates embedded at build time (templates/ of this module).
std::vector<TemplateFile> EmbeddedTemplates();

/// `EmbeddedTemplates()` with the files under `dir` laid over them (same path → the directory's
/// copy; new paths, e.g. a new language, added). An unreadable directory is an error.
core::Result<std::vector<TemplateFile>> TemplatesWithOverrides(const std::string& dir);

class TemplateSet {
 public:
  /// Parses and validates `files` (see above). The error names the file and the reason.
  static core::Result<std::shared_ptr<const TemplateSet>> Load(
      const std::vector<TemplateFile>& files);
  ~TemplateSet();

  /// Renders `part` of `notification` in `language`, falling back to English (logged once per
  /// missing file) when that language has no such template. kInternal if even English has none or
  /// it does not expand. Thread-safe.
  core::Result<std::string> Render(std::string_view notification, std::string_view language,
                                   std::string_view part, const TemplateValues& values) const;

  /// True when a template for exactly this language exists (no fallback).
  bool Has(std::string_view notification, std::string_view language, std::string_view part) const;
  /// Languages with at least one template, sorted ("de", "en", "es").
  const std::vector<std::string>& languages() const { return languages_; }
  /// Paths of the templates an existing language lacks (they fall back to English).
  const std::vector<std::string>& missing_translations() const { return missing_; }

 private:
  TemplateSet() = default;
  struct Parsed;
  std::map<std::string, std::unique_ptr<Parsed>, std::less<>> templates_;  // by path
  std::vector<std::string> languages_;
  std::vector<std::string> missing_;
};

/// Sample values for `notification` (every name set, every section shown twice), for start-up
/// validation and template previews.
TemplateValues SampleValues(std::string_view notification);

}  // namespace vetahut::notification
