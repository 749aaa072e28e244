// Fuzzes converting a Hugging Face card's license fields (untrusted text from a model card). The
// input is "id\nlicense_name\nlicense_link". No input may crash; an accepted conversion must be a
// valid SPDX expression, a LicenseRef- built from license_name for "other", and a rejection must
// say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/licenses/expression.h"
#include "provenance/licenses/huggingface_licenses.h"

namespace {
std::string_view NextLine(std::string_view* rest) {
  size_t eol = rest->find('\n');
  std::string_view line = rest->substr(0, eol);
  rest->remove_prefix(eol == std::string_view::npos ? rest->size() : eol + 1);
  return line;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view id = NextLine(&rest);
  const std::string_view name = NextLine(&rest);
  const std::string_view link = rest;
  auto mapping = fnseal::MapHuggingFaceLicense(id, name, link);
  if (!mapping.ok()) {
    if (mapping.status().code() != fnseal::StatusCode::kInvalidArgument || mapping.status().message().empty()) {
      std::abort();
    }
    return 0;
  }
  auto parsed = fnseal::ParseLicenseExpression(mapping->expression);
  if (!parsed.ok() || fnseal::ToString(*parsed) != mapping->expression) std::abort();
  if (mapping->source == fnseal::HfLicenseSource::kOther &&
      (parsed->kind != fnseal::LicenseExpression::Kind::kLicenseRef || mapping->license_link != link)) {
    std::abort();
  }
  if (fnseal::ToJson(*mapping).dump(-1, ' ', false, fnseal::Json::error_handler_t::replace).empty()) std::abort();
  return 0;
}
