// Fuzzes in-toto statement parsing. An accepted statement must survive serialize -> parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/statement/statement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = fnseal::ParseStatement(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.ok()) return 0;
  auto again = fnseal::ParseStatement(fnseal::SerializeStatement(*parsed));
  if (!again.ok() || again->subjects.size() != parsed->subjects.size() ||
      again->predicate_type != parsed->predicate_type || again->predicate != parsed->predicate) {
    std::abort();
  }
  return 0;
}
