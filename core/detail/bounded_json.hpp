#pragma once
// JSON parsing with a bound on nesting, for headers and metadata read from files. nlohmann's
// parser is iterative, but dump() and recursive walks over the parsed value are not: a 200 KB
// file of nested brackets would overflow the stack in them. Real headers nest 3 levels deep.
// Internal to the library (nlohmann-json is a private dependency): include from .cpp files.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace xgrad {

/// The deepest nesting accepted (objects and arrays inside each other).
constexpr int kMaxJsonDepth = 64;

/// Parses `text` into `out`. False, with the reason in `error` ("not valid JSON (...)" or
/// "nested deeper than 64 levels"), when it is not JSON or nests too deep.
///   Example: if (!parse_json_bounded(text, header, why)) throw IOError(path + ": " + why);
bool parse_json_bounded(std::string_view text, nlohmann::json& out, std::string& error);

/// A value's JSON text for an error message: at most `max_chars` characters (then "..."),
/// invalid UTF-8 replaced, never throwing.  Example: fmt::format("got {}", json_excerpt(v))
std::string json_excerpt(const nlohmann::json& value, size_t max_chars = 60);

}  // namespace xgrad
