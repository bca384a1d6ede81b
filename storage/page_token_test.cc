#include "storage/page_token.h"

#include "gtest/gtest.h"
