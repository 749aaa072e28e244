#include "provenance/licenses/policy.h"
#include <gtest/gtest.h>
TEST(A,B){}
