#include <xgrad/core/detail/bounded_json.hpp>

#include <fmt/format.h>

namespace xgrad {
namespace {
/// Thrown from the parser callback to stop at the first too-deep container.
struct TooDeep {};
}  // namespace

bool parse_json_bounded(std::string_view text, nlohmann::json& out, std::string& error) {
  using json = nlohmann::json;
  // The callback sees each container as it opens, with its depth (0 for the outermost).
  const json::parser_callback_t bound = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth)
      throw TooDeep{};
    return true;
  };
  try {
    out = json::parse(text.begin(), text.end(), bound);
    return true;
  } catch (const TooDeep&) {
    error = fmt::format("nested deeper than {} levels (a corrupt or hostile file?)", kMaxJsonDepth);
  } catch (const json::exception& e) {
    error = fmt::format("not valid JSON ({})", e.what());
  }
  out = json();
  return false;
}

std::string json_excerpt(const nlohmann::json& value, size_t max_chars) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > max_chars) {
    // Cut on a UTF-8 character boundary (continuation bytes are 10xxxxxx).
    size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "...";
  }
  return text;
}

}  // namespace xgrad
