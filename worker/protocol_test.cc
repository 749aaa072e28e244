#include "worker/protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "tests/support/test_support.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::worker {
namespace {

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

std::string Tag(uint64_t field, int wire_type) { return Varint(field << 3 | static_cast<uint64_t>(wire_type)); }
std::string Bytes(uint64_t field, const std::string& value) { return Tag(field, 2) + Varint(value.size()) + value; }
std::string Number(uint64_t field, uint64_t value) { return Tag(field, 0) + Varint(value); }
std::string Input(const std::string& path, const std::string& digest) {
  return Bytes(2, Bytes(1, path) + Bytes(2, digest));
}

void ExpectRejected(const std::string& message, StatusCode code, const std::string& fragment,
                    const WorkerLimits& limits = {}) {
  Result<WorkRequest> r = ParseWorkRequest(message, limits);
  ASSERT_FALSE(r.ok()) << "parsed " << r->arguments.size() << " arguments";
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().ToString();
}

TEST(ParseWorkRequest, ReadsEveryFieldAndSkipsUnknownOnes) {
  const std::string message = Bytes(1, "pack") + Input("a/b.txt", "\x01\x02") + Bytes(1, "--quiet") + Number(3, 7) +
                              Number(4, 1) + Number(5, 10) + Bytes(6, "sandbox/7") + Number(99, 5) + Tag(98, 5) +
                              "abcd" + Tag(97, 1) + "abcdefgh" + Bytes(96, "later") + Input("c", "") + Bytes(1, "");
  Result<WorkRequest> r = ParseWorkRequest(message);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->arguments, (std::vector<std::string>{"pack", "--quiet", ""}));
  EXPECT_EQ(r->inputs, 2u);
  EXPECT_EQ(r->request_id, 7);
  EXPECT_TRUE(r->cancel);
  EXPECT_EQ(r->verbosity, 10);
  EXPECT_EQ(r->sandbox_dir, "sandbox/7");
}

TEST(ParseWorkRequest, AnEmptyMessageIsAnEmptyRequest) {
  Result<WorkRequest> r = ParseWorkRequest("");
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->arguments.empty());
  EXPECT_EQ(r->request_id, 0);
  EXPECT_FALSE(r->cancel);
}

TEST(ParseWorkRequest, KeepsTheLow32BitsOfAnInt32AsProtobufDoes) {
  // -1 as protobuf writes an int32: sign-extended to a 10-byte varint.
  Result<WorkRequest> r = ParseWorkRequest(Number(3, ~uint64_t{0}));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->request_id, -1);
}

TEST(ParseWorkRequest, RejectsMalformedWire) {
  ExpectRejected(Tag(3, 0) + "\xff", StatusCode::kDataLoss, "ends inside a varint");
  ExpectRejected(Tag(3, 0) + std::string(10, '\xff') + "\x01", StatusCode::kDataLoss, "varint over 64 bits");
  ExpectRejected(Tag(3, 0) + std::string(9, '\xff') + "\x02", StatusCode::kDataLoss, "varint over 64 bits");
  ExpectRejected(Tag(1, 2) + Varint(16) + "pack", StatusCode::kDataLoss, "past its end");
  ExpectRejected(Tag(1, 2) + Varint(uint64_t{1} << 62), StatusCode::kDataLoss, "past its end");
  ExpectRejected(Tag(7, 3) + Tag(7, 4), StatusCode::kDataLoss, "wire type 3");
  ExpectRejected(Tag(7, 6), StatusCode::kDataLoss, "wire type 6");
  ExpectRejected(Tag(0, 0) + Varint(1), StatusCode::kDataLoss, "invalid field number");
  ExpectRejected(Tag(7, 5) + "ab", StatusCode::kDataLoss, "ends inside a fixed-size field");
  ExpectRejected(Tag(7, 1) + "abcdefg", StatusCode::kDataLoss, "ends inside a fixed-size field");
}

TEST(ParseWorkRequest, RejectsKnownFieldsOfTheWrongType) {
  ExpectRejected(Number(1, 1), StatusCode::kDataLoss, "field 'arguments' has wire type 0, not 2");
  ExpectRejected(Number(2, 1), StatusCode::kDataLoss, "field 'inputs' has wire type 0");
  ExpectRejected(Bytes(3, "7"), StatusCode::kDataLoss, "field 'request_id' has wire type 2, not 0");
  ExpectRejected(Bytes(4, "1"), StatusCode::kDataLoss, "field 'cancel' has wire type 2");
  ExpectRejected(Bytes(5, "1"), StatusCode::kDataLoss, "field 'verbosity' has wire type 2");
  ExpectRejected(Number(6, 1), StatusCode::kDataLoss, "field 'sandbox_dir' has wire type 0");
  ExpectRejected(Bytes(2, Number(1, 5)), StatusCode::kDataLoss, "input field 'path' has wire type 0");
  ExpectRejected(Bytes(2, Tag(1, 2) + Varint(9) + "a"), StatusCode::kDataLoss, "work request input has a field");
}

TEST(ParseWorkRequest, RejectsANulInAnArgument) {
  ExpectRejected(Bytes(1, "pack") + Bytes(1, std::string("a\0b", 3)), StatusCode::kInvalidArgument,
                 "work request argument 2 contains a NUL byte");
}

TEST(ParseWorkRequest, EnforcesItsLimits) {
  WorkerLimits limits;
  limits.max_message_size = 64;
  limits.max_arguments = 2;
  limits.max_argument_size = 8;
  limits.max_inputs = 1;
  ExpectRejected(std::string(65, '\0'), StatusCode::kResourceExhausted,
                 "work request of 65 bytes exceeds the limit of 64", limits);
  ExpectRejected(Bytes(1, "a") + Bytes(1, "b") + Bytes(1, "c"), StatusCode::kResourceExhausted, "more than 2 arguments",
                 limits);
  ExpectRejected(Bytes(1, "123456789"), StatusCode::kResourceExhausted, "argument 1 is longer than 8 bytes", limits);
  ExpectRejected(Input("a", "") + Input("b", ""), StatusCode::kResourceExhausted, "more than 1 inputs", limits);
  ExpectRejected(Bytes(6, "123456789"), StatusCode::kResourceExhausted, "sandbox_dir is longer than 8 bytes", limits);
  Result<WorkRequest> r = ParseWorkRequest(Bytes(1, "12345678") + Bytes(1, "b") + Input("a", ""), limits);
  EXPECT_THAT(r, IsOk()) << "limits are inclusive: " << r.status().ToString();
}

TEST(SerializeWorkResponse, WritesProto3Fields) {
  EXPECT_EQ(SerializeWorkResponse({2, "no", 7}), std::string("\x08\x02\x12\x02no\x18\x07"));
  EXPECT_EQ(SerializeWorkResponse({0, "", 0}), "");  // defaults are left out
  EXPECT_EQ(SerializeWorkResponse({-1, "", 0}), "\x08" + std::string(9, '\xff') + "\x01");
  const std::string long_output(300, 'x');
  EXPECT_EQ(SerializeWorkResponse({1, long_output, 0}), "\x08\x01\x12\xac\x02" + long_output);
}

TEST(ReadDelimited, ReadsMessagesUntilACleanEnd) {
  const std::string stream = Delimited("one") + Delimited("") + Delimited(std::string(200, 'z'));
  StringSource in(stream);
  std::vector<std::string> got;
  for (;;) {
    Result<std::optional<std::string>> m = ReadDelimited(&in, 1000);
    ASSERT_THAT(m, IsOk());
    if (!m->has_value()) break;
    got.push_back(**m);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"one", "", std::string(200, 'z')}));
}

TEST(ReadDelimited, RejectsTruncatedAndOversizedMessages) {
  for (const auto& [stream, code, fragment] : std::vector<std::tuple<std::string, StatusCode, std::string>>{
           {"\x80", StatusCode::kDataLoss, "ends inside a length prefix"},
           {Varint(5) + "abc", StatusCode::kDataLoss, "unexpected end of work request"},
           {std::string(9, '\xff') + "\x02", StatusCode::kDataLoss, "length prefix is over 64 bits"},
           {Varint(1001), StatusCode::kResourceExhausted, "work request of 1001 bytes exceeds the limit of 1000"},
       }) {
    StringSource in(stream);
    Result<std::optional<std::string>> m = ReadDelimited(&in, 1000);
    ASSERT_FALSE(m.ok()) << fragment;
    EXPECT_EQ(m.status().code(), code) << m.status().ToString();
    EXPECT_NE(m.status().message().find(fragment), std::string::npos) << m.status().ToString();
  }
}

// The checked-in corpus (testdata/hostile, see its README).
TEST(ParseWorkRequest, RejectsTheHostileCorpus) {
  struct Case {
    const char* file;
    StatusCode code;
    const char* fragment;
  };
  for (const Case& c : {
           Case{"workreq-truncated-varint.workreq", StatusCode::kDataLoss, "ends inside a varint"},
           Case{"workreq-long-varint.workreq", StatusCode::kDataLoss, "varint over 64 bits"},
           Case{"workreq-length-past-end.workreq", StatusCode::kDataLoss, "field of 16 bytes, past its end"},
           Case{"workreq-group.workreq", StatusCode::kDataLoss, "wire type 3"},
           Case{"workreq-field-zero.workreq", StatusCode::kDataLoss, "invalid field number"},
           Case{"workreq-arguments-as-varint.workreq", StatusCode::kDataLoss, "field 'arguments' has wire type 0"},
           Case{"workreq-nul-argument.workreq", StatusCode::kInvalidArgument, "argument 2 contains a NUL byte"},
           Case{"workreq-bad-input.workreq", StatusCode::kDataLoss, "work request input has a field of 5 bytes"},
       }) {
    SCOPED_TRACE(c.file);
    ExpectRejected(test::ReadTestFile(std::string("testdata/hostile/") + c.file), c.code, c.fragment);
  }
}

}  // namespace
}  // namespace fnseal::worker
