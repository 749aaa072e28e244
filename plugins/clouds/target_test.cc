#include "plugins/clouds/target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>

#include "core/file.h"
#include "formats/zip/zip.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

TEST(Registry, ListsEachTargetOnceUnderItsName) {
  std::set<std::string> names;
  for (const CloudTarget* target : CloudTargets()) {
    ASSERT_NE(target, nullptr);
    EXPECT_TRUE(names.insert(std::string(target->name())).second) << target->name() << " listed twice";
    EXPECT_EQ(FindCloudTarget(target->name()), target);
    EXPECT_FALSE(target->summary().empty());
    EXPECT_FALSE(target->output_kind().empty());
  }
  EXPECT_EQ(names, (std::set<std::string>{"aws_lambda", "azure_functions", "oci_image"}));
  EXPECT_EQ(FindCloudTarget("gcp_functions"), nullptr);
  EXPECT_EQ(FindCloudTarget(""), nullptr);
}

TEST(WriteZipDeployable, WritesADeterministicZipAndReportsItsSizes) {
  std::vector<ArchiveInput> layout(2);
  layout[0].path = "b/data.txt";
  layout[0].content = std::string(1000, 'x');
  layout[1].path = "a";
  layout[1].content = "#!/bin/sh\n";
  layout[1].executable = true;
  std::string out = test::TestTempPath("plain.zip");
  Result<WrittenDeployable> written = WriteZipDeployable(layout, TargetLimits{}, "test", out);
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->content_size, 1010u);
  Result<std::string> bytes = ReadFile(out);
  ASSERT_THAT(bytes, IsOk());
  EXPECT_EQ(written->archive_size, bytes->size());
  ASSERT_EQ(written->entries.size(), 3u);  // a, b/, b/data.txt
  EXPECT_EQ(written->entries[0].path, "a");
  EXPECT_EQ(written->entries[0].mode, 0755u);
  EXPECT_EQ(written->entries[2].mode, 0644u);

  std::swap(layout[0], layout[1]);
  std::string again = test::TestTempPath("plain-again.zip");
  ASSERT_THAT(WriteZipDeployable(layout, TargetLimits{}, "test", again), IsOk());
  EXPECT_EQ(ReadFile(again).value(), *bytes);
}

TEST(WriteZipDeployable, RefusesOversizedContentAndArchivesLeavingNothing) {
  std::vector<ArchiveInput> layout(1);
  layout[0].path = "f";
  layout[0].content = std::string(5000, 'y');
  TargetLimits content;
  content.max_content_size = 4999;
  std::string out = test::TestTempPath("too-big.zip");
  Result<WrittenDeployable> written = WriteZipDeployable(layout, content, "test", out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(written.status().message(), "the deployable is 5000 bytes unzipped, over test's limit of 4999 bytes");
  EXPECT_FALSE(PathExists(out));

  TargetLimits archive;
  archive.max_archive_size = 100;
  written = WriteZipDeployable(layout, archive, "test", out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(written.status().message(), HasSubstr("bytes zipped, over test's limit of 100 bytes"));
  EXPECT_FALSE(PathExists(out));
}

}  // namespace
}  // namespace fnseal
