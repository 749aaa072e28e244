// Option parsing as docs/cli.md describes it: one value per option occurrence, options and
// positionals in any order, `--` ending the options; checked over every command's option table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tools/fnseal/command.h"
#include "tools/fnseal/dispatch.h"
#include "tests/support/test_dir.h"

namespace fnseal::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// A command line parsed the way RunCommandLine parses it, without running the command.
struct Parsed {
  std::unique_ptr<CLI::App> app = std::make_unique<CLI::App>("fnseal");
  CLI::App* command = nullptr;
  std::string error;  // the parse error, "" if none

  // The values given to option `name` ("--key", or a positional's name) of `sub`.
  std::vector<std::string> Values(const std::string& name, CLI::App* sub = nullptr) const {
    const CLI::Option* option = (sub != nullptr ? sub : command)->get_option_no_throw(name);
    return option == nullptr ? std::vector<std::string>{"<no option " + name + ">"} : option->results();
  }
};

std::unique_ptr<Parsed> Parse(std::vector<std::string> args) {
  auto parsed = std::make_unique<Parsed>();
  Action action;
  parsed->command = DeclareCommands(parsed->app.get(), args.front(), &action);
  std::reverse(args.begin(), args.end());
  try {
    parsed->app->parse(args);
  } catch (const CLI::ParseError& e) {
    parsed->error = e.what();
  }
  return parsed;
}

// A file that exists, for the positionals checked with CLI::ExistingFile.
std::string ExistingFile(const std::string& name) {
  const std::string path = test::TestTempPath(name);
  std::ofstream(path) << name;
  return path;
}

// Every named option of `app` and its subcommands, with the command words that reach it.
void CollectOptions(CLI::App* app, std::vector<std::string> words,
                    std::vector<std::pair<std::vector<std::string>, CLI::Option*>>* out) {
  for (CLI::Option* option : app->get_options()) {
    if (!option->get_positional() && option->get_expected_max() > 0 && !option->get_lnames().empty()) {
      out->push_back({words, option});
    }
  }
  for (CLI::App* sub : app->get_subcommands({})) {
    std::vector<std::string> sub_words = words;
    sub_words.push_back(sub->get_name());
    CollectOptions(sub, sub_words, out);
  }
}

TEST(OptionTable, EveryOptionOfEveryCommandTakesOneValuePerOccurrence) {
  size_t checked = 0;
  for (const Command& command : Commands()) {
    auto declared = Parse({command.name, "--help"});
    std::vector<std::pair<std::vector<std::string>, CLI::Option*>> options;
    CollectOptions(declared->command, {command.name}, &options);
    for (const auto& [words, option] : options) {
      const std::string name = "--" + option->get_lnames().front();
      EXPECT_NE(option->get_description(), "") << command.name << " " << name << " has no help text";
      std::vector<std::string> args = words;
      args.insert(args.end(), {name, "1", "following-word", name, "2"});
      auto parsed = Parse(args);
      CLI::App* sub = parsed->command;
      for (size_t i = 1; i < words.size(); ++i) sub = sub->get_subcommand(words[i]);
      std::vector<std::string> values = parsed->Values(name, sub);
      // A repeatable option keeps each occurrence's one value; the word between is not one.
      if (option->get_expected_max() > 1) {
        EXPECT_THAT(values, ElementsAre("1", "2")) << command.name << " " << name;
        EXPECT_THAT(option->get_description(), ::testing::HasSubstr("repeatable")) << command.name << " " << name;
      } else {
        EXPECT_THAT(values, ::testing::Each(::testing::AnyOf("1", "2"))) << command.name << " " << name;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);  // the walk reached the commands' options
}

TEST(OptionOrder, VerifyTakesTheInputWhereverItComes) {
  const std::vector<std::vector<std::string>> lines = {
      {"verify", "--key", "k.pem", "b.fnb", "--json"},
      {"verify", "--key", "k.pem", "b.fnb", "--threshold", "1"},
      {"verify", "b.fnb", "--key", "k.pem", "--threshold", "1", "--json"},
      {"verify", "--json", "--threshold", "1", "--key", "k.pem", "b.fnb"},
      {"verify", "--key", "k.pem", "--", "b.fnb"},
  };
  for (const auto& line : lines) {
    auto parsed = Parse(line);
    EXPECT_EQ(parsed->error, "");
    EXPECT_THAT(parsed->Values("input"), ElementsAre("b.fnb"));
    EXPECT_THAT(parsed->Values("--key"), ElementsAre("k.pem"));
  }
}

TEST(OptionOrder, VerifyRepeatsKeysAndArtifactsAroundTheInput) {
  auto parsed = Parse({"verify", "--key", "a.pem", "x.intoto.jsonl", "--key", "b.pem", "--artifact", "f", "--artifact",
                       "g", "--threshold", "2"});
  EXPECT_EQ(parsed->error, "");
  EXPECT_THAT(parsed->Values("input"), ElementsAre("x.intoto.jsonl"));
  EXPECT_THAT(parsed->Values("--key"), ElementsAre("a.pem", "b.pem"));
  EXPECT_THAT(parsed->Values("--artifact"), ElementsAre("f", "g"));
}

TEST(OptionOrder, VerifyWithTwoInputsIsAUsageError) {
  EXPECT_THAT(Parse({"verify", "--key", "k.pem", "a.fnb", "b.fnb"})->error, ::testing::HasSubstr("not expected: b.fnb"));
}

TEST(OptionOrder, SignTakesTheInputWhereverItComes) {
  const std::string input = ExistingFile("c.fnb");
  const std::vector<std::vector<std::string>> lines = {
      {"sign", "--key", "k.pem", input, "--passphrase-env", "V"},
      {"sign", input, "--key", "k.pem", "--passphrase-env", "V"},
      {"sign", "--passphrase-env", "V", "--key", "k.pem", input},
      {"sign", "--key", "k.pem", "--passphrase-env", "V", "--", input},
  };
  for (const auto& line : lines) {
    auto parsed = Parse(line);
    EXPECT_EQ(parsed->error, "");
    EXPECT_THAT(parsed->Values("input"), ElementsAre(input));
    EXPECT_THAT(parsed->Values("--key"), ElementsAre("k.pem"));
    EXPECT_THAT(parsed->Values("--passphrase-env"), ElementsAre("V"));
  }
  auto two_keys = Parse({"sign", "--key", "a.pem", input, "--key-env", "E", "--key", "b.pem", "-o", "out.fnb"});
  EXPECT_EQ(two_keys->error, "");
  EXPECT_THAT(two_keys->Values("--key"), ElementsAre("a.pem", "b.pem"));
  EXPECT_THAT(two_keys->Values("--key-env"), ElementsAre("E"));
}

TEST(OptionOrder, DashDashLetsAPositionalStartWithADash) {
  auto check = Parse({"license", "check", "--policy", "p.json", "--", "--MIT"});
  EXPECT_EQ(check->error, "");
  CLI::App* sub = check->command->get_subcommand("check");
  EXPECT_THAT(check->Values("expression", sub), ElementsAre("--MIT"));
  auto unpack = Parse({"unpack", "-q", "--", "a.fnb", "-dest"});
  EXPECT_EQ(unpack->error, "");
  EXPECT_THAT(unpack->Values("archive"), ElementsAre("a.fnb"));
  EXPECT_THAT(unpack->Values("destination"), ElementsAre("-dest"));
}

TEST(OptionOrder, PositionalsOfEveryCommandAroundItsOptions) {
  const std::string a = ExistingFile("a.tar");
  const std::string b = ExistingFile("b.tar");
  struct Case {
    std::vector<std::string> line;
    std::string positional;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {{"diff", a, "--json", b}, "a", {a}},
      {{"diff", "--json", a, b}, "b", {b}},
      {{"digest", a, "-o", "out.txt", b, "--json"}, "files", {a, b}},
      {{"digest", "-o", "out.txt", "--", a, b}, "files", {a, b}},
      {{"export", "--key", "k.pem", "s.fnb", "-o", "out.json", "--sigstore"}, "input", {"s.fnb"}},
      {{"export", "s.fnb", "--key", "k.pem", "--attestation", "provenance", "-o", "out.json"}, "input", {"s.fnb"}},
      {{"inspect", "--json", "s.fnb"}, "path", {"s.fnb"}},
      {{"inspect", "s.fnb", "--json"}, "path", {"s.fnb"}},
      {{"simulate", "--target", "aws_lambda", "s.fnb", "--cold-starts", "2"}, "bundle", {"s.fnb"}},
      {{"simulate", "s.fnb", "--target", "aws_lambda,oci_image", "--json"}, "bundle", {"s.fnb"}},
      {{"source-status", "--remote", "origin", "dir", "--json"}, "path", {"dir"}},
      {{"unpack", "a.fnb", "-q", "dest"}, "destination", {"dest"}},
  };
  for (const Case& c : cases) {
    auto parsed = Parse(c.line);
    EXPECT_EQ(parsed->error, "") << c.line.front();
    EXPECT_THAT(parsed->Values(c.positional), ElementsAreArray(c.want)) << c.line.front();
  }
}

TEST(OptionOrder, LicenseSubcommandsTakeTheExpressionWhereverItComes) {
  const std::vector<std::vector<std::string>> lines = {
      {"license", "check", "--policy", "p.json", "MIT", "--component", "x"},
      {"license", "check", "MIT", "--policy", "p.json", "--json"},
      {"license", "explain", "--component", "x", "MIT", "--policy", "p.json"},
  };
  for (const auto& line : lines) {
    auto parsed = Parse(line);
    EXPECT_EQ(parsed->error, "");
    EXPECT_THAT(parsed->Values("expression", parsed->command->get_subcommand(line[1])), ElementsAre("MIT"));
  }
  auto hf = Parse({"license", "from-hf", "--license-name", "acme", "other", "--license-link", "u"});
  EXPECT_EQ(hf->error, "");
  EXPECT_THAT(hf->Values("id", hf->command->get_subcommand("from-hf")), ElementsAre("other"));
}

TEST(OptionOrder, RepeatedOptionsKeepTheirOrder) {
  auto pack = Parse({"pack", "--entrypoint", "/bin/sh", "-o", "i.oci.tar", "--entrypoint=-c", "--cmd", "a", "--dir",
                     "d", "--cmd", "b"});
  EXPECT_EQ(pack->error, "");
  EXPECT_THAT(pack->Values("--entrypoint"), ElementsAre("/bin/sh", "-c"));
  EXPECT_THAT(pack->Values("--cmd"), ElementsAre("a", "b"));
  auto attest = Parse({"attest", "--subject", "a", "-o", "o.intoto.jsonl", "--subject", "b", "--external", "k=v"});
  EXPECT_EQ(attest->error, "");
  EXPECT_THAT(attest->Values("--subject"), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace fnseal::cli
