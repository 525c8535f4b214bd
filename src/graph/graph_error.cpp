#include "graph/graph_error.h"

namespace graph {

const char* graph_error_tag(GraphErrorCode code) {
  switch (code) {
    case GraphErrorCode::kNodeExecution:
      return "E001";
    case GraphErrorCode::kExpression:
      return "E003";
    case GraphErrorCode::kConfiguration:
      return "E004";
    case GraphErrorCode::kTimeout:
      return "E005";
    case GraphErrorCode::kValidation:
      return "E006";
    case GraphErrorCode::kSerialization:
      return "E007";
    case GraphErrorCode::kContext:
      return "E010";
  }
  return "E000";
}

namespace {
core::ErrorCode core_code(GraphErrorCode code) {
  switch (code) {
    case GraphErrorCode::kNodeExecution:
      return core::ErrorCode::kTaskFailed;
    case GraphErrorCode::kTimeout:
      return core::ErrorCode::kTimeout;
    case GraphErrorCode::kContext:
      return core::ErrorCode::kNotFound;
    case GraphErrorCode::kExpression:
    case GraphErrorCode::kConfiguration:
    case GraphErrorCode::kValidation:
    case GraphErrorCode::kSerialization:
      return core::ErrorCode::kInvalidArgument;
  }
  return core::ErrorCode::kInternal;
}
}  // namespace

core::Error graph_error(GraphErrorCode code, std::string message) {
  core::Error e(core_code(code), std::move(message));
  e.with_tag(graph_error_tag(code));
  return e;
}

}  // namespace graph
