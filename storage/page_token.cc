#include "storage/page_token.h"
