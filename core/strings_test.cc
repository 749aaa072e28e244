#include "core/strings.h"

#include <gtest/gtest.h>

#include <string>

namespace fnseal {
namespace {

TEST(EscapeForTerminal, EscapesControlSequencesAndKeepsPrintableUtf8) {
  // ESC [ 2 K (erase line), CR, BEL: enough to draw a fake line over a real one.
  EXPECT_EQ(EscapeForTerminal("a\x1b[2K\rverified\x07"), "a\\x1b[2K\\x0dverified\\x07");
  EXPECT_EQ(EscapeForTerminal("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(EscapeForTerminal("del\x7f"), "del\\x7f");
}

TEST(EscapeForTerminal, EscapesC1ControlsAndInvalidUtf8) {
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b" "31m"), "\\xc2\\x9b31m");    // CSI as UTF-8
  EXPECT_EQ(EscapeForTerminal("\x9b" "31m"), "\\x9b31m");             // a raw 8-bit CSI
  EXPECT_EQ(EscapeForTerminal("\xc0\xaf"), "\\xc0\\xaf");             // overlong '/'
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");    // a surrogate
  EXPECT_EQ(EscapeForTerminal("\xe2\x9c"), "\\xe2\\x9c");             // cut short
}

TEST(EscapeForTerminal, KeepsNewlinesAndTabsOnlyWhenAsked) {
  EXPECT_EQ(EscapeForTerminal("a\nb\tc"), "a\\x0ab\\x09c");
  EXPECT_EQ(EscapeForTerminal("a\nb\tc\r", /*keep_newlines=*/true), "a\nb\tc\\x0d");
}

TEST(Quote, QuotesEscapesAndClipsInsideTheQuotes) {
  EXPECT_EQ(Quote("name"), "'name'");
  EXPECT_EQ(Quote("it's\x1b"), "'it\\x27s\\x1b'");
  EXPECT_EQ(Quote(std::string(200, 'x'), 8), "'xxxxxxxx...'");
  EXPECT_EQ(Quote("12345678", 8), "'12345678'");
}

}  // namespace
}  // namespace fnseal
