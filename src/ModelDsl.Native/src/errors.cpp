// The last error message of the calling thread, read by .NET right after a failed call.
#include "shim.h"

namespace {
thread_local std::string last_error;
}

void mdsl::set_error(const char* message) { last_error = message ? message : ""; }

MDSL_API const char* mdsl_last_error() { return last_error.c_str(); }
