#include "gateway/viewer/https_viewer_client.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <openssl/ssl.h>

#include "customer_list_walker.hpp"
#include "exchange_outcomes.hpp"
#include "proxy_route.hpp"
#include "viewer_connection.hpp"
#include "viewer_endpoint.hpp"

namespace gw::viewer {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace ssl = asio::ssl;
using detail::ConnectionContext;
using detail::ExchangeResult;
using detail::ViewerConnection;

constexpr std::string_view shut_down_error = "shut down";

// Header values reach the wire verbatim: a CR or LF would let a value forge headers.
bool is_header_safe(std::string_view value) noexcept {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
  });
}

bool is_usable_key(std::string_view key) noexcept { return !key.empty() && is_header_safe(key); }

CallFailure refused_locally(std::string error) {
  CallFailure failure;
  failure.kind = FailureKind::permanent;
  failure.error = std::move(error);
  return failure;
}

boost::system::result<ssl::context> make_tls_context(const ViewerClientSettings& settings) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (settings.ca_file.empty()) {
    context.set_default_verify_paths(ec);
    if (ec) return make_error_code(viewer_errc::trust_store_unavailable);
  } else {
    context.load_verify_file(settings.ca_file, ec);
    if (ec) return make_error_code(viewer_errc::ca_file_unreadable);
  }
  return context;
}

}  // namespace

boost::system::result<std::shared_ptr<HttpsViewerClient>> HttpsViewerClient::create(
    asio::any_io_executor executor, ViewerClientSettings settings) {
  if (settings.max_connections == 0 || settings.max_list_pages == 0 ||
      settings.timeout <= std::chrono::milliseconds::zero() || !is_usable_key(settings.api_key) ||
      !is_header_safe(settings.user_agent)) {
    return make_error_code(viewer_errc::bad_settings);
  }
  auto endpoint = detail::parse_viewer_endpoint(settings.base_url);
  if (!endpoint) return endpoint.error();
  auto proxy = detail::choose_proxy(settings, *endpoint, detail::process_environment);
  if (!proxy) return proxy.error();
  auto tls = make_tls_context(settings);
  if (!tls) return tls.error();
  auto context = std::make_shared<ConnectionContext>(std::move(*endpoint), std::move(*proxy),
                                                     settings.timeout, std::move(*tls),
                                                     settings.user_agent);
  return std::make_shared<HttpsViewerClient>(PrivateTag{}, std::move(executor), std::move(settings),
                                             std::move(context));
}

HttpsViewerClient::HttpsViewerClient(PrivateTag, asio::any_io_executor executor,
                                     ViewerClientSettings settings,
                                     std::shared_ptr<ConnectionContext> context)
    : executor_(executor),
      strand_(asio::make_strand(executor)),
      settings_(std::move(settings)),
      context_(std::move(context)) {}

HttpsViewerClient::~HttpsViewerClient() { stop_all(); }

void HttpsViewerClient::create_study(std::string json_body, std::string idempotency_key,
                                     CreateHandler handler) {
  // An unusable key is the caller's bug; retrying would not fix it.
  if (idempotency_key.empty() || !is_header_safe(idempotency_key)) {
    CreateOutcome outcome;
    outcome.kind = CreateOutcome::Kind::permanent;
    outcome.error = "Idempotency-Key is empty or has control characters";
    return answer(std::move(handler), std::move(outcome));
  }
  submit(Pending{true, context_->endpoint.create_target, std::move(json_body),
                 std::move(idempotency_key),
                 [executor = executor_, handler = std::move(handler)](ExchangeResult result) {
                   asio::post(executor, [handler, outcome = detail::to_create_outcome(
                                                      result, std::chrono::system_clock::now())] {
                     handler(outcome);
                   });
                 }});
}

void HttpsViewerClient::get_study(std::string study_id, GetHandler handler) {
  if (study_id.empty()) {
    GetStudyOutcome outcome;
    outcome.failure = refused_locally("studyId is empty");
    return answer(std::move(handler), std::move(outcome));
  }
  get_one(detail::study_target(context_->endpoint, study_id), std::move(handler),
          [](const ExchangeResult& result, auto now) { return detail::to_get_outcome(result, now); });
}

void HttpsViewerClient::find_study(std::string study_instance_uid, FindHandler handler) {
  if (study_instance_uid.empty()) {
    FindStudyOutcome outcome;
    outcome.failure = refused_locally("StudyInstanceUID is empty");
    return answer(std::move(handler), std::move(outcome));
  }
  auto target = detail::study_by_uid_target(context_->endpoint, study_instance_uid);
  get_one(std::move(target), std::move(handler),
          [uid = std::move(study_instance_uid)](const ExchangeResult& result, auto now) {
            return detail::to_find_outcome(result, uid, now);
          });
}

void HttpsViewerClient::get_user(std::string user_id, UserHandler handler) {
  if (user_id.empty()) {
    GetUserOutcome outcome;
    outcome.failure = refused_locally("userId is empty");
    return answer(std::move(handler), std::move(outcome));
  }
  get_one(detail::user_target(context_->endpoint, user_id), std::move(handler),
          [](const ExchangeResult& result, auto now) { return detail::to_user_outcome(result, now); });
}

template <class Handler, class Read>
void HttpsViewerClient::get_one(std::string target, Handler handler, Read read) {
  fetch(std::move(target), [executor = executor_, handler = std::move(handler),
                            read = std::move(read)](ExchangeResult result) {
    asio::post(executor, [handler, outcome = read(result, std::chrono::system_clock::now())] {
      handler(outcome);
    });
  });
}

void HttpsViewerClient::list_customers(CustomersHandler handler) {
  detail::CustomerListWalker::start(
      [weak = weak_from_this()](std::string target, detail::ExchangeDone done) {
        if (auto self = weak.lock()) return self->fetch(std::move(target), std::move(done));
        done(ExchangeResult::failure(std::string(shut_down_error)));
      },
      context_->endpoint, settings_.max_list_pages,
      [executor = executor_, handler = std::move(handler)](ListCustomersOutcome outcome) {
        asio::post(executor, [handler, outcome = std::move(outcome)] { handler(outcome); });
      });
}

boost::system::error_code HttpsViewerClient::set_api_key(std::string api_key) {
  if (!is_usable_key(api_key)) return make_error_code(viewer_errc::bad_settings);
  asio::post(strand_, [self = shared_from_this(), key = std::move(api_key)]() mutable {
    self->settings_.api_key = std::move(key);
  });
  return {};
}

void HttpsViewerClient::shutdown() {
  asio::post(strand_, [self = shared_from_this()] { self->stop_all(); });
}

std::uint64_t HttpsViewerClient::handshakes() const noexcept { return context_->handshakes.load(); }

bool HttpsViewerClient::uses_proxy() const noexcept { return context_->proxy.has_value(); }

void HttpsViewerClient::after_started(std::function<void()> then) {
  // The strand runs its handlers in the order they were posted: every submit() before this
  // one has been enqueued, and started where a connection was free, when this one runs.
  asio::post(strand_, [executor = executor_, then = std::move(then)]() mutable {
    asio::post(executor, std::move(then));
  });
}

void HttpsViewerClient::fetch(std::string target, ExchangeDone done) {
  submit(Pending{false, std::move(target), {}, {}, std::move(done)});
}

void HttpsViewerClient::submit(Pending pending) {
  asio::post(strand_, [self = shared_from_this(), pending = std::move(pending)]() mutable {
    self->enqueue(std::move(pending));
  });
}

void HttpsViewerClient::enqueue(Pending pending) {
  if (shut_down_) return pending.done(ExchangeResult::failure(std::string(shut_down_error)));
  queue_.push_back(std::move(pending));
  pump();
}

void HttpsViewerClient::pump() {
  while (!queue_.empty() && !shut_down_) {
    // Prefer a connection that is already up: that is the point of keep-alive.
    auto idle = [](bool want_connected) {
      return [want_connected](const auto& c) {
        return !c->busy() && c->connected() == want_connected;
      };
    };
    auto it = std::find_if(pool_.begin(), pool_.end(), idle(true));
    if (it == pool_.end()) it = std::find_if(pool_.begin(), pool_.end(), idle(false));
    if (it == pool_.end()) {
      if (pool_.size() >= settings_.max_connections) return;  // all busy: wait in FIFO order
      pool_.push_back(std::make_shared<ViewerConnection>(strand_, context_));
      it = std::prev(pool_.end());
    }
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    start(**it, std::move(pending));
  }
}

void HttpsViewerClient::start(ViewerConnection& connection, Pending pending) {
  const auto& endpoint = context_->endpoint;
  detail::Request request{pending.post ? http::verb::post : http::verb::get, pending.target, 11};
  request.set(http::field::host, endpoint.host_header);
  // Read here, on the strand, so a key set by set_api_key() applies to every later start.
  request.set(http::field::authorization, "Bearer " + settings_.api_key);
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, settings_.user_agent);
  if (pending.post) {
    request.set(http::field::content_type, "application/json");
    request.set("Idempotency-Key", pending.idempotency_key);
    request.body() = std::move(pending.body);
  }
  request.keep_alive(true);
  request.prepare_payload();

  // Holds the client weakly: an answer must still reach the caller when the client is being
  // destroyed, and a strong reference here would keep a pool alive from its own connections.
  connection.send(std::move(request), [weak = weak_from_this(), pending = std::move(pending)](
                                          ExchangeResult result) mutable {
    auto self = weak.lock();
    // A server may close an idle kept-alive connection just as we reuse it. A GET is safe to
    // repeat, so it gets one more try on a fresh connection, ahead of the queue.
    if (self && !self->shut_down_ && !pending.post && !pending.resent &&
        !result.has_response() && result.reused_connection) {
      pending.resent = true;
      self->queue_.push_front(std::move(pending));
    } else {
      pending.done(std::move(result));
    }
    if (self) asio::post(self->strand_, [self] { self->pump(); });
  });
}

template <class Handler, class Outcome>
void HttpsViewerClient::answer(Handler handler, Outcome outcome) {
  asio::post(executor_, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
    handler(std::move(outcome));
  });
}

void HttpsViewerClient::stop_all() {
  shut_down_ = true;
  // In-flight requests were sent before the queued ones: answer them first.
  for (const auto& connection : pool_) connection->close();
  pool_.clear();
  auto queued = std::exchange(queue_, {});
  for (auto& pending : queued) {
    pending.done(ExchangeResult::failure(std::string(shut_down_error)));
  }
}

}  // namespace gw::viewer
