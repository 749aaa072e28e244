#include "core/io.h"

#include <string>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

TEST(RandomAccessString, ReadsAnyRangeInside) {
  std::string data = "0123456789";
  auto source = RandomAccessString(data);
  EXPECT_EQ(source->size(), 10u);
  char buffer[4] = {};
  ASSERT_THAT(source->ReadAt(3, 4, buffer), IsOk());
  EXPECT_EQ(std::string(buffer, 4), "3456");
  EXPECT_THAT(source->ReadAt(10, 0, buffer), IsOk());
}

TEST(RandomAccessString, RefusesReadsPastTheEnd) {
  std::string data = "0123456789";
  auto source = RandomAccessString(data);
  char buffer[4] = {};
  Status s = source->ReadAt(8, 4, buffer);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find("read past the end"), std::string::npos) << s.ToString();
}

TEST(OpenRandomAccessFile, MissingFileIsNotFound) {
  auto source = OpenRandomAccessFile("/nonexistent/fnseal/io_test");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kNotFound) << source.status().ToString();
}

TEST(OpenRandomAccessFile, RefusesADirectory) {
  auto source = OpenRandomAccessFile("/");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument) << source.status().ToString();
  EXPECT_NE(source.status().message().find("is not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace fnseal
