#pragma once
// The retry policy belongs to the study lifecycle (gateway/domain); the registry's name stays.
#include "gateway/domain/retry_policy.hpp"

namespace gw::registry {
using RetryPolicy = domain::RetryPolicy;
}
