// The log's lines as journald and log shippers read them: the sd-daemon(3) priority prefix
// exactly when stderr is the journal, and never a key twice.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <sstream>

#include "gateway/log/log.hpp"
#include "stderr_capture.hpp"

namespace gw::test {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void one_of_each_level() {
  log::set_level(log::Level::debug);
  log::debug("d");
  log::info("i");
  log::warning("w");
  log::error("e");
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

TEST(JournalPrefix, EachLineCarriesItsPriorityWhenStderrIsTheJournal) {
  const auto got = lines(capture_stderr(Journal::matches, one_of_each_level));
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "<7>level=debug event=d");
  EXPECT_EQ(got[1], "<6>level=info event=i");
  EXPECT_EQ(got[2], "<4>level=warning event=w");
  EXPECT_EQ(got[3], "<3>level=error event=e");
}

TEST(JournalPrefix, JsonLinesGetThePrefixBeforeTheObject) {
  const auto got = lines(capture_stderr(Journal::matches, [] {
    log::set_format(log::Format::json);
    log::error("e").kv("k", "v");
  }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], R"(<3>{"level":"error","event":"e","k":"v"})");
}

TEST(JournalPrefix, NoPrefixWithoutJournalStream) {
  EXPECT_EQ(capture_stderr(Journal::none, [] { log::error("e"); }), "level=error event=e\n");
}

TEST(JournalPrefix, NoPrefixWhenJournalStreamNamesAnotherFile) {
  // A child started from the service inherits JOURNAL_STREAM but may write to a pipe.
  EXPECT_EQ(capture_stderr(Journal::other, [] { log::info("i"); }), "level=info event=i\n");
}

TEST(JournalStream, MatchesOnlyTheDeviceAndInodeOfTheDescriptor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  struct stat st {};
  ::fstat(fds[1], &st);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  EXPECT_TRUE(log::is_journal_stream(fds[1], mine.c_str()));
  EXPECT_FALSE(log::is_journal_stream(fds[1], (std::to_string(st.st_dev) + ":" +
                                               std::to_string(st.st_ino + 1)).c_str()));
  for (const char* bad : {"", ":", "12", "12:", ":34", "a:b", "12:34x", "12 34"}) {
    EXPECT_FALSE(log::is_journal_stream(fds[1], bad)) << bad;
  }
  EXPECT_FALSE(log::is_journal_stream(fds[1], nullptr));
  EXPECT_FALSE(log::is_journal_stream(-1, mine.c_str()));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(JournalStream, PrioritiesAreThoseOfSdDaemon) {
  EXPECT_EQ(log::syslog_priority(log::Level::debug), 7);
  EXPECT_EQ(log::syslog_priority(log::Level::info), 6);
  EXPECT_EQ(log::syslog_priority(log::Level::warning), 4);
  EXPECT_EQ(log::syslog_priority(log::Level::error), 3);
}

TEST(RepeatedKeys, AJsonLineNeverRepeatsAKeyAndTheFirstValueStands) {
  const std::string out = capture_stderr(Journal::none, [] {
    log::set_format(log::Format::json);
    log::warning("w").kv("a", 1).kv("b", "x").kv("a", 2).kv("event", "other").kv("level", "info")
        .kv("b", 3.5).kv("c", true);
  });
  EXPECT_EQ(out, "{\"level\":\"warning\",\"event\":\"w\",\"a\":1,\"b\":\"x\",\"c\":\"true\"}\n");
  const boost::json::object line = boost::json::parse(out).as_object();
  EXPECT_EQ(line.size(), 5u);
  for (const char* key : {"\"level\"", "\"event\"", "\"a\"", "\"b\""}) EXPECT_EQ(count(out, key), 1u) << key;
}

TEST(RepeatedKeys, ATextLineNeverRepeatsAKeyEither) {
  const std::string out = capture_stderr(Journal::none, [] {
    log::info("i").kv("level", "debug").kv("k", "1").kv("k", std::uint64_t{2});
  });
  EXPECT_EQ(out, "level=info event=i k=1\n");
}

}  // namespace
}  // namespace gw::test
