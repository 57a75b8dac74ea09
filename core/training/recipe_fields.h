#pragma once
// Every field of a training recipe a user can set, described once: its key, kind, range, help
// and how to read and write it on TrainOptions. The CLI's flags, the app's recipe and augmentation
// forms, the settings the app remembers and the range checks of validate_options are all made
// from this table, so a new field is added here and nowhere else. Plain C++, no LibTorch.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "core/training/train_options.h"

namespace mnist {

enum class FieldKind {
    Integer,   // int or int64 member
    Unsigned,  // the seed
    Real,      // double
    Flag,      // bool
    Choice,    // one of `choices`, in core's spelling (to_string / parse_*)
    Text,      // a path
};

// A field's value; the alternative follows the kind: Integer int64, Unsigned uint64, Real double,
// Flag bool, Choice and Text std::string.
using FieldValue = std::variant<std::int64_t, std::uint64_t, double, bool, std::string>;

struct FieldChoice {
    std::string value;  // core's spelling: what the CLI takes and the settings store
    std::string label;  // what the app's combo box shows
};

// min..max; an end is excluded when its *_open is set. Infinite ends are unbounded; NaN and
// infinities are never inside.
struct FieldRange {
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool min_open = false;
    bool max_open = false;
    bool contains(double value) const;
    bool bounded_above() const { return max != std::numeric_limits<double>::infinity(); }
};

// How the app's form shows a number: value × scale with `decimals`, stepping by `step` (in shown
// units); `special` is shown instead of the form's minimum ("off", "all cores").
struct FieldLook {
    int decimals = 0;
    double step = 1.0;
    double scale = 1.0;  // 100: a fraction shown as a percentage
    std::string prefix, suffix, special;
};

struct RecipeField {
    std::string key;   // TrainOptions' name; the app's settings key models/<Model>/<key>
    std::string flag;  // the CLI's flag, without "--"
    std::string name;  // in words, for messages: "learning rate"
    FieldKind kind = FieldKind::Integer;
    bool int_sized = false;            // Integer held in an int: larger numbers do not fit
    std::vector<FieldChoice> choices;  // Choice only
    std::string help;                  // the CLI's --help line
    std::string negation_flag;         // Flag only: a second flag that sets it false
    std::string negation_help;
    // What training accepts (validate_options refuses the rest with range_problem's message).
    FieldRange valid;
    // The CLI refuses a value outside `valid` while parsing (CLI11's POSITIVE / NONNEGATIVE
    // check) rather than after the recipe is merged.
    bool cli_checks_range = false;
    // The app's form shows the field (and remembers it per model); `label` (& marks the
    // shortcut), `tip`, and for numbers `form_range`, inside `valid`: the values a person picks.
    bool in_form = false;
    std::string label, tip;
    FieldRange form_range;
    FieldLook look;

    std::function<FieldValue(const TrainOptions&)> get;
    // Takes the alternative of the field's kind. Throws InvalidArgument naming an unknown choice
    // or a number too large for the member.
    std::function<void(TrainOptions&, const FieldValue&)> set;
};

// In the order the CLI lists them.
const std::vector<RecipeField>& recipe_fields();
// Throws InvalidArgument naming an unknown key.
const RecipeField& recipe_field(const std::string& key);

// The field's value in `model`'s `recipe` (recommended_options).
FieldValue recipe_default(const RecipeField& field, const std::string& model,
                          const std::string& recipe = "default");

// Empty when `value` is inside the field's valid range (and finite where the range says so);
// otherwise what is wrong, e.g. "learning rate must be a finite positive number (got -1)".
std::string range_problem(const RecipeField& field, const FieldValue& value);

// A number field's value as a double (for ranges and spin boxes); 0 for the other kinds.
double field_number(const FieldValue& value);

}  // namespace mnist
