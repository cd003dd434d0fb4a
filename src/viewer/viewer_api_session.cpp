#include "gateway/viewer/viewer_api_session.hpp"

#include <functional>
#include <optional>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "gateway/viewer/https_viewer_client.hpp"

namespace gw::viewer {

struct ViewerApiSession::Impl {
  ViewerClientSettings settings;
  std::chrono::milliseconds call_deadline;
  boost::asio::io_context io{1};
  std::shared_ptr<HttpsViewerClient> client;

  ~Impl() {
    // Let the client answer whatever a timed-out call left behind before the loop goes.
    if (client) client->shutdown();
    client.reset();
    io.restart();
    io.poll();
  }

  boost::system::error_code connect() {
    auto made = HttpsViewerClient::create(io.get_executor(), settings);
    if (!made) return made.error();
    client = std::move(*made);
    return {};
  }

  // Starts a call with a handler that stores its outcome, then runs the loop until the outcome
  // arrives or the deadline passes. Past the deadline the client is shut down (which answers
  // the call "shut down"), drained and replaced.
  template <class Outcome>
  Outcome run(const std::function<void(std::function<void(Outcome)>)>& start) {
    // Shared with the handler: an answer that comes after we gave up must land somewhere.
    auto answer = std::make_shared<std::optional<Outcome>>();
    std::optional<Outcome>& outcome = *answer;
    io.restart();
    start([answer](Outcome o) { *answer = std::move(o); });
    const auto deadline = std::chrono::steady_clock::now() + call_deadline;
    while (!outcome && std::chrono::steady_clock::now() < deadline) {
      if (io.run_one_until(deadline) == 0 && io.stopped()) break;  // no work left: never answered
    }
    if (outcome) return std::move(*outcome);

    client->shutdown();
    io.restart();
    // The shutdown answers at once; the bound only guards against a bug hanging the command.
    const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!outcome && std::chrono::steady_clock::now() < drain_deadline) {
      if (io.run_one_until(drain_deadline) == 0 && io.stopped()) break;
    }
    // A session that cannot rebuild its client answers every later call "unavailable".
    if (connect()) client.reset();
    Outcome late;
    late.failure.kind = FailureKind::transient;
    late.failure.error = "no answer within the call deadline of " +
                         std::to_string(call_deadline.count()) + " ms";
    return late;
  }

  template <class Outcome>
  Outcome unavailable() {
    Outcome outcome;
    outcome.failure.kind = FailureKind::transient;
    outcome.failure.error = "the viewer client could not be rebuilt after a timed-out call";
    return outcome;
  }
};

boost::system::result<ViewerApiSession> ViewerApiSession::create(
    ViewerClientSettings settings, std::chrono::milliseconds call_deadline) {
  auto impl = std::make_unique<Impl>();
  impl->settings = std::move(settings);
  impl->call_deadline = call_deadline;
  if (auto ec = impl->connect()) return ec;
  return ViewerApiSession(std::move(impl));
}

ViewerApiSession::ViewerApiSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ViewerApiSession::ViewerApiSession(ViewerApiSession&&) noexcept = default;
ViewerApiSession& ViewerApiSession::operator=(ViewerApiSession&&) noexcept = default;
ViewerApiSession::~ViewerApiSession() = default;

ListCustomersOutcome ViewerApiSession::list_customers() {
  if (!impl_->client) return impl_->unavailable<ListCustomersOutcome>();
  return impl_->run<ListCustomersOutcome>(
      [this](auto done) { impl_->client->list_customers(std::move(done)); });
}

GetStudyOutcome ViewerApiSession::get_study(const std::string& study_id) {
  if (!impl_->client) return impl_->unavailable<GetStudyOutcome>();
  return impl_->run<GetStudyOutcome>(
      [&](auto done) { impl_->client->get_study(study_id, std::move(done)); });
}

FindStudyOutcome ViewerApiSession::find_study(const std::string& study_instance_uid) {
  if (!impl_->client) return impl_->unavailable<FindStudyOutcome>();
  return impl_->run<FindStudyOutcome>(
      [&](auto done) { impl_->client->find_study(study_instance_uid, std::move(done)); });
}

GetUserOutcome ViewerApiSession::get_user(const std::string& user_id) {
  if (!impl_->client) return impl_->unavailable<GetUserOutcome>();
  return impl_->run<GetUserOutcome>(
      [&](auto done) { impl_->client->get_user(user_id, std::move(done)); });
}

}  // namespace gw::viewer
