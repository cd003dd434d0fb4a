#pragma once
// The viewer API's rules for request bodies (viewer-api.md, "Create a study"), enforced as
// strictly as the reference states them so the gateway's mistakes show up here, not in production.
#include <optional>
#include <string>
#include <string_view>

#include "study.hpp"
#include "study_store.hpp"

namespace gw::sim {

/// Why a value was refused, for a 400; every reason starts with the field it is about.
struct Invalid {
  std::string reason;
};

/// A checked value, or the Invalid reason it was refused. Value type.
template <class T>
class Checked {
 public:
  Checked(T value) : value_(std::move(value)) {}
  Checked(Invalid invalid) : error_(std::move(invalid.reason)) {}
  explicit operator bool() const noexcept { return value_.has_value(); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  const std::string& error() const noexcept { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

/// Checks a POST /v1/viewer/studies body; customers are looked up in `store`. Thread-safe.
Checked<NewStudy> parse_new_study(std::string_view body, const StudyStore& store);
/// Checks a PATCH /v1/viewer/studies/{id} body. Thread-safe.
Checked<StudyPatch> parse_study_patch(std::string_view body);

/// True for the two values of studyViewerStatus.
bool is_valid_viewer_status(std::string_view status) noexcept;

}  // namespace gw::sim
