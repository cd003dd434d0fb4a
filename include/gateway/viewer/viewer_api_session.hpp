#pragma once
// A blocking face of the Viewer API for the command line (check-config --online, studies
// verify, studies commands that look a study up by UID): each call runs a private io_context until its answer arrives or its deadline
// passes. No Asio in this header, so a command needs only these few lines.
#include <chrono>
#include <memory>
#include <string>

#include <boost/system/result.hpp>

#include "gateway/viewer/query_outcomes.hpp"
#include "gateway/viewer/viewer_client_settings.hpp"

namespace gw::viewer {

/// Owns an io_context and an HttpsViewerClient on it. Movable, not copyable; use it from one
/// thread at a time (each call runs the io_context on the calling thread).
class ViewerApiSession {
 public:
  /// Builds the client (errors as HttpsViewerClient::create). `call_deadline` bounds each call
  /// as a whole, every page of the customer list included; settings.timeout bounds each step.
  static boost::system::result<ViewerApiSession> create(ViewerClientSettings settings,
                                                        std::chrono::milliseconds call_deadline);

  ViewerApiSession(ViewerApiSession&&) noexcept;
  ViewerApiSession& operator=(ViewerApiSession&&) noexcept;
  ~ViewerApiSession();

  /// Every express customer, or why not (401 → FailureKind::unauthorized).
  ListCustomersOutcome list_customers();
  /// One study by studyId: found (see study.is_cancelled), not_found (404), or failed.
  GetStudyOutcome get_study(const std::string& study_id);
  /// The study with this StudyInstanceUID (by-uid): found, not_found (404), or failed.
  FindStudyOutcome find_study(const std::string& study_instance_uid);
  /// One user by userId: found, not_found (404), or failed.
  GetUserOutcome get_user(const std::string& user_id);

  // A call that outlives its deadline answers failed/transient with an error saying so; the
  // session then starts over with a fresh client (and fresh connections) for the next call.

 private:
  struct Impl;
  explicit ViewerApiSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::viewer
