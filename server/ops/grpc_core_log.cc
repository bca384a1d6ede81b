#include "server/ops/grpc_core_log.h"
