#pragma once
// Runs a piece of logging code in a forked child whose stderr is a pipe, and returns what it
// wrote: the logger's journal detection looks at the real fd 2, which a test must not touch.
#include <functional>
#include <string>

namespace gw::test {

enum class Journal {
  none,     // JOURNAL_STREAM unset
  matches,  // JOURNAL_STREAM names the pipe that is fd 2
  other,    // JOURNAL_STREAM names another file (inherited from a parent, say)
};

/// Everything `log_something` wrote to stderr in the child.
std::string capture_stderr(Journal journal, const std::function<void()>& log_something);

}  // namespace gw::test
