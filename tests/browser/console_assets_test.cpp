// The console's embedded page: every file is there with its type, and nothing in it would
// need the Content-Security-Policy loosened or fetch from another host.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "gateway/console/console_assets.hpp"

namespace {

using gw::console::find_asset;

constexpr const char* kPaths[] = {"/index.html", "/console.css", "/console.js", "/favicon.svg"};

std::string body_of(const char* path) {
  const auto* asset = find_asset(path);
  return asset ? std::string(asset->body) : std::string();
}

TEST(ConsoleAssets, EveryAssetIsFoundWithItsContentTypeAndAQuotedEtag) {
  for (const char* path : kPaths) {
    const auto* asset = find_asset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_EQ(asset->path, path);
    EXPECT_FALSE(asset->body.empty()) << path;
    ASSERT_GE(asset->etag.size(), 10u) << path;
    EXPECT_EQ(asset->etag.front(), '"');
    EXPECT_EQ(asset->etag.back(), '"');
  }
  EXPECT_EQ(find_asset("/index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(find_asset("/console.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(find_asset("/console.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(find_asset("/favicon.svg")->content_type, "image/svg+xml");
}

TEST(ConsoleAssets, TheRootServesTheIndexAndUnknownPathsNothing) {
  EXPECT_EQ(find_asset("/"), find_asset("/index.html"));
  EXPECT_EQ(find_asset("/nope.js"), nullptr);
  EXPECT_EQ(find_asset("index.html"), nullptr);
  EXPECT_EQ(find_asset("/../index.html"), nullptr);
  EXPECT_EQ(find_asset(""), nullptr);
}

TEST(ConsoleAssets, EtagsDifferBetweenAssets) {
  EXPECT_NE(find_asset("/console.js")->etag, find_asset("/console.css")->etag);
  EXPECT_NE(find_asset("/index.html")->etag, find_asset("/favicon.svg")->etag);
}

TEST(ConsoleAssets, TheIndexHasNoInlineScriptOrStyle) {
  const std::string html = body_of("/index.html");
  const std::regex script_tag(R"(<script\b[^>]*>)", std::regex::icase);
  int scripts = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), script_tag), end; it != end; ++it) {
    ++scripts;
    EXPECT_NE(it->str().find(" src=\""), std::string::npos) << "inline script: " << it->str();
  }
  EXPECT_EQ(scripts, 1);
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(\sstyle\s*=)", std::regex::icase)));
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
}

TEST(ConsoleAssets, NoMarkupCarriesAnEventHandlerAttribute) {
  const std::regex handler(R"(<[^>]*\son[a-z]+\s*=)", std::regex::icase);
  for (const char* path : {"/index.html", "/favicon.svg"}) {
    EXPECT_FALSE(std::regex_search(body_of(path), handler)) << path;
  }
}

TEST(ConsoleAssets, TheScriptNeverParsesHtmlOrEvaluatesText) {
  const std::string js = body_of("/console.js");
  for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                           "new Function", ".cssText", "setAttribute('style'"}) {
    EXPECT_EQ(js.find(sink), std::string::npos) << sink;
  }
}

TEST(ConsoleAssets, NothingRefersToAnotherHost) {
  // The one absolute URL allowed is the SVG namespace, which is a name, not a fetch.
  const std::regex url(R"(https?://[^\s"'<>)]+)", std::regex::icase);
  for (const char* path : kPaths) {
    const std::string body = body_of(path);
    for (std::sregex_iterator it(body.begin(), body.end(), url), end; it != end; ++it) {
      EXPECT_EQ(it->str(), "http://www.w3.org/2000/svg") << path;
    }
    EXPECT_EQ(body.find("//cdn"), std::string::npos) << path;
    EXPECT_FALSE(std::regex_search(body, std::regex(R"((src|href)\s*=\s*"//)"))) << path;
  }
}

}  // namespace
