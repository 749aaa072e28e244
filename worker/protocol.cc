#include "worker/protocol.h"

namespace fnseal::worker {
namespace {

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
constexpr int kVarint = 0;
constexpr int kFixed64 = 1;
constexpr int kLengthDelimited = 2;
constexpr int kFixed32 = 5;

// Reads protobuf fields from a message held in memory.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ == data_.size(); }

  // At most 10 bytes: the 10th may only hold the 64th bit.
  Result<uint64_t> Varint(std::string_view what) {
    uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ == data_.size()) return DataLossError(std::string(what) + " ends inside a varint");
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      if (shift == 63 && byte > 1) return DataLossError(std::string(what) + " has a varint over 64 bits");
      value |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return value;
    }
  }

  // The bytes of a length-delimited field, after its tag.
  Result<std::string_view> Bytes(std::string_view what) {
    ASSIGN_OR_RETURN(uint64_t length, Varint(what));
    if (length > data_.size() - pos_) {
      return DataLossError(std::string(what) + " has a field of " + std::to_string(length) + " bytes, past its end");
    }
    std::string_view bytes = data_.substr(pos_, length);
    pos_ += length;
    return bytes;
  }

  // Skips a field of an unknown number, as protobuf requires; groups are refused.
  Status Skip(int wire_type, std::string_view what) {
    switch (wire_type) {
      case kVarint:
        return Varint(what).status();
      case kLengthDelimited:
        return Bytes(what).status();
      case kFixed64:
      case kFixed32: {
        const size_t size = wire_type == kFixed64 ? 8 : 4;
        if (size > data_.size() - pos_) return DataLossError(std::string(what) + " ends inside a fixed-size field");
        pos_ += size;
        return OkStatus();
      }
      default:
        return DataLossError(std::string(what) + " has a field of wire type " + std::to_string(wire_type) +
                             ", which protobuf no longer writes");
    }
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// A tag: field number and wire type. Field number 0 is never valid.
Status ReadTag(WireReader* r, std::string_view what, uint64_t* field, int* wire_type) {
  ASSIGN_OR_RETURN(uint64_t tag, r->Varint(what));
  *field = tag >> 3;
  *wire_type = static_cast<int>(tag & 7);
  if (*field == 0 || *field > 0x1fffffff) return DataLossError(std::string(what) + " has an invalid field number");
  return OkStatus();
}

Status ExpectWireType(int got, int want, std::string_view what, const char* field) {
  if (got == want) return OkStatus();
  return DataLossError(std::string(what) + " field '" + field + "' has wire type " + std::to_string(got) + ", not " +
                       std::to_string(want));
}

// int32 fields are varints; negative values are sign-extended to 64 bits. Protobuf keeps the
// low 32 bits of any varint given for an int32.
int32_t ToInt32(uint64_t value) { return static_cast<int32_t>(static_cast<uint32_t>(value & 0xffffffffu)); }

// Checks one Input {string path = 1; bytes digest = 2;}; the worker does not use them.
Status CheckInput(std::string_view message) {
  constexpr std::string_view kWhat = "work request input";
  WireReader r(message);
  while (!r.done()) {
    uint64_t field;
    int wire_type;
    RETURN_IF_ERROR(ReadTag(&r, kWhat, &field, &wire_type));
    if (field == 1 || field == 2) {
      RETURN_IF_ERROR(ExpectWireType(wire_type, kLengthDelimited, kWhat, field == 1 ? "path" : "digest"));
      RETURN_IF_ERROR(r.Bytes(kWhat));
    } else {
      RETURN_IF_ERROR(r.Skip(wire_type, kWhat));
    }
  }
  return OkStatus();
}

void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void PutInt32Field(uint32_t field, int32_t value, std::string* out) {
  if (value == 0) return;  // proto3 leaves out default values
  PutVarint(uint64_t{field} << 3 | kVarint, out);
  PutVarint(static_cast<uint64_t>(static_cast<int64_t>(value)), out);
}

}  // namespace

Result<WorkRequest> ParseWorkRequest(std::string_view message, const WorkerLimits& limits) {
  constexpr std::string_view kWhat = "work request";
  if (message.size() > limits.max_message_size) {
    return ResourceExhaustedError("work request of " + std::to_string(message.size()) + " bytes exceeds the limit of " +
                                  std::to_string(limits.max_message_size));
  }
  WorkRequest request;
  WireReader r(message);
  while (!r.done()) {
    uint64_t field;
    int wire_type;
    RETURN_IF_ERROR(ReadTag(&r, kWhat, &field, &wire_type));
    switch (field) {
      case 1: {  // repeated string arguments
        RETURN_IF_ERROR(ExpectWireType(wire_type, kLengthDelimited, kWhat, "arguments"));
        ASSIGN_OR_RETURN(std::string_view argument, r.Bytes(kWhat));
        if (request.arguments.size() == limits.max_arguments) {
          return ResourceExhaustedError("work request has more than " + std::to_string(limits.max_arguments) +
                                        " arguments");
        }
        if (argument.size() > limits.max_argument_size) {
          return ResourceExhaustedError("work request argument " + std::to_string(request.arguments.size() + 1) +
                                        " is longer than " + std::to_string(limits.max_argument_size) + " bytes");
        }
        if (argument.find('\0') != std::string_view::npos) {
          return InvalidArgumentError("work request argument " + std::to_string(request.arguments.size() + 1) +
                                      " contains a NUL byte");
        }
        request.arguments.emplace_back(argument);
        break;
      }
      case 2: {  // repeated Input inputs
        RETURN_IF_ERROR(ExpectWireType(wire_type, kLengthDelimited, kWhat, "inputs"));
        ASSIGN_OR_RETURN(std::string_view input, r.Bytes(kWhat));
        if (request.inputs == limits.max_inputs) {
          return ResourceExhaustedError("work request lists more than " + std::to_string(limits.max_inputs) +
                                        " inputs");
        }
        RETURN_IF_ERROR(CheckInput(input));
        ++request.inputs;
        break;
      }
      case 3:    // int32 request_id
      case 5: {  // int32 verbosity
        RETURN_IF_ERROR(ExpectWireType(wire_type, kVarint, kWhat, field == 3 ? "request_id" : "verbosity"));
        ASSIGN_OR_RETURN(uint64_t value, r.Varint(kWhat));
        (field == 3 ? request.request_id : request.verbosity) = ToInt32(value);
        break;
      }
      case 4: {  // bool cancel
        RETURN_IF_ERROR(ExpectWireType(wire_type, kVarint, kWhat, "cancel"));
        ASSIGN_OR_RETURN(uint64_t value, r.Varint(kWhat));
        request.cancel = value != 0;
        break;
      }
      case 6: {  // string sandbox_dir
        RETURN_IF_ERROR(ExpectWireType(wire_type, kLengthDelimited, kWhat, "sandbox_dir"));
        ASSIGN_OR_RETURN(std::string_view dir, r.Bytes(kWhat));
        if (dir.size() > limits.max_argument_size) {
          return ResourceExhaustedError("work request sandbox_dir is longer than " +
                                        std::to_string(limits.max_argument_size) + " bytes");
        }
        request.sandbox_dir = std::string(dir);
        break;
      }
      default:
        RETURN_IF_ERROR(r.Skip(wire_type, kWhat));
    }
  }
  return request;
}

std::string SerializeWorkResponse(const WorkResponse& response) {
  std::string out;
  PutInt32Field(1, response.exit_code, &out);
  if (!response.output.empty()) {
    PutVarint(uint64_t{2} << 3 | kLengthDelimited, &out);
    PutVarint(response.output.size(), &out);
    out += response.output;
  }
  PutInt32Field(3, response.request_id, &out);
  return out;
}

Result<std::optional<std::string>> ReadDelimited(ByteSource* in, size_t max_size) {
  uint64_t length = 0;
  for (int i = 0;; ++i) {
    unsigned char byte;
    ASSIGN_OR_RETURN(size_t n, in->Read(&byte, 1));
    if (n == 0) {
      if (i == 0) return std::optional<std::string>();
      return DataLossError("work request stream ends inside a length prefix");
    }
    if (i == 9 && byte > 1) return DataLossError("work request length prefix is over 64 bits");
    length |= uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  if (length > max_size) {
    return ResourceExhaustedError("work request of " + std::to_string(length) + " bytes exceeds the limit of " +
                                  std::to_string(max_size));
  }
  std::string message(length, '\0');
  RETURN_IF_ERROR(ReadExactly(in, message.data(), message.size(), "work request"));
  return std::optional<std::string>(std::move(message));
}

std::string Delimited(std::string_view message) {
  std::string out;
  PutVarint(message.size(), &out);
  out += message;
  return out;
}

}  // namespace fnseal::worker
