#include "provenance/licenses/expression.h"

#include <cstdio>
#include <utility>

#include "core/strings.h"
#include "provenance/licenses/license_list.h"
#include "provenance/licenses/suggest.h"

namespace fnseal {
namespace {

using Kind = LicenseExpression::Kind;

constexpr std::string_view kLicenseRef = "LicenseRef-";
constexpr std::string_view kDocumentRef = "DocumentRef-";
constexpr std::string_view kAdditionRef = "AdditionRef-";

enum class TokenKind { kWord, kOpen, kClose, kPlus, kEnd };

struct Token {
  TokenKind kind;
  std::string_view text;
  size_t column;      // 1-based
  bool space_before;  // whitespace directly before it
};

bool IsWordChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == ':';
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Status ErrorAt(size_t column, const std::string& message) {
  return InvalidArgumentError("column " + std::to_string(column) + ": " + message);
}

// An operator keyword in any case: "and", "And", "OR", ... (empty if `word` is none).
std::string OperatorName(std::string_view word) {
  std::string lower = AsciiLower(word);
  if (lower == "and" || lower == "or" || lower == "with") return lower;
  return "";
}

// True if `word` is operator `upper` ("AND") spelled all upper or all lower case, as SPDX requires.
bool IsOperator(const Token& token, std::string_view upper) {
  return token.kind == TokenKind::kWord && (token.text == upper || token.text == AsciiLower(upper));
}

// "[DocumentRef-<idstring>:]<prefix><idstring>" with the given prefix; false if it is not one.
bool IsRef(std::string_view word, std::string_view prefix) {
  if (size_t colon = word.find(':'); colon != std::string_view::npos) {
    std::string_view document = word.substr(0, colon);
    if (!StartsWith(document, kDocumentRef) || document.size() == kDocumentRef.size()) return false;
    word = word.substr(colon + 1);
  }
  return StartsWith(word, prefix) && word.size() > prefix.size() && word.find(':') == std::string_view::npos;
}

Result<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  bool space = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const size_t column = i + 1;
    if (c == ' ' || c == '\t') {
      space = true;
      ++i;
      continue;
    }
    if (c == '(' || c == ')' || c == '+') {
      TokenKind kind = c == '(' ? TokenKind::kOpen : c == ')' ? TokenKind::kClose : TokenKind::kPlus;
      tokens.push_back({kind, text.substr(i, 1), column, space});
      ++i;
    } else if (IsWordChar(c)) {
      size_t end = i;
      while (end < text.size() && IsWordChar(text[end])) ++end;
      tokens.push_back({TokenKind::kWord, text.substr(i, end - i), column, space});
      i = end;
    } else if (c >= 0x21 && c <= 0x7e) {
      return ErrorAt(column, std::string("unexpected character '") + c + "'");
    } else {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(c));
      return ErrorAt(column, std::string("unexpected byte ") + byte + " (only ASCII, spaces and tabs are valid)");
    }
    space = false;
  }
  tokens.push_back({TokenKind::kEnd, "", text.size() + 1, space});
  return tokens;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, ExpressionLimits limits) : tokens_(std::move(tokens)), limits_(limits) {}

  Result<LicenseExpression> ParseWhole() {
    if (tokens_.size() == 1) return ErrorAt(1, "empty expression");
    // NONE and NOASSERTION are complete values of a license field, not operands.
    if (tokens_.size() == 2 && (tokens_[0].text == "NONE" || tokens_[0].text == "NOASSERTION")) {
      LicenseExpression e;
      e.kind = tokens_[0].text == "NONE" ? Kind::kNone : Kind::kNoAssertion;
      e.column = tokens_[0].column;
      return e;
    }
    ASSIGN_OR_RETURN(LicenseExpression e, ParseOr(0));
    if (Peek().kind != TokenKind::kEnd) return Unexpected();
    return e;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }
  // What was read last, for "after ..." in messages.
  std::string After() const {
    if (pos_ == 0) return "";
    const Token& last = tokens_[pos_ - 1];
    return " after " + Quote(last.text);
  }

  // Adds `operand` to the operands of a `kind` node, splicing in an operand of the same kind.
  static void Append(Kind kind, LicenseExpression operand, std::vector<LicenseExpression>* operands) {
    if (operand.kind == kind) {
      for (LicenseExpression& inner : operand.operands) operands->push_back(std::move(inner));
    } else {
      operands->push_back(std::move(operand));
    }
  }

  Result<LicenseExpression> ParseBinary(Kind kind, std::string_view op, size_t depth) {
    ASSIGN_OR_RETURN(LicenseExpression first, kind == Kind::kOr ? ParseBinary(Kind::kAnd, "AND", depth)
                                                                 : ParseWith(depth));
    if (!IsOperator(Peek(), op)) return first;
    LicenseExpression node;
    node.kind = kind;
    node.column = first.column;
    Append(kind, std::move(first), &node.operands);
    while (IsOperator(Peek(), op)) {
      Next();
      ASSIGN_OR_RETURN(LicenseExpression operand, kind == Kind::kOr ? ParseBinary(Kind::kAnd, "AND", depth)
                                                                     : ParseWith(depth));
      Append(kind, std::move(operand), &node.operands);
    }
    return node;
  }
  Result<LicenseExpression> ParseOr(size_t depth) { return ParseBinary(Kind::kOr, "OR", depth); }

  Result<LicenseExpression> ParseWith(size_t depth) {
    const bool parenthesized = Peek().kind == TokenKind::kOpen;
    ASSIGN_OR_RETURN(LicenseExpression e, ParsePrimary(depth));
    if (!IsOperator(Peek(), "WITH")) return e;
    const Token& with = Next();
    if (parenthesized || !e.is_leaf()) {
      return ErrorAt(with.column, "WITH must follow a single license, not a parenthesized expression");
    }
    const Token& t = Next();
    if (t.kind == TokenKind::kEnd) return ErrorAt(t.column, "expected an exception id after " + Quote(with.text));
    if (t.kind != TokenKind::kWord) {
      return ErrorAt(t.column, "expected an exception id after " + Quote(with.text) + ", found " + Quote(t.text));
    }
    if (!OperatorName(t.text).empty()) {
      return ErrorAt(t.column, "expected an exception id after " + Quote(with.text) + ", found the operator " +
                                   Quote(t.text));
    }
    if (t.text.find(':') != std::string_view::npos || StartsWith(t.text, kAdditionRef)) {
      if (!IsRef(t.text, kAdditionRef)) {
        return ErrorAt(t.column, Quote(t.text) + " is not a valid 'DocumentRef-...:AdditionRef-...' reference");
      }
      e.exception = std::string(t.text);
      e.addition_ref = true;
      return e;
    }
    if (const SpdxException* exception = FindSpdxException(t.text)) {
      e.exception = exception->id;
      e.exception_deprecated = exception->deprecated;
      return e;
    }
    if (FindSpdxLicense(t.text) != nullptr || IsRef(t.text, kLicenseRef)) {
      return ErrorAt(t.column, Quote(t.text) + " is a license, not an exception");
    }
    if (StartsWith(AsciiLower(t.text), AsciiLower(kAdditionRef))) {
      return ErrorAt(t.column, "unknown exception id " + Quote(t.text) + " (the prefix 'AdditionRef-' is case-sensitive)");
    }
    return ErrorAt(t.column, "unknown exception id " + Quote(t.text) + DidYouMean(SuggestExceptionId(t.text)));
  }

  Result<LicenseExpression> ParsePrimary(size_t depth) {
    const std::string after = After();
    const Token& t = Next();
    switch (t.kind) {
      case TokenKind::kEnd:
        return ErrorAt(t.column, "expected a license id" + after);
      case TokenKind::kClose:
        return ErrorAt(t.column, "expected a license id" + after + ", found ')'");
      case TokenKind::kPlus:
        return ErrorAt(t.column, "'+' must directly follow a license id");
      case TokenKind::kOpen: {
        if (depth >= limits_.max_depth) {
          return ResourceExhaustedError("column " + std::to_string(t.column) + ": parentheses nest deeper than " +
                                        std::to_string(limits_.max_depth));
        }
        ASSIGN_OR_RETURN(LicenseExpression inner, ParseOr(depth + 1));
        if (Peek().kind == TokenKind::kClose) {
          Next();
          return inner;
        }
        if (Peek().kind == TokenKind::kEnd) {
          return ErrorAt(Peek().column, "expected ')' to close the '(' at column " + std::to_string(t.column));
        }
        return Unexpected();
      }
      case TokenKind::kWord:
        break;
    }
    if (!OperatorName(t.text).empty()) {
      return ErrorAt(t.column, "expected a license id" + after + ", found the operator " + Quote(t.text));
    }
    if (t.text == "NONE" || t.text == "NOASSERTION") {
      return ErrorAt(t.column, std::string(t.text) + " is valid only as the whole expression");
    }
    if (++terms_ > limits_.max_terms) {
      return ResourceExhaustedError("column " + std::to_string(t.column) + ": more than " +
                                    std::to_string(limits_.max_terms) + " licenses in one expression");
    }
    LicenseExpression leaf;
    leaf.column = t.column;
    if (t.text.find(':') != std::string_view::npos || StartsWith(t.text, kLicenseRef) ||
        StartsWith(t.text, kAdditionRef)) {
      if (IsRef(t.text, kAdditionRef)) {
        return ErrorAt(t.column, Quote(t.text) + " is an addition, valid only after WITH");
      }
      if (!IsRef(t.text, kLicenseRef)) {
        return ErrorAt(t.column, Quote(t.text) + " is not a valid '[DocumentRef-...:]LicenseRef-...' reference");
      }
      leaf.kind = Kind::kLicenseRef;
      leaf.license = std::string(t.text);
      if (Peek().kind == TokenKind::kPlus) {
        return ErrorAt(Peek().column, "'+' is valid only after an SPDX license id, not after a LicenseRef");
      }
      return leaf;
    }
    if (const SpdxLicense* license = FindSpdxLicense(t.text)) {
      leaf.kind = Kind::kLicense;
      leaf.license = license->id;
      leaf.deprecated = license->deprecated;
    } else if (FindSpdxException(t.text) != nullptr) {
      return ErrorAt(t.column, Quote(t.text) + " is a license exception, valid only after WITH");
    } else {
      const std::string lower = AsciiLower(t.text);
      if (StartsWith(lower, AsciiLower(kLicenseRef)) || StartsWith(lower, AsciiLower(kDocumentRef)) ||
          StartsWith(lower, AsciiLower(kAdditionRef))) {
        return ErrorAt(t.column, "unknown license id " + Quote(t.text) +
                                     " (the prefixes 'LicenseRef-', 'DocumentRef-' and 'AdditionRef-' are "
                                     "case-sensitive)");
      }
      return ErrorAt(t.column, "unknown license id " + Quote(t.text) +
                                   DidYouMean(SuggestLicenseId(t.text),
                                              " (use LicenseRef-... for licenses not on the SPDX list)"));
    }
    if (Peek().kind == TokenKind::kPlus) {
      const Token& plus = Next();
      if (plus.space_before) return ErrorAt(plus.column, "no whitespace is allowed before '+'");
      leaf.or_later = true;
      if (Peek().kind == TokenKind::kWord && !Peek().space_before) {
        return ErrorAt(Peek().column, "expected whitespace after '+'");
      }
    }
    return leaf;
  }

  // The token after a complete operand is none of the operators or the ')' that may follow it.
  Status Unexpected() const {
    const Token& t = Peek();
    const std::string after = After();
    switch (t.kind) {
      case TokenKind::kClose:
        return ErrorAt(t.column, "unmatched ')'");
      case TokenKind::kOpen:
        return ErrorAt(t.column, "expected AND or OR before '('");
      case TokenKind::kPlus:
        return ErrorAt(t.column, "'+' must directly follow a license id");
      case TokenKind::kEnd:
        return ErrorAt(t.column, "unexpected end");
      case TokenKind::kWord:
        break;
    }
    if (std::string name = OperatorName(t.text); !name.empty()) {
      if (t.text != name && t.text != Upper(name)) {
        return ErrorAt(t.column, "operator " + Quote(t.text) + " must be all upper or all lower case");
      }
      // AND and OR are always consumed where valid, so this is a second WITH.
      return ErrorAt(t.column, "a license takes at most one WITH exception");
    }
    return ErrorAt(t.column, "expected an operator (AND, OR, WITH) or ')'" + after + ", found " + Quote(t.text));
  }

  std::vector<Token> tokens_;
  ExpressionLimits limits_;
  size_t pos_ = 0;
  size_t terms_ = 0;
};

std::string LeafString(const LicenseExpression& e) {
  switch (e.kind) {
    case Kind::kNone: return "NONE";
    case Kind::kNoAssertion: return "NOASSERTION";
    default: break;
  }
  std::string out = e.license;
  if (e.or_later) out += "+";
  if (!e.exception.empty()) out += " WITH " + e.exception;
  return out;
}

}  // namespace

Result<LicenseExpression> ParseLicenseExpression(std::string_view text, ExpressionLimits limits) {
  if (text.size() > limits.max_length) {
    return ResourceExhaustedError("license expression is " + std::to_string(text.size()) +
                                  " bytes, more than the limit of " + std::to_string(limits.max_length));
  }
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  return Parser(std::move(tokens), limits).ParseWhole();
}

std::string ToString(const LicenseExpression& e) {
  if (e.is_leaf()) return LeafString(e);
  const bool is_and = e.kind == Kind::kAnd;
  std::string out;
  for (const LicenseExpression& operand : e.operands) {
    if (!out.empty()) out += is_and ? " AND " : " OR ";
    // Only an OR inside an AND needs parentheses: WITH binds tighter than both, AND than OR.
    if (is_and && operand.kind == Kind::kOr) {
      out += "(" + ToString(operand) + ")";
    } else {
      out += ToString(operand);
    }
  }
  return out;
}

Json ToJson(const LicenseExpression& e) {
  switch (e.kind) {
    case Kind::kAnd:
    case Kind::kOr: {
      Json operands = Json::array();
      for (const LicenseExpression& operand : e.operands) operands.push_back(ToJson(operand));
      return {{"type", e.kind == Kind::kAnd ? "and" : "or"}, {"operands", std::move(operands)}};
    }
    case Kind::kNone:
      return {{"type", "none"}};
    case Kind::kNoAssertion:
      return {{"type", "noassertion"}};
    case Kind::kLicense:
    case Kind::kLicenseRef:
      break;
  }
  Json leaf = {{"type", e.kind == Kind::kLicense ? "license" : "licenseRef"}, {"license", e.license}};
  if (e.or_later) leaf["plus"] = true;
  if (e.deprecated) leaf["deprecated"] = true;
  if (!e.exception.empty()) {
    leaf["exception"] = e.exception;
    leaf["exceptionType"] = e.addition_ref ? "additionRef" : "exception";
    if (e.exception_deprecated) leaf["exceptionDeprecated"] = true;
  }
  return leaf;
}

}  // namespace fnseal
