// Differential fuzzing of the strict JSON parser against nlohmann/json's own parser: both must
// accept and reject the same documents (except that the strict parser also refuses duplicate
// keys, and a NUL byte, where nlohmann stops reading and accepts what came before) and read the
// same values with the same number types.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const fnseal::Json reference = fnseal::Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  fnseal::JsonLimits limits;
  limits.max_depth = 512;  // nlohmann has none; deeper documents are refused (and dump() would recurse)
  const auto ours = fnseal::ParseJsonStrict(text, "input", limits);
  if (reference.is_discarded()) {
    if (ours.ok()) std::abort();
    return 0;
  }
  if (!ours.ok()) {
    const std::string& message = ours.status().message();
    if (message.find("twice") == std::string::npos && message.find("nests deeper") == std::string::npos &&
        text.find('\0') == std::string_view::npos) {
      std::abort();
    }
    return 0;
  }
  if (ours->dump() != reference.dump()) std::abort();
  return 0;
}
