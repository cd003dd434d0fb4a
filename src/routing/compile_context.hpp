#pragma once
// Shared state of one compilation: options, diagnostics, interned keys and tables.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/routing/rule_compiler.hpp"
#include "program.hpp"

namespace gw::routing {

/// Lives for one compile_rules call, on its thread. Borrows `opts`, `out` and `program`.
class CompileContext {
 public:
  CompileContext(const CompileOptions& opts, Diagnostics& out, detail::Program& program);

  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);
  bool failed() const noexcept { return failed_; }
  const CompileOptions& options() const noexcept { return opts_; }
  detail::Program& program() noexcept { return program_; }

  /// The interned index of `written` (keyword, tag, association key); reports an error at `pos`
  /// and returns nullopt when it names nothing. `context` prefixes the message ("in template: ").
  std::optional<std::size_t> key(std::string_view written, SourcePos pos,
                                 std::string_view context = {});
  /// The RegexGroup and slot `pattern` joins for interned key `key`; (-1, -1) if refused.
  std::pair<int, int> regex_slot(std::size_t key, const std::string& pattern);

  /// Interns an already-normalised key.
  std::size_t intern(const std::string& key);

  /// Parses and resolves a template (keys and tables); errors reported at `text.pos`.
  std::optional<TemplateText> template_text(const Text& text, std::string_view field);

 private:
  const CompileOptions& opts_;
  Diagnostics& out_;
  detail::Program& program_;
  std::map<std::string, std::size_t, std::less<>> key_index_;
  bool failed_ = false;
};

}  // namespace gw::routing
