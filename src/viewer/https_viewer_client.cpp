#include "gateway/viewer/https_viewer_client.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <openssl/ssl.h>

#include "viewer_connection.hpp"
#include "viewer_endpoint.hpp"

namespace gw::viewer {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace ssl = asio::ssl;
using detail::ConnectionContext;
using detail::ViewerConnection;

constexpr std::string_view shut_down_error = "shut down";

CreateOutcome failure(CreateOutcome::Kind kind, std::string error) {
  CreateOutcome outcome;
  outcome.kind = kind;
  outcome.error = std::move(error);
  return outcome;
}

// Header values reach the wire verbatim: a CR or LF would let a value forge headers.
bool is_header_safe(std::string_view value) noexcept {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
  });
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
  if (settings.max_connections == 0 || settings.timeout <= std::chrono::milliseconds::zero() ||
      settings.api_key.empty() || !is_header_safe(settings.api_key) ||
      !is_header_safe(settings.user_agent)) {
    return make_error_code(viewer_errc::bad_settings);
  }
  auto endpoint = detail::parse_viewer_endpoint(settings.base_url);
  if (!endpoint) return endpoint.error();
  auto tls = make_tls_context(settings);
  if (!tls) return tls.error();
  auto context =
      std::make_shared<ConnectionContext>(std::move(*endpoint), settings.timeout, std::move(*tls));
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
  asio::post(strand_, [self = shared_from_this(),
                       pending = Pending{std::move(json_body), std::move(idempotency_key),
                                         std::move(handler)}]() mutable {
    self->enqueue(std::move(pending));
  });
}

void HttpsViewerClient::shutdown() {
  asio::post(strand_, [self = shared_from_this()] { self->stop_all(); });
}

std::uint64_t HttpsViewerClient::handshakes() const noexcept { return context_->handshakes.load(); }

void HttpsViewerClient::enqueue(Pending pending) {
  if (shut_down_) {
    return answer(std::move(pending.handler),
                  failure(CreateOutcome::Kind::transient, std::string(shut_down_error)));
  }
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
  // An unusable key is the caller's bug; retrying would not fix it.
  if (pending.idempotency_key.empty() || !is_header_safe(pending.idempotency_key)) {
    return answer(std::move(pending.handler),
                  failure(CreateOutcome::Kind::permanent,
                          "Idempotency-Key is empty or has control characters"));
  }
  const auto& endpoint = context_->endpoint;
  detail::CreateRequest request{http::verb::post, endpoint.create_target, 11};
  request.set(http::field::host, endpoint.host_header);
  request.set(http::field::authorization, "Bearer " + settings_.api_key);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  request.set("Idempotency-Key", pending.idempotency_key);
  request.set(http::field::user_agent, settings_.user_agent);
  request.keep_alive(true);
  request.body() = std::move(pending.body);
  request.prepare_payload();

  // Holds the client weakly: an answer must still reach the caller when the client is being
  // destroyed, and a strong reference here would keep a pool alive from its own connections.
  connection.send(std::move(request), [weak = weak_from_this(), executor = executor_,
                                       handler = std::move(pending.handler)](
                                          CreateOutcome outcome) mutable {
    asio::post(executor, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
      handler(std::move(outcome));
    });
    if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->pump(); });
  });
}

void HttpsViewerClient::answer(CreateHandler handler, CreateOutcome outcome) {
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
    answer(std::move(pending.handler),
           failure(CreateOutcome::Kind::transient, std::string(shut_down_error)));
  }
}

}  // namespace gw::viewer
