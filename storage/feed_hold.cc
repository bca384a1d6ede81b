#include "storage/feed_hold.h"
