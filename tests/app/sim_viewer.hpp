#pragma once
// The simulation's viewer: an API that ignores Idempotency-Key (as the vendor documents no
// idempotency), holds every request until the simulation decides its fate, and counts how
// many times it created each study. Single-threaded: used on the simulation's io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "gateway/viewer/viewer_client.hpp"

namespace gw::app::sim {

class SimViewer : public viewer::ViewerClient {
 public:
  /// A request on the wire: a create (body = the StudyInstanceUID) or a by-uid lookup.
  struct Request {
    bool create = true;
    std::string uid;
    CreateHandler on_create;
    FindHandler on_find;
  };

  SimViewer(boost::asio::io_context& io, std::mt19937_64& rng) : io_(&io), rng_(rng) {}
  void rebind(boost::asio::io_context& io) { io_ = &io; }

  // The viewer's truth.
  std::map<std::string, int> creates;  // studies created, per StudyInstanceUID
  std::vector<Request> on_the_wire;

  void create_study(std::string body, std::string, CreateHandler handler) override {
    on_the_wire.push_back({true, std::move(body), std::move(handler), {}});
  }
  void find_study(std::string uid, FindHandler handler) override {
    on_the_wire.push_back({false, std::move(uid), {}, std::move(handler)});
  }
  void get_study(std::string, GetHandler handler) override {
    boost::asio::post(*io_, [handler] { handler({}); });
  }
  void get_user(std::string, UserHandler handler) override {
    boost::asio::post(*io_, [handler] { handler({}); });
  }
  void list_customers(CustomersHandler handler) override {
    boost::asio::post(*io_, [handler] { handler({}); });
  }
  boost::system::error_code set_api_key(std::string) override { return {}; }
  void after_started(std::function<void()> then) override { boost::asio::post(*io_, then); }

  /// A stop cancels every request; a create may have reached the viewer before it did.
  void shutdown() override {
    auto requests = std::move(on_the_wire);
    on_the_wire.clear();
    for (auto& r : requests) {
      viewer::CreateOutcome cancelled;
      cancelled.error = "shut down";
      if (r.create) {
        cancelled.maybe_created = true;
        if (coin(0.5)) ++creates[r.uid];
        boost::asio::post(*io_, [h = r.on_create, cancelled] { h(cancelled); });
      } else {
        viewer::FindStudyOutcome failed;
        failed.failure.error = "shut down";
        boost::asio::post(*io_, [h = r.on_find, failed] { h(failed); });
      }
    }
  }

  /// A crash: every request is dropped unanswered; each create may have reached the viewer.
  void crash() {
    for (const auto& r : on_the_wire) {
      if (r.create && coin(0.5)) ++creates[r.uid];
    }
    on_the_wire.clear();
  }

  /// Answers the request at `index`. `healthy`: as a working API would; otherwise a fate is
  /// drawn: created, refused (503), created but the answer lost (timeout), lost before it
  /// arrived (timeout), or rejected (400).
  void answer(std::size_t index, bool healthy) {
    Request r = std::move(on_the_wire[index]);
    on_the_wire.erase(on_the_wire.begin() + static_cast<std::ptrdiff_t>(index));
    if (!r.create) return answer_find(r, healthy);
    viewer::CreateOutcome o;
    const int fate = healthy ? 0 : static_cast<int>(rng_() % 10);
    if (fate <= 4) {  // created
      ++creates[r.uid];
      o.kind = viewer::CreateOutcome::Kind::created;
      o.http_status = 201;
      o.study_id = "stu_" + r.uid;
    } else if (fate == 5) {  // 503: refused before processing
      o.http_status = 503;
      o.error = "HTTP 503";
    } else if (fate == 6 || fate == 7) {  // timeout after the viewer created it
      ++creates[r.uid];
      o.error = "timed out";
      o.maybe_created = true;
    } else if (fate == 8) {  // timeout; the request never arrived
      o.error = "timed out";
      o.maybe_created = true;
    } else {  // 400: the study cannot be created as it is
      o.kind = viewer::CreateOutcome::Kind::permanent;
      o.http_status = 400;
      o.error = "HTTP 400 Bad Request";
    }
    r.on_create(o);
  }

 private:
  void answer_find(Request& r, bool healthy) {
    viewer::FindStudyOutcome o;
    if (!healthy && coin(0.3)) {
      o.failure.error = "timed out";
    } else if (creates[r.uid] > 0) {
      o.kind = viewer::FindStudyOutcome::Kind::found;
      o.study.study_id = "stu_" + r.uid;
      o.study.study_instance_uid = r.uid;
    } else {
      o.kind = viewer::FindStudyOutcome::Kind::not_found;
    }
    r.on_find(o);
  }
  bool coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  boost::asio::io_context* io_;
  std::mt19937_64& rng_;
};

}  // namespace gw::app::sim
