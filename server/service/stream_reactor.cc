#include "server/service/stream_reactor.h"
