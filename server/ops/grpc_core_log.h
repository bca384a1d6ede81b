#ifndef HEDUI_SERVER_OPS_GRPC_CORE_LOG_H_
#define HEDUI_SERVER_OPS_GRPC_CORE_LOG_H_

// Placeholder registered in CMake by the lead; its owner fills it in.

#endif  // HEDUI_SERVER_OPS_GRPC_CORE_LOG_H_
