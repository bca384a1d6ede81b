#include "server/service/duplicate_scan.h"
