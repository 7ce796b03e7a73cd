#pragma once
// A FrozenTrial as JSON text: how the SQLite storage keeps a trial and how Study::write_json
// exports one. Values keep their types (an int stays an int, a string a string).
#include <string>

#include <xgrad/tune/frozen_trial.hpp>

namespace xgrad::tune {

std::string trial_to_json(const FrozenTrial& trial);
/// IOError naming `where` when the text is not a trial this version wrote.
FrozenTrial trial_from_json(const std::string& text, const std::string& where);
/// A value as JSON text (number, string, bool or list).
std::string value_to_json(const Value& v);

}  // namespace xgrad::tune
