#include "server/service/call_workers.h"
