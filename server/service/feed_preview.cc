#include "server/service/feed_preview.h"
