#include "core/training/recipe_fields.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <thread>

#include "core/errors.h"
#include "core/number_text.h"
#include "core/training/recipes.h"

namespace mnist {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Whole numbers as they were typed; reals as %g ("1e-05", "0.999").
std::string shown(const FieldValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    if (const auto* u = std::get_if<std::uint64_t>(&value)) return std::to_string(*u);
    if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
    return {};
}

FieldRange at_least(double min) {
    return {min, kInf, false, false};
}
FieldRange above(double min) {
    return {min, kInf, true, false};
}
FieldRange between(double min, double max) {
    return {min, max, false, false};
}

// Builds one row of the table with chained setters, so each row reads as a list of its facts.
class Def {
  public:
    Def(FieldKind kind, const char* key, const char* flag, const char* name) {
        f_.kind = kind;
        f_.key = key;
        f_.flag = flag;
        f_.name = name;
    }
    Def& help(const char* text) {
        f_.help = text;
        return *this;
    }
    Def& int_sized(bool yes) {
        f_.int_sized = yes;
        return *this;
    }
    Def& valid(FieldRange range, bool checked_by_cli = false) {
        f_.valid = range;
        f_.cli_checks_range = checked_by_cli;
        return *this;
    }
    Def& form(const char* label, const char* tip) {
        f_.in_form = true;
        f_.label = label;
        f_.tip = tip;
        return *this;
    }
    Def& form_range(double min, double max) {
        f_.form_range = between(min, max);
        return *this;
    }
    Def& look(int decimals, double step, double scale = 1.0, const char* prefix = "",
              const char* suffix = "") {
        f_.look.decimals = decimals;
        f_.look.step = step;
        f_.look.scale = scale;
        f_.look.prefix = prefix;
        f_.look.suffix = suffix;
        return *this;
    }
    Def& special(const char* text) {
        f_.look.special = text;
        return *this;
    }
    Def& negation(const char* flag, const char* help) {
        f_.negation_flag = flag;
        f_.negation_help = help;
        return *this;
    }
    Def& choices(std::vector<FieldChoice> choices) {
        f_.choices = std::move(choices);
        return *this;
    }
    Def& access(std::function<FieldValue(const TrainOptions&)> get,
                std::function<void(TrainOptions&, const FieldValue&)> set) {
        f_.get = std::move(get);
        f_.set = std::move(set);
        return *this;
    }
    RecipeField done() const { return f_; }

  private:
    RecipeField f_;
};

// An int or int64 member of TrainOptions.
template <class T>
Def integer(const char* key, const char* flag, const char* name, T TrainOptions::*member) {
    const std::string words = name;
    return Def(FieldKind::Integer, key, flag, name)
        .int_sized(sizeof(T) <= sizeof(int))
        .access(
            [member](const TrainOptions& o) -> FieldValue {
                return static_cast<std::int64_t>(o.*member);
            },
            [member, words](TrainOptions& o, const FieldValue& v) {
                const std::int64_t n = std::get<std::int64_t>(v);
                if (n < std::numeric_limits<T>::min() || n > std::numeric_limits<T>::max()) {
                    throw InvalidArgument(words + " " + std::to_string(n) + " is out of range");
                }
                o.*member = static_cast<T>(n);
            });
}

Def real(const char* key, const char* flag, const char* name, double TrainOptions::*member) {
    return Def(FieldKind::Real, key, flag, name)
        .access(
            [member](const TrainOptions& o) -> FieldValue { return o.*member; },
            [member](TrainOptions& o, const FieldValue& v) { o.*member = std::get<double>(v); });
}

Def flag(const char* key, const char* flag_name, const char* name, bool TrainOptions::*member) {
    return Def(FieldKind::Flag, key, flag_name, name)
        .access([member](const TrainOptions& o) -> FieldValue { return o.*member; },
                [member](TrainOptions& o, const FieldValue& v) { o.*member = std::get<bool>(v); });
}

Def text(const char* key, const char* flag, const char* name, std::string TrainOptions::*member) {
    return Def(FieldKind::Text, key, flag, name)
        .access([member](const TrainOptions& o) -> FieldValue { return o.*member; },
                [member](TrainOptions& o, const FieldValue& v) {
                    o.*member = std::get<std::string>(v);
                });
}

// An augmentation range: AugmentOptions keeps its values private behind chained setters.
Def augmentation(const char* key, const char* flag, const char* name,
                 double (AugmentOptions::*getter)() const,
                 void (*setter)(AugmentOptions&, double)) {
    return Def(FieldKind::Real, key, flag, name)
        .access(
            [getter](const TrainOptions& o) -> FieldValue { return (o.augmentation.*getter)(); },
            [setter](TrainOptions& o, const FieldValue& v) {
                setter(o.augmentation, std::get<double>(v));
            });
}

std::vector<FieldChoice> optimizer_choices() {
    std::vector<FieldChoice> choices;
    for (const auto& [kind, label] :
         {std::pair{OptimizerKind::Adam, "Adam"}, std::pair{OptimizerKind::AdamW, "AdamW"},
          std::pair{OptimizerKind::SGD, "SGD (momentum)"}}) {
        choices.push_back({to_string(kind), label});
    }
    return choices;
}

std::vector<FieldChoice> scheduler_choices() {
    std::vector<FieldChoice> choices;
    for (const auto& [kind, label] :
         {std::pair{SchedulerKind::ReduceOnPlateau, "ReduceLROnPlateau"},
          std::pair{SchedulerKind::OneCycle, "OneCycle"}, std::pair{SchedulerKind::Step, "StepLR"},
          std::pair{SchedulerKind::None, "None (constant)"}}) {
        choices.push_back({to_string(kind), label});
    }
    return choices;
}

std::vector<RecipeField> make_fields() {
    // Twice the cores is as far as more threads can still help; the form offers no more.
    const double max_threads = 2.0 * std::max(1u, std::thread::hardware_concurrency());
    std::vector<Def> rows = {
        integer("epochs", "epochs", "epochs", &TrainOptions::epochs)
            .help("epochs to train (default 15)")
            .valid(at_least(1), true)
            .form("Epochs", "How many passes over the 60,000 training images")
            .form_range(1, 500),
        integer("batch_size", "batch-size", "batch size", &TrainOptions::batch_size)
            .help("images per batch (default 128; Model_3's recipe 64)")
            .valid(at_least(1), true)
            .form("Batch size", "Images per optimizer step")
            .form_range(1, 8192),
        real("lr", "lr", "learning rate", &TrainOptions::lr)
            .help("learning rate; the start for plateau/step schedules (default 1e-3)")
            .valid(above(0), true)
            .form("Learning rate",
                  "Starting learning rate (for ReduceLROnPlateau, StepLR and no schedule)")
            .form_range(0.00001, 1.0)
            .look(5, 0.0001),
        Def(FieldKind::Unsigned, "seed", "seed", "seed")
            .access(
                [](const TrainOptions& o) -> FieldValue { return o.seed; },
                [](TrainOptions& o, const FieldValue& v) { o.seed = std::get<std::uint64_t>(v); })
            .help("random seed: same seed, same metrics on CPU (default 1)")
            .valid(at_least(0))
            .form("Seed", "Random seed: the same seed and recipe give the same run")
            .form_range(0, INT_MAX),
        // Checked by resolve_device when training starts: it also knows whether CUDA is there.
        Def(FieldKind::Choice, "device", "device", "device")
            .access(
                [](const TrainOptions& o) -> FieldValue { return o.device; },
                [](TrainOptions& o, const FieldValue& v) { o.device = std::get<std::string>(v); })
            .choices({{"auto", "Auto"}, {"cpu", "CPU"}, {"cuda", "CUDA"}})
            .help("auto (CUDA when available), cpu or cuda (default auto)")
            .form("Device", "Train on the CPU or the CUDA GPU"),
        integer("threads", "threads", "threads", &TrainOptions::threads)
            .help("CPU threads (default: all cores)")
            .valid(at_least(0), true)
            .form("Threads", "CPU threads for training (0 = all cores)")
            .form_range(0, max_threads)
            .special("all cores"),
        text("data_dir", "data", "data folder", &TrainOptions::data_dir)
            .help("directory holding the MNIST IDX files"),
        integer("val_split", "val-split", "validation split", &TrainOptions::val_split)
            .help("hold out N training images for validation; the test set is then scored once "
                  "at the end")
            .valid(at_least(0), true),
        text("out_dir", "out", "output folder", &TrainOptions::out_dir)
            .help("where best_<Model>.pth/.json and history_<Model>.csv go (default .)"),
        integer("limit_train", "limit-train", "training image limit", &TrainOptions::limit_train)
            .help("train on the first N training images only")
            .valid(at_least(0), true),
        integer("limit_test", "limit-test", "test image limit", &TrainOptions::limit_test)
            .help("evaluate on the first N test images only")
            .valid(at_least(0), true),
        Def(FieldKind::Choice, "optimizer", "optimizer", "optimizer")
            .choices(optimizer_choices())
            .access([](const TrainOptions& o) -> FieldValue { return to_string(o.optimizer); },
                    [](TrainOptions& o, const FieldValue& v) {
                        o.optimizer = parse_optimizer(std::get<std::string>(v));
                    })
            .help("adam, adamw or sgd (default adam)")
            .form("Optimizer", "The optimizer that updates the weights"),
        Def(FieldKind::Choice, "scheduler", "scheduler", "scheduler")
            .choices(scheduler_choices())
            .access([](const TrainOptions& o) -> FieldValue { return to_string(o.scheduler); },
                    [](TrainOptions& o, const FieldValue& v) {
                        o.scheduler = parse_scheduler(std::get<std::string>(v));
                    })
            .help("plateau, onecycle, step or none (default: the model's recipe)")
            .form("Scheduler",
                  "How the learning rate changes: halve it when validation loss stops falling "
                  "(plateau), warm up then anneal (OneCycle), decay every few epochs (step) or "
                  "keep it constant"),
        real("weight_decay", "weight-decay", "weight decay", &TrainOptions::weight_decay)
            .help("L2 penalty / AdamW decay (default 0)")
            .valid(at_least(0), true),
        real("max_lr", "max-lr", "max LR", &TrainOptions::max_lr)
            .help("OneCycle's peak learning rate (default 0.02)")
            .valid(above(0), true)
            .form("Max LR", "OneCycle's peak learning rate")
            .form_range(0.0001, 10.0)
            .look(4, 0.001),
        real("momentum", "momentum", "momentum", &TrainOptions::momentum)
            .help("SGD momentum (default 0.9)")
            .valid(at_least(0), true),
        integer("step_size", "step-size", "StepLR step size", &TrainOptions::step_size)
            .help("StepLR: epochs between decays (default 5)")
            .valid(at_least(1), true),
        flag("nesterov", "nesterov", "Nesterov momentum", &TrainOptions::nesterov)
            .help("SGD with Nesterov momentum"),
        real("ema_decay", "ema", "weight-average decay (ema)", &TrainOptions::ema_decay)
            .help("validate and save an exponential moving average of the weights with this "
                  "decay per step, e.g. 0.999 (0: off; the fast recipe's default 0.998)")
            .valid({0.0, 1.0, false, true})
            .form("Weight avg.",
                  "Validate and save a moving average of the weights, keeping this share of it "
                  "per step (0.998 averages about the last 500 steps): a steadier last epoch")
            .form_range(0.0, 0.9999)
            .look(4, 0.001)
            .special("off"),
        integer("early_stop", "early-stop", "early-stop patience", &TrainOptions::early_stop)
            .help("stop when validation accuracy has not improved for N epochs (0: off, the "
                  "default)")
            .valid(at_least(0), true)
            .form("Early stop",
                  "Stop early after N epochs without a better validation accuracy (off: train "
                  "every epoch)")
            .form_range(0, 500)
            .look(0, 1, 1, "after ", " epochs")
            .special("off"),
        flag("augment", "augment", "augmentation", &TrainOptions::augment)
            .help("random affine batch augmentation (default: the model's recipe)")
            .negation("no-augment", "train without augmentation")
            .form("Augmentation (rotate, shift, zoom, stroke)",
                  "Randomly transform each training batch within these ranges so the model "
                  "generalizes to hand-drawn digits"),
        augmentation("augment_degrees", "degrees", "augmentation rotation (degrees)",
                     &AugmentOptions::degrees, [](AugmentOptions& a, double v) { a.degrees(v); })
            .help("augmentation: max rotation in degrees (default 10)")
            .valid(between(0, 180))
            .form("&Rotation", "Rotate each image by up to this many degrees")
            .form_range(0, 180)
            .look(0, 1, 1, "±", "°"),
        augmentation("augment_translate", "translate", "augmentation shift (translate)",
                     &AugmentOptions::translate,
                     [](AugmentOptions& a, double v) { a.translate(v); })
            .help("augmentation: max shift as a fraction (default 0.1)")
            .valid(between(0, 1))
            .form("Sh&ift", "Shift each image by up to this share of its size, per axis")
            .form_range(0, 0.5)
            .look(0, 1, 100, "±", " %"),
        augmentation("augment_scale_min", "scale-min", "augmentation min zoom (scale-min)",
                     &AugmentOptions::scale_min,
                     [](AugmentOptions& a, double v) { a.scale(v, a.scale_max()); })
            .help("augmentation: min zoom (default 0.9)")
            .valid(above(0))
            .form("&Zoom", "Smallest zoom (below 1 shrinks the digit)")
            .form_range(0.3, 2.0)
            .look(2, 0.05, 1, "", "×"),
        augmentation("augment_scale_max", "scale-max", "augmentation max zoom (scale-max)",
                     &AugmentOptions::scale_max,
                     [](AugmentOptions& a, double v) { a.scale(a.scale_min(), v); })
            .help("augmentation: max zoom (default 1.1)")
            .valid(above(0))
            .form("to", "Largest zoom (above 1 enlarges the digit)")
            .form_range(0.3, 2.0)
            .look(2, 0.05, 1, "", "×"),
        augmentation("augment_shear", "shear", "augmentation shear (degrees)",
                     &AugmentOptions::shear, [](AugmentOptions& a, double v) { a.shear(v); })
            .help("augmentation: max x-shear in degrees (default 0)")
            .valid(between(0, 80))
            .form("S&hear", "Slant each image by up to this many degrees")
            .form_range(0, 60)
            .look(0, 1, 1, "±", "°"),
        augmentation("augment_stroke", "stroke", "augmentation stroke probability",
                     &AugmentOptions::stroke, [](AugmentOptions& a, double v) { a.stroke(v); })
            .help("augmentation: probability of a thicker/thinner pen (Model_3's recipe 0.3)")
            .valid(between(0, 1))
            .form("Stro&ke", "Share of the images drawn with a thicker or thinner pen")
            .form_range(0, 1)
            .look(0, 5, 100, "", " %"),
    };
    std::vector<RecipeField> fields;
    for (const Def& row : rows) fields.push_back(row.done());
    return fields;
}

}  // namespace

bool FieldRange::contains(double value) const {
    // Each end must hold, so NaN (which fails every comparison) is outside; so are infinities,
    // which no field takes.
    if (!std::isfinite(value)) return false;
    const bool above_min = min_open ? value > min : value >= min;
    const bool below_max = max_open ? value < max : value <= max;
    return above_min && below_max;
}

const std::vector<RecipeField>& recipe_fields() {
    static const std::vector<RecipeField> fields = make_fields();
    return fields;
}

const RecipeField& recipe_field(const std::string& key) {
    for (const auto& field : recipe_fields()) {
        if (field.key == key) return field;
    }
    throw InvalidArgument("unknown recipe field '" + key + "'");
}

FieldValue recipe_default(const RecipeField& field, const std::string& model,
                          const std::string& recipe) {
    return field.get(recommended_options(model, recipe));
}

double field_number(const FieldValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
    if (const auto* u = std::get_if<std::uint64_t>(&value)) return static_cast<double>(*u);
    if (const auto* d = std::get_if<double>(&value)) return *d;
    return 0.0;
}

std::string range_problem(const RecipeField& field, const FieldValue& value) {
    if (field.kind != FieldKind::Integer && field.kind != FieldKind::Unsigned &&
        field.kind != FieldKind::Real) {
        return {};
    }
    const FieldRange& r = field.valid;
    if (r.contains(field_number(value))) return {};
    std::string rule;
    if (r.bounded_above()) {
        rule = !r.min_open && !r.max_open
                   ? "be between " + number_text(r.min) + " and " + number_text(r.max)
                   : std::string(r.min_open ? "be above " : "be at least ") + number_text(r.min) +
                         (r.max_open ? " and below " : " and at most ") + number_text(r.max);
    } else if (field.kind != FieldKind::Real) {
        rule = r.min == 0 && !r.min_open ? "not be negative" : "be at least " + number_text(r.min);
    } else if (r.min_open && r.min == 0) {
        rule = "be a finite positive number";
    } else {
        rule = std::string("be a finite number ") + (r.min_open ? "above " : "of at least ") +
               number_text(r.min);
    }
    return field.name + " must " + rule + " (got " + shown(value) + ")";
}

}  // namespace mnist
