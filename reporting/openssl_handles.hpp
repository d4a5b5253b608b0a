#pragma once

// The OpenSSL handles of the reporting library: the one set of owners the rules library's
// signing module declares (rules/signing/openssl_handles.hpp), under this library's names.

#include "rules/signing/openssl_handles.hpp"

namespace edugate::reporting {

using EvpPkey = rules::signing::PkeyPtr;

}  // namespace edugate::reporting
