#include "core/error.h"

namespace core {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kCycle:
      return "cycle";
    case ErrorCode::kCapacityExceeded:
      return "capacity_exceeded";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kTaskFailed:
      return "task_failed";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
  }
  return "unknown";
}

Error& Error::with_file(std::string file, int line, int column) {
  context_.file = std::move(file);
  context_.line = line;
  context_.column = column;
  return *this;
}

Error& Error::with_field(std::string field) {
  context_.field = std::move(field);
  return *this;
}

Error& Error::with_node(std::string node_id) {
  context_.node_id = std::move(node_id);
  return *this;
}

Error& Error::with_tag(std::string tag) {
  tag_ = std::move(tag);
  return *this;
}

Error& Error::with_suggestion(std::string suggestion) {
  suggestion_ = std::move(suggestion);
  return *this;
}

std::string Error::to_string() const {
  std::string out;
  if (!tag_.empty()) out += "[" + tag_ + "] ";
  if (!context_.file.empty()) {
    out += context_.file;
    if (context_.line > 0) out += ":" + std::to_string(context_.line);
    if (context_.column > 0) out += ":" + std::to_string(context_.column);
    out += ": ";
  }
  if (!context_.node_id.empty()) out += "node '" + context_.node_id + "': ";
  if (!context_.field.empty()) out += "field '" + context_.field + "': ";
  out += message_;
  if (tag_.empty()) {
    out += " [";
    out += error_code_name(code_);
    out += "]";
  }
  if (!suggestion_.empty()) out += "\n  suggestion: " + suggestion_;
  return out;
}

}  // namespace core
