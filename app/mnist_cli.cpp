// mnist-cli: the engine without the window. Exit codes: 0 success, 2 bad input or usage (the
// message on stderr names the file or value; this includes a training that diverged to a NaN or
// infinite loss, which the user's learning rate or other settings caused), 1 anything else.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/inspect_command.h"
#include "app/progress_bar.h"
#include "core/checkpoint/bundled_model.h"
#include "core/data/data_location.h"
#include "core/errors.h"
#include "core/evaluation/benchmark.h"
#include "core/evaluation/cross_validation.h"
#include "core/evaluation/drawn_digits.h"
#include "core/evaluation/ensemble_eval.h"
#include "core/evaluation/evaluation.h"
#include "core/evaluation/experiment.h"
#include "core/inference/ensemble.h"
#include "core/inference/image_file.h"
#include "core/inference/predictor.h"
#include "core/models/model_registry.h"
#include "core/models/model_summary.h"
#include "core/training/recipe_fields.h"
#include "core/training/recipes.h"
#include "core/training/run_store.h"
#include "core/training/trainer.h"

using nlohmann::json;

namespace {

std::string g_executable;

// What the user gave for one recipe field; the fields not given come from the model's recipe.
struct GivenValue {
    std::optional<int> small_integer;  // parsed as an int, so CLI11 refuses what does not fit
    std::optional<std::int64_t> integer;
    std::optional<std::uint64_t> unsigned_integer;
    std::optional<double> real;
    std::optional<std::string> text;
    bool yes = false, no = false;  // a flag and its negation (--augment / --no-augment)
};

struct TrainFlags {
    std::string model = "Model_3";
    std::string recipe = "default";
    // One per mnist::recipe_fields() row; CLI11 holds their addresses, so never resized.
    std::vector<GivenValue> given = std::vector<GivenValue>(mnist::recipe_fields().size());
    bool json = false;
};

// JSON output as text. Paths and run folder names are bytes, not always UTF-8 (a Latin-1 name),
// and JSON must be: such bytes are printed as U+FFFD rather than end the command with exit 1.
std::string json_text(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

// CLI11 reads "nan" and "inf" as doubles without complaint, and NaN passes every range check
// further on: refuse them here, naming the flag.
const CLI::Validator& finite_number() {
    static const CLI::Validator finite(
        [](std::string& text) -> std::string {
            char* end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            if (end == text.c_str()) return {};  // not a number at all: CLI11 says so itself
            return std::isfinite(value) ? std::string() : "must be a finite number, got " + text;
        },
        "FINITE");
    return finite;
}

// The flag of one recipe field, typed by its kind. A lower bound the table marks for the CLI is
// checked while parsing; every other range by validate_options, with the table's message.
void add_field_flag(CLI::App* cmd, const mnist::RecipeField& field, GivenValue& given) {
    const std::string flag = "--" + field.flag;
    CLI::Option* option = nullptr;
    switch (field.kind) {
        case mnist::FieldKind::Integer:
            option = field.int_sized ? cmd->add_option(flag, given.small_integer, field.help)
                                     : cmd->add_option(flag, given.integer, field.help);
            break;
        case mnist::FieldKind::Unsigned:
            option = cmd->add_option(flag, given.unsigned_integer, field.help);
            break;
        case mnist::FieldKind::Real:
            option = cmd->add_option(flag, given.real, field.help)->check(finite_number());
            break;
        case mnist::FieldKind::Choice:
        case mnist::FieldKind::Text:
            option = cmd->add_option(flag, given.text, field.help);
            break;
        case mnist::FieldKind::Flag:
            // Two plain flags: CLI11 fills a std::optional<bool> flag with false even when it is
            // absent, which silently switched the recipe's augmentation off.
            cmd->add_flag(flag, given.yes, field.help);
            if (!field.negation_flag.empty()) {
                cmd->add_flag("--" + field.negation_flag, given.no, field.negation_help)
                    ->excludes(flag);
            }
            return;
    }
    if (field.cli_checks_range) {
        // The table's own message ("learning rate must be a finite positive number (got -1)")
        // rather than CLI11's "not in range 0.000000 to 1797693134862315708145274237317...".
        const bool positive = field.valid.min_open || field.valid.min > 0;
        option->check(CLI::Validator(
            [&field](std::string& text) -> std::string {
                char* end = nullptr;
                const double value = std::strtod(text.c_str(), &end);
                if (end == text.c_str()) return {};  // not a number at all: CLI11 says so itself
                return mnist::range_problem(field, value);
            },
            positive ? "POSITIVE" : "NONNEGATIVE"));
    }
}

void add_train_flags(CLI::App* cmd, TrainFlags& f) {
    cmd->add_option("--model", f.model, "Model_1, Model_2 or Model_3")->default_val("Model_3");
    cmd->add_option("--recipe", f.recipe,
                    "the model's recipe to start from: default, or fast (the quick demo: Model_3 "
                    "past 99.4 % in about a minute on two cores)")
        ->default_val("default");
    const auto& fields = mnist::recipe_fields();
    for (std::size_t i = 0; i < fields.size(); ++i) add_field_flag(cmd, fields[i], f.given[i]);
    cmd->add_flag("--json", f.json, "print a JSON report on stdout");
}

std::optional<mnist::FieldValue> given_value(const mnist::RecipeField& field,
                                             const GivenValue& given) {
    switch (field.kind) {
        case mnist::FieldKind::Integer:
            if (given.small_integer) return std::int64_t{*given.small_integer};
            if (given.integer) return *given.integer;
            break;
        case mnist::FieldKind::Unsigned:
            if (given.unsigned_integer) return *given.unsigned_integer;
            break;
        case mnist::FieldKind::Real:
            if (given.real) return *given.real;
            break;
        case mnist::FieldKind::Choice:
        case mnist::FieldKind::Text:
            if (given.text) return *given.text;
            break;
        case mnist::FieldKind::Flag:
            if (given.yes) return true;
            if (given.no) return false;
            break;
    }
    return std::nullopt;
}

mnist::TrainOptions to_options(const TrainFlags& f) {
    mnist::TrainOptions o = mnist::recommended_options(f.model, f.recipe);
    const auto& fields = mnist::recipe_fields();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (const auto value = given_value(fields[i], f.given[i])) fields[i].set(o, *value);
        // Found where the recipe lists it, so a missing folder is still reported before a bad
        // optimizer or scheduler name.
        if (fields[i].key == "data_dir") {
            o.data_dir = mnist::resolve_data_dir(o.data_dir, g_executable);
        }
    }
    return o;
}

json epoch_json(const mnist::EpochMetrics& m) {
    return {{"epoch", m.epoch},       {"train_loss", m.train_loss}, {"train_acc", m.train_acc},
            {"val_loss", m.val_loss}, {"val_acc", m.val_acc},       {"lr", m.lr},
            {"seconds", m.seconds}};
}

int run_summary(const std::string& model, bool as_json) {
    const auto summary = mnist::summarize_model(model);
    if (!as_json) {
        std::cout << model << ": " << mnist::model_info(model).title << "\n\n"
                  << mnist::model_info(model).description << "\n\n"
                  << mnist::format_summary(summary);
        return 0;
    }
    json layers = json::array();
    for (const auto& l : summary.layers) {
        layers.push_back({{"name", l.name},
                          {"type", l.type},
                          {"output_shape", l.output_shape},
                          {"params", l.params},
                          {"macs", l.macs}});
    }
    std::cout << json_text(json{{"model", summary.model},
                                {"description", mnist::model_info(model).description},
                                {"total_params", summary.total_params},
                                {"trainable_params", summary.trainable_params},
                                {"total_macs", summary.total_macs},
                                {"size_kb", summary.size_kb},
                                {"layers", layers}})
              << "\n";
    return 0;
}

// What train (fresh or --resume) prints once the run has ended.
int report_training(const mnist::TrainResult& r, int early_stop, bool as_json) {
    if (!as_json) {
        std::printf("Best: epoch %d, validation accuracy %.2f%%; checkpoint %s\n", r.best_epoch,
                    r.best_val_acc, r.checkpoint.c_str());
        if (r.test_acc) std::printf("Test accuracy of the best checkpoint: %.2f%%\n", *r.test_acc);
        if (r.ended == "early-stopped")
            std::printf(
                "Stopped early after epoch %zu: no better validation accuracy in the "
                "last %d epoch%s\n",
                r.epochs.size(), early_stop, early_stop == 1 ? "" : "s");
        std::printf("Run: %s (mnist-cli runs; train --resume %s)\n", r.run_folder.c_str(),
                    r.run_folder.c_str());
        return 0;
    }
    json epochs = json::array();
    for (const auto& m : r.epochs) epochs.push_back(epoch_json(m));
    json out = {{"model", r.start.model},
                {"params", r.start.params},
                {"device", r.start.device},
                {"threads", r.start.threads},
                {"epochs", epochs},
                {"best_epoch", r.best_epoch},
                {"best_val_acc", r.best_val_acc},
                {"checkpoint", r.checkpoint},
                {"history", r.history},
                {"run", r.run_folder},
                {"ended", r.ended}};
    if (r.test_acc) out["test_acc"] = *r.test_acc;
    std::cout << json_text(out) << "\n";
    return 0;
}

int run_train(const TrainFlags& flags) {
    const mnist::TrainOptions options = to_options(flags);
    ProgressPrinter printer(flags.json ? stderr : stdout);
    const mnist::TrainResult r = mnist::train(options, &printer);
    return report_training(r, options.early_stop, flags.json);
}

// train --resume: the run's own recipe goes on; of the recipe flags only --epochs, --lr and
// --scheduler may change it (ResumeChanges), so a flag that would be silently ignored is refused.
int run_resume(const CLI::App& cmd, const TrainFlags& flags, const std::string& run) {
    for (const CLI::Option* option : cmd.get_options()) {
        const std::string name = option->get_name();
        if (option->count() == 0 || name == "--resume" || name == "--epochs" || name == "--lr" ||
            name == "--scheduler" || name == "--json" || name == "--help") {
            continue;
        }
        throw mnist::InvalidArgument(
            "train --resume continues the run's own recipe; only "
            "--epochs, --lr and --scheduler (none or plateau) may change it, not " +
            name);
    }
    mnist::ResumeChanges changes;
    const auto& fields = mnist::recipe_fields();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto value = given_value(fields[i], flags.given[i]);
        if (!value) continue;
        if (fields[i].key == "epochs")
            changes.epochs = static_cast<int>(mnist::field_number(*value));
        if (fields[i].key == "lr") changes.lr = std::get<double>(*value);
        if (fields[i].key == "scheduler")
            changes.scheduler = mnist::parse_scheduler(std::get<std::string>(*value));
    }
    mnist::check_resume(run, changes);  // before the data loads
    ProgressPrinter printer(flags.json ? stderr : stdout);
    const mnist::TrainResult r = mnist::resume_training(run, changes, &printer);
    return report_training(r, mnist::read_run(r.run_folder).options.early_stop, flags.json);
}

// "12 s", "3 min 20 s", "1 h 05 min": a run's wall time in a list.
std::string duration_text(double seconds) {
    char text[32];
    const long s = std::lround(seconds);
    if (s < 60) {
        std::snprintf(text, sizeof text, "%ld s", s);
    } else if (s < 3600) {
        std::snprintf(text, sizeof text, "%ld min %02ld s", s / 60, s % 60);
    } else {
        std::snprintf(text, sizeof text, "%ld h %02ld min", s / 3600, s / 60 % 60);
    }
    return text;
}

json run_json(const mnist::RunRecord& run) {
    if (!run.problem.empty()) {
        return {{"id", run.id}, {"folder", run.folder}, {"problem", run.problem}};
    }
    json recipe = json::object();
    for (const auto& field : mnist::recipe_fields()) {
        recipe[field.key] =
            std::visit([](const auto& v) { return json(v); }, field.get(run.options));
    }
    json history = json::array();
    for (const auto& m : run.history) history.push_back(epoch_json(m));
    return {{"id", run.id},
            {"folder", run.folder},
            {"name", run.name},
            {"model", run.model},
            {"seed", run.seed},
            {"recipe_summary", run.recipe_summary()},
            {"recipe", recipe},
            {"started", run.started},
            {"seconds", run.seconds},
            {"ended", run.ended},
            {"failure", run.failure},
            {"epochs_done", run.history.size()},
            {"epochs", run.options.epochs},
            {"best_epoch", run.best_epoch},
            {"best_val_acc", run.best_val_acc},
            {"final_val_acc", run.final_val_acc()},
            {"test_acc", run.test_acc ? json(*run.test_acc) : json(nullptr)},
            {"checkpoint", run.checkpoint},
            {"resumable", run.resumable},
            {"live", run.live},
            {"history", history}};
}

int run_runs(const std::string& out_dir, bool as_json) {
    std::error_code ec;
    if (!std::filesystem::is_directory(out_dir, ec)) {
        throw mnist::InvalidArgument("output folder '" + out_dir + "' does not exist");
    }
    const std::string folder = mnist::runs_folder(out_dir);
    const auto runs = mnist::list_runs(folder);
    if (as_json) {
        json list = json::array();
        for (const auto& run : runs) list.push_back(run_json(run));
        std::cout << json_text(list) << "\n";
        return 0;
    }
    if (runs.empty()) {
        std::printf("No runs in %s\n", folder.c_str());
        return 0;
    }
    std::printf("%-30s %-8s %7s %15s %8s %12s %-13s %s\n", "run", "model", "epochs", "best (epoch)",
                "final", "time", "ended", "recipe");
    for (const auto& run : runs) {
        if (!run.problem.empty()) {
            std::printf("%-30s broken: %s\n", run.id.c_str(), run.problem.c_str());
            continue;
        }
        char best[32] = "-", final_acc[16] = "-";
        if (run.best_epoch > 0) {
            std::snprintf(best, sizeof best, "%.2f %% (%d)", run.best_val_acc, run.best_epoch);
            std::snprintf(final_acc, sizeof final_acc, "%.2f %%", run.final_val_acc());
        }
        const std::string epochs =
            std::to_string(run.history.size()) + "/" + std::to_string(run.options.epochs);
        std::printf("%-30s %-8s %7s %15s %8s %12s %-13s %s\n", run.id.c_str(), run.model.c_str(),
                    epochs.c_str(), best, final_acc, duration_text(run.seconds).c_str(),
                    run.ended.c_str(), run.recipe_summary().c_str());
        if (run.name != run.id) std::printf("  name: %s\n", run.name.c_str());
        if (!run.failure.empty()) std::printf("  failed: %s\n", run.failure.c_str());
    }
    return 0;
}

int run_experiment(const TrainFlags& flags, const std::vector<std::uint64_t>& seeds,
                   bool markdown) {
    const mnist::TrainOptions options = to_options(flags);
    ProgressPrinter printer(flags.json || markdown ? stderr : stdout);
    const mnist::ExperimentSummary s = mnist::run_experiment(options, seeds, &printer);
    if (markdown) std::cout << mnist::format_markdown(s, options);
    if (!flags.json) {
        if (!markdown) {
            for (const auto& r : s.runs) {
                std::printf("seed %llu: final %.2f%%, best %.2f%% (epoch %d), last-3 min %.2f%%\n",
                            static_cast<unsigned long long>(r.seed), r.final_acc, r.best_acc,
                            r.result.best_epoch, r.last3_min);
            }
            std::printf(
                "%s, %lld parameters: final %.2f ± %.2f%%, best %.2f ± %.2f%%, last-3 min %.2f%%\n",
                s.model.c_str(), static_cast<long long>(s.params), s.final_acc.mean,
                s.final_acc.std, s.best_acc.mean, s.best_acc.std, s.last3_min);
        }
        return 0;
    }
    json runs = json::array();
    for (const auto& r : s.runs) {
        json epochs = json::array();
        for (const auto& m : r.result.epochs) epochs.push_back(epoch_json(m));
        runs.push_back({{"seed", r.seed},
                        {"final_acc", r.final_acc},
                        {"best_acc", r.best_acc},
                        {"best_epoch", r.result.best_epoch},
                        {"last3_min", r.last3_min},
                        {"checkpoint", r.result.checkpoint},
                        {"epochs", epochs}});
    }
    std::cout << json_text(
                     json{{"model", s.model},
                          {"params", s.params},
                          {"recipe", mnist::describe_recipe(options)},
                          {"device", s.runs.empty() ? "" : s.runs.front().result.start.device},
                          {"runs", runs},
                          {"final_mean", s.final_acc.mean},
                          {"final_std", s.final_acc.std},
                          {"best_mean", s.best_acc.mean},
                          {"best_std", s.best_acc.std},
                          {"last3_min", s.last3_min}})
              << "\n";
    return 0;
}

// The training's progress lines, with a line when each fold starts and ends.
class CvPrinter : public mnist::CvObserver {
  public:
    explicit CvPrinter(std::FILE* out) : out_(out), progress_(out) {}
    void on_fold_start(int fold, int folds) override {
        std::fprintf(out_, "Fold %d/%d\n", fold, folds);
        std::fflush(out_);
    }
    void on_fold_end(int fold, const mnist::TrainResult& r) override {
        std::fprintf(out_, "Fold %d: best validation accuracy %.2f%% (epoch %d), last %.2f%%\n",
                     fold, r.best_val_acc, r.best_epoch, r.epochs.back().val_acc);
        std::fflush(out_);
    }
    void on_start(const mnist::TrainStart& s) override { progress_.on_start(s); }
    void on_batch(const mnist::BatchProgress& p) override { progress_.on_batch(p); }
    void on_epoch(const mnist::EpochMetrics& m) override { progress_.on_epoch(m); }

  private:
    std::FILE* out_;
    ProgressPrinter progress_;
};

int run_cv(const TrainFlags& flags, int folds, bool test_best) {
    const mnist::TrainOptions options = to_options(flags);
    CvPrinter printer(flags.json ? stderr : stdout);
    const mnist::CrossValidation cv = mnist::cross_validate(options, {folds, test_best}, &printer);
    if (!flags.json) {
        std::printf("\n%s, %d-fold cross-validation (seed %llu), folds in %s\n", cv.model.c_str(),
                    cv.folds, static_cast<unsigned long long>(options.seed), cv.folder.c_str());
        for (const auto& f : cv.done) {
            std::printf(
                "  fold %d: %lld train / %lld held out, best %.2f%% (epoch %d), last %.2f%%\n",
                f.fold, static_cast<long long>(f.train_size), static_cast<long long>(f.val_size),
                f.result.best_val_acc, f.result.best_epoch, f.result.epochs.back().val_acc);
        }
        std::printf(
            "Validation accuracy: best %.2f ± %.2f%%, last epoch %.2f ± %.2f%% (mean ± "
            "sample std of %zu folds)\n",
            cv.best_acc.mean, cv.best_acc.std, cv.final_acc.mean, cv.final_acc.std, cv.done.size());
        if (cv.best_fold > 0) {
            std::printf("Best fold: %d, checkpoint %s\n", cv.best_fold,
                        cv.done[std::size_t(cv.best_fold - 1)].result.checkpoint.c_str());
        }
        if (cv.test_acc) {
            std::printf("Test accuracy of fold %d's checkpoint: %.2f%%\n", cv.best_fold,
                        *cv.test_acc);
        }
        return 0;
    }
    json fold_list = json::array();
    for (const auto& f : cv.done) {
        json epochs = json::array();
        for (const auto& m : f.result.epochs) epochs.push_back(epoch_json(m));
        fold_list.push_back({{"fold", f.fold},
                             {"train_size", f.train_size},
                             {"val_size", f.val_size},
                             {"best_val_acc", f.result.best_val_acc},
                             {"best_epoch", f.result.best_epoch},
                             {"final_val_acc", f.result.epochs.back().val_acc},
                             {"checkpoint", f.result.checkpoint},
                             {"epochs", epochs}});
    }
    json out = {{"model", cv.model},
                {"folds", cv.folds},
                {"seed", options.seed},
                {"recipe", mnist::describe_recipe(options)},
                {"folder", cv.folder},
                {"fold_results", fold_list},
                {"best_mean", cv.best_acc.mean},
                {"best_std", cv.best_acc.std},
                {"final_mean", cv.final_acc.mean},
                {"final_std", cv.final_acc.std},
                {"best_fold", cv.best_fold},
                {"stopped", cv.stopped}};
    if (cv.test_acc) out["test_acc"] = *cv.test_acc;
    std::cout << json_text(out) << "\n";
    return 0;
}

void print_confusion(const mnist::EvalResult& r) {
    std::printf("true\\pred");
    for (int p = 0; p < 10; ++p) std::printf("%6d", p);
    std::printf("   class acc\n");
    for (int t = 0; t < 10; ++t) {
        std::printf("%9d", t);
        for (int p = 0; p < 10; ++p)
            std::printf("%6lld", static_cast<long long>(r.confusion[t][p]));
        std::printf("   %8.2f%%\n", r.class_accuracy[t]);
    }
}

// Several checkpoints: the ensemble's averaged probabilities scored, each member's score beside.
int run_ensemble_eval(const std::vector<std::string>& checkpoints, const std::string& data,
                      std::int64_t limit, const std::string& device, bool as_json) {
    const mnist::EnsembleEvalResult e = mnist::evaluate_ensemble(
        checkpoints, mnist::resolve_data_dir(data, g_executable), limit, device);
    const mnist::EvalResult& r = e.ensemble;
    if (as_json) {
        json members = json::array();
        for (std::size_t i = 0; i < checkpoints.size(); ++i)
            members.push_back({{"checkpoint", checkpoints[i]},
                               {"accuracy", e.members[i].accuracy},
                               {"loss", e.members[i].loss}});
        std::cout << json_text(json{{"count", r.count},
                                    {"accuracy", r.accuracy},
                                    {"loss", r.loss},
                                    {"class_accuracy", r.class_accuracy},
                                    {"confusion", r.confusion},
                                    {"members", members}})
                  << "\n";
        return 0;
    }
    std::printf("Ensemble of %zu checkpoints on %lld test images: accuracy %.2f%%, loss %.4f\n",
                checkpoints.size(), static_cast<long long>(r.count), r.accuracy, r.loss);
    for (std::size_t i = 0; i < checkpoints.size(); ++i)
        std::printf("  member %s: accuracy %.2f%%, loss %.4f\n", checkpoints[i].c_str(),
                    e.members[i].accuracy, e.members[i].loss);
    std::printf("\n");
    print_confusion(r);
    return 0;
}

int run_eval(const std::vector<std::string>& checkpoints, const std::string& data,
             std::int64_t limit, const std::string& device, bool as_json) {
    if (checkpoints.size() > 1) return run_ensemble_eval(checkpoints, data, limit, device, as_json);
    const std::string& checkpoint = checkpoints.front();
    const mnist::EvalResult r = mnist::evaluate_checkpoint(
        checkpoint, mnist::resolve_data_dir(data, g_executable), limit, device);
    if (as_json) {
        std::cout << json_text(json{{"checkpoint", checkpoint},
                                    {"count", r.count},
                                    {"accuracy", r.accuracy},
                                    {"loss", r.loss},
                                    {"class_accuracy", r.class_accuracy},
                                    {"confusion", r.confusion}})
                  << "\n";
        return 0;
    }
    std::printf("%s on %lld test images: accuracy %.2f%%, loss %.4f\n\n", checkpoint.c_str(),
                static_cast<long long>(r.count), r.accuracy, r.loss);
    print_confusion(r);
    return 0;
}

// One checkpoint answers alone; several answer as an ensemble, each member's vote listed.
int run_predict(std::vector<std::string> checkpoints, const std::vector<std::string>& images,
                bool as_json) {
    if (checkpoints.empty()) checkpoints.push_back(mnist::find_bundled_checkpoint(g_executable));
    const mnist::Ensemble ensemble(checkpoints);
    const bool several = checkpoints.size() > 1;
    json out = json::array();
    std::size_t unreadable = 0;  // a bad image is reported and skipped; the others still count
    for (const auto& path : images) {
        mnist::EnsemblePrediction answer;
        try {
            answer = ensemble.predict(mnist::load_image_file(path));
        } catch (const mnist::DataError& e) {
            std::fprintf(stderr, "mnist-cli: %s\n", e.what());
            if (as_json) out.push_back({{"file", path}, {"error", e.what()}});
            ++unreadable;
            continue;
        }
        const mnist::Prediction& p = answer.combined;
        if (as_json) {
            json item = {{"file", path}, {"blank", p.blank}};
            item["digit"] = p.blank ? json(nullptr) : json(p.digit);
            item["confidence"] = p.blank ? json(nullptr) : json(p.confidence);
            item["probs"] = p.probs;
            if (several) {
                json members = json::array();
                for (std::size_t i = 0; i < checkpoints.size(); ++i) {
                    const mnist::Prediction& m = answer.members[i];
                    members.push_back(
                        {{"checkpoint", checkpoints[i]},
                         {"digit", m.blank ? json(nullptr) : json(m.digit)},
                         {"confidence", m.blank ? json(nullptr) : json(m.confidence)}});
                }
                item["members"] = members;
            }
            out.push_back(item);
        } else if (p.blank) {
            std::printf("%s: blank (no ink found)\n", path.c_str());
        } else if (several) {
            std::printf("%s: %d (%.1f%%); members:", path.c_str(), p.digit, 100.0 * p.confidence);
            for (const auto& m : answer.members)
                std::printf(" %d (%.1f%%)", m.digit, 100.0 * m.confidence);
            std::printf("\n");
        } else {
            std::printf("%s: %d (%.1f%%)\n", path.c_str(), p.digit, 100.0 * p.confidence);
        }
    }
    if (as_json) std::cout << json_text(out) << "\n";
    if (unreadable > 0) {
        std::fprintf(stderr, "mnist-cli: %zu of %zu images could not be read\n", unreadable,
                     images.size());
        return 2;
    }
    return 0;
}

// Scores a checkpoint on MNIST test digits re-drawn like canvas drawings or photographed on paper
// (core/drawn_digits.h); several answer as an ensemble, each member's score listed.
int run_drawn_eval(std::vector<std::string> checkpoints, const std::string& data,
                   const std::string& style, int count, std::uint64_t seed,
                   const std::string& samples_dir, bool as_json) {
    if (checkpoints.empty()) checkpoints.push_back(mnist::find_bundled_checkpoint(g_executable));
    const mnist::Ensemble ensemble(checkpoints);  // a bad checkpoint is named before data loads
    const bool several = checkpoints.size() > 1;
    const bool photos = style == "photo";
    mnist::DrawnDigitOptions options =
        photos ? mnist::DrawnDigitOptions::photos() : mnist::DrawnDigitOptions();
    const mnist::DrawnDigitSet digits(mnist::resolve_data_dir(data, g_executable),
                                      options.count(count).seed(seed));
    mnist::DrawnEnsembleReport scored;
    if (several)
        scored = mnist::evaluate_drawn_digits(ensemble, digits);
    else
        scored.ensemble = mnist::evaluate_drawn_digits(ensemble.members().front(), digits);
    const mnist::DrawnDigitReport& r = scored.ensemble;
    if (!samples_dir.empty()) {  // a few drawings, and a few of those misread
        for (int i = 0; i < std::min(12, digits.size()); ++i)
            mnist::save_drawn_digit(digits.render(i), i, samples_dir);
        for (std::size_t e = 0; e < std::min<std::size_t>(12, r.errors.size()); ++e)
            mnist::save_drawn_digit(digits.render(r.errors[e]), r.errors[e],
                                    samples_dir + "/misread");
    }
    if (as_json) {
        json buckets = json::array();
        for (const auto& b : r.buckets)
            buckets.push_back({{"name", b.name}, {"count", b.count}, {"accuracy", b.accuracy}});
        json out = {{"count", r.count},         {"seed", seed},
                    {"accuracy", r.accuracy},   {"correct", r.correct},
                    {"blanks", r.blanks},       {"class_accuracy", r.class_accuracy},
                    {"confusion", r.confusion}, {"buckets", buckets}};
        if (several) {
            json members = json::array();
            for (std::size_t i = 0; i < checkpoints.size(); ++i)
                members.push_back({{"checkpoint", checkpoints[i]},
                                   {"accuracy", scored.members[i].accuracy},
                                   {"correct", scored.members[i].correct},
                                   {"blanks", scored.members[i].blanks}});
            out["checkpoints"] = checkpoints;
            out["members"] = members;
        } else {
            out["checkpoint"] = checkpoints.front();
        }
        if (photos) out["style"] = style;  // drawings keep the report they always had
        std::cout << json_text(out) << "\n";
        return 0;
    }
    const std::string reader =
        several ? "Ensemble of " + std::to_string(checkpoints.size()) + " checkpoints"
                : checkpoints.front();
    std::printf(
        "%s on %lld %s digits (seed %llu): accuracy %.2f%% (%lld correct), "
        "%lld called blank\n",
        reader.c_str(), static_cast<long long>(r.count), photos ? "photographed" : "drawn",
        static_cast<unsigned long long>(seed), r.accuracy, static_cast<long long>(r.correct),
        static_cast<long long>(r.blanks));
    for (std::size_t i = 0; i < scored.members.size(); ++i) {
        const mnist::DrawnDigitReport& m = scored.members[i];
        std::printf("  member %s: accuracy %.2f%% (%lld correct), %lld called blank\n",
                    checkpoints[i].c_str(), m.accuracy, static_cast<long long>(m.correct),
                    static_cast<long long>(m.blanks));
    }
    for (int c = 0; c < 10; ++c) std::printf("  digit %d: %6.2f%%\n", c, r.class_accuracy[c]);
    for (const auto& b : r.buckets)
        std::printf("  %-24s %6lld  %6.2f%%\n", b.name.c_str(), static_cast<long long>(b.count),
                    b.accuracy);
    return 0;
}

int run_bench(const TrainFlags& flags, std::optional<double> to_accuracy, int timed_batches) {
    mnist::BenchOptions o;
    o.train = to_options(flags);
    o.recipe = flags.recipe;
    o.to_accuracy = to_accuracy;
    o.timed_batches = timed_batches;
    const mnist::BenchReport r = mnist::run_benchmark(o);
    if (flags.json) {
        json j = {{"model", r.model},
                  {"recipe", r.recipe},
                  {"device", r.device},
                  {"threads", r.threads},
                  {"torch_version", r.torch_version},
                  {"batch_size", r.batch_size},
                  {"data_load_seconds", r.data_load_seconds},
                  {"train_images_per_sec", r.train_images_per_sec},
                  {"fixed_batch_images_per_sec", r.fixed_batch_images_per_sec},
                  {"pipeline_efficiency", r.train_images_per_sec / r.fixed_batch_images_per_sec},
                  {"eval_images_per_sec", r.eval_images_per_sec},
                  {"predict_p50_ms", r.predict_p50_ms},
                  {"predict_p95_ms", r.predict_p95_ms},
                  {"peak_rss_mb", r.peak_rss_mb}};
        if (r.target_accuracy) {
            j["to_accuracy"] = {
                {"target", *r.target_accuracy},
                {"seconds", r.seconds_to_accuracy ? json(*r.seconds_to_accuracy) : json()},
                {"epoch", r.epoch_reached},
                {"best_accuracy", r.best_accuracy},
                {"final_accuracy", r.final_accuracy},
                {"run_seconds", r.run_seconds}};
        }
        std::printf("%s\n", json_text(j).c_str());
        return 0;
    }
    std::printf("%s (%s recipe, batch %d) on %s, %d threads, LibTorch %s\n", r.model.c_str(),
                r.recipe.c_str(), r.batch_size, r.device.c_str(), r.threads,
                r.torch_version.c_str());
    std::printf("  data loading           %8.2f s\n", r.data_load_seconds);
    std::printf("  training, pipeline     %8.0f img/s\n", r.train_images_per_sec);
    std::printf("  training, fixed batch  %8.0f img/s  (pipeline at %.0f %% of it)\n",
                r.fixed_batch_images_per_sec,
                100.0 * r.train_images_per_sec / r.fixed_batch_images_per_sec);
    std::printf("  evaluation             %8.0f img/s\n", r.eval_images_per_sec);
    std::printf("  predict 280x280 p50    %8.2f ms  (p95 %.2f ms)\n", r.predict_p50_ms,
                r.predict_p95_ms);
    if (r.target_accuracy) {
        if (r.seconds_to_accuracy) {
            std::printf(
                "  time to %.2f %%         %8.1f s   (epoch %d; best %.2f %%, final %.2f %%, run "
                "%.1f s)\n",
                *r.target_accuracy, *r.seconds_to_accuracy, r.epoch_reached, r.best_accuracy,
                r.final_accuracy, r.run_seconds);
        } else {
            std::printf("  time to %.2f %%         not reached (best %.2f %%, run %.1f s)\n",
                        *r.target_accuracy, r.best_accuracy, r.run_seconds);
        }
    }
    std::printf("  peak RSS               %8.0f MB\n", r.peak_rss_mb);
    return 0;
}

// A registered subcommand and what runs when the user chose it. Each add_* below keeps its own
// arguments alive in the closure, so main only parses and dispatches.
struct Subcommand {
    CLI::App* command;
    std::function<int()> run;
};

Subcommand add_models(CLI::App& app) {
    auto* cmd = app.add_subcommand("models", "list the models");
    return {cmd, [] {
                for (const auto& info : mnist::model_infos()) {
                    std::printf("%-8s %s\n", info.name.c_str(), info.title.c_str());
                }
                return 0;
            }};
}

Subcommand add_summary(CLI::App& app) {
    struct Args {
        std::string model = "Model_3";
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("summary", "layer-by-layer parameter summary of a model");
    cmd->add_option("--model", args->model, "Model_1, Model_2 or Model_3")->default_val("Model_3");
    cmd->add_flag("--json", args->json, "print JSON");
    return {cmd, [args] { return run_summary(args->model, args->json); }};
}

Subcommand add_train(CLI::App& app) {
    struct Args {
        TrainFlags flags;
        std::string resume;
    };
    auto args = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("train", "train a model, saving best_<Model>.pth as it improves");
    add_train_flags(cmd, args->flags);
    cmd->add_option(
        "--resume", args->resume,
        "continue a run from its last finished epoch: its folder (<out>/runs/<id>) "
        "or its state.pt; --epochs N extends it, --lr X sets a new rate and --scheduler "
        "none|plateau switches between those two (constant and plateau schedules "
        "only)");
    return {cmd, [args, cmd] {
                return args->resume.empty() ? run_train(args->flags)
                                            : run_resume(*cmd, args->flags, args->resume);
            }};
}

Subcommand add_runs(CLI::App& app) {
    struct Args {
        std::string out = ".";
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "runs",
        "list the training runs kept in <out>/runs: recipe, accuracy, time, how each ended");
    cmd->add_option("--out", args->out, "the output folder training wrote into (default .)");
    cmd->add_flag("--json", args->json, "print JSON (with each run's recipe and history)");
    return {cmd, [args] { return run_runs(args->out, args->json); }};
}

Subcommand add_experiment(CLI::App& app) {
    struct Args {
        TrainFlags flags;
        std::vector<std::uint64_t> seeds{1, 2, 3};
        bool markdown = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("experiment", "train once per seed; mean ± std of the results");
    add_train_flags(cmd, args->flags);
    cmd->add_option("--seeds", args->seeds, "comma-separated seeds (default 1,2,3)")
        ->delimiter(',');
    cmd->add_flag("--markdown", args->markdown, "print the README table");
    return {cmd, [args] { return run_experiment(args->flags, args->seeds, args->markdown); }};
}

Subcommand add_cv(CLI::App& app) {
    struct Args {
        TrainFlags flags;
        int folds = 5;
        bool test = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "cv", "stratified k-fold cross-validation on the training images; mean ± std over folds");
    add_train_flags(cmd, args->flags);
    cmd->add_option("--folds", args->folds, "how many folds (default 5)");
    cmd->add_flag("--test", args->test,
                  "at the end, score the best fold's checkpoint on the test set (untouched "
                  "otherwise)");
    return {cmd, [args] { return run_cv(args->flags, args->folds, args->test); }};
}

Subcommand add_eval(CLI::App& app) {
    struct Args {
        std::vector<std::string> checkpoints;
        std::string data, device = "auto";
        std::int64_t limit = 0;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("eval", "accuracy, loss, per-class accuracy and confusion matrix");
    cmd->add_option("--checkpoint", args->checkpoints,
                    "a .pth state_dict; repeat it to score an ensemble (mean of the members' "
                    "probabilities; models may differ)")
        ->required()
        ->allow_extra_args(false);
    cmd->add_option("--data", args->data, "directory holding the MNIST IDX files");
    cmd->add_option("--limit-test", args->limit, "score the first N test images only")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--device", args->device, "auto, cpu or cuda");
    cmd->add_flag("--json", args->json, "print JSON");
    return {cmd, [args] {
                return run_eval(args->checkpoints, args->data, args->limit, args->device,
                                args->json);
            }};
}

Subcommand add_bench(CLI::App& app) {
    struct Args {
        TrainFlags flags;
        std::optional<double> to_accuracy;
        int timed_batches = 150;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "bench",
        "training img/s (real pipeline and fixed batch), evaluation img/s, predict latency, "
        "peak RSS; --to-accuracy times a whole run");
    add_train_flags(cmd, args->flags);
    cmd->add_option(
           "--to-accuracy", args->to_accuracy,
           "also train the whole recipe and report the time to reach this test accuracy (%)")
        ->check(CLI::Range(0.0, 100.0))
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                return std::isfinite(std::strtod(text.c_str(), nullptr))
                           ? std::string()
                           : "must be a number, got " + text;
            },
            "FINITE"));
    cmd->add_option("--timed-batches", args->timed_batches,
                    "training steps timed per figure (default 150)")
        ->check(CLI::Range(1, 100000));
    return {cmd, [args] { return run_bench(args->flags, args->to_accuracy, args->timed_batches); }};
}

Subcommand add_predict(CLI::App& app) {
    struct Args {
        std::vector<std::string> checkpoints;
        std::vector<std::string> images;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("predict", "classify image files (PNG, JPEG, PGM)");
    // One value per --checkpoint, so the image files after it stay images.
    cmd->add_option("--checkpoint", args->checkpoints,
                    "a .pth state_dict (default: the bundled Model_3); repeat it to ask an "
                    "ensemble (mean of the members' probabilities; models may differ)")
        ->allow_extra_args(false);
    cmd->add_option("images", args->images, "image files")->required();
    cmd->add_flag("--json", args->json, "print JSON");
    return {cmd, [args] { return run_predict(args->checkpoints, args->images, args->json); }};
}

Subcommand add_drawn_eval(CLI::App& app) {
    struct Args {
        std::vector<std::string> checkpoints;
        std::string data, samples_dir, style = "drawing";
        int count = 5000;
        std::uint64_t seed = 1;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("drawn-eval",
                                   "accuracy on MNIST test digits re-drawn like canvas drawings "
                                   "or photographed on paper");
    cmd->add_option("--checkpoint", args->checkpoints,
                    "a .pth state_dict (default: the bundled Model_3); repeat it to score an "
                    "ensemble (mean of the members' probabilities; models may differ)")
        ->allow_extra_args(false);
    cmd->add_option("--data", args->data, "directory holding the MNIST IDX files");
    cmd->add_option("--style", args->style,
                    "drawing (a canvas) or photo (ink on paper, phone photo); default drawing")
        ->check(CLI::IsMember({"drawing", "photo"}));
    cmd->add_option("--count", args->count, "how many drawings (default 5000)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--seed", args->seed, "same seed, same drawings (default 1)");
    cmd->add_option("--save-samples", args->samples_dir,
                    "write a few drawings (and misread ones) here: PGM, photos as JPEG");
    cmd->add_flag("--json", args->json, "print JSON");
    return {cmd, [args] {
                return run_drawn_eval(args->checkpoints, args->data, args->style, args->count,
                                      args->seed, args->samples_dir, args->json);
            }};
}

// app/inspect_command.cpp holds its flags and its report.
Subcommand add_inspect(CLI::App& app) {
    auto flags = std::make_shared<InspectFlags>();
    auto* cmd = add_inspect_command(app, *flags);
    return {cmd, [flags] { return run_inspect(*flags, g_executable); }};
}

// Runs the chosen subcommand. Bad input (and a diverged training, caused by the user's settings)
// exits 2 with the message; anything else 1.
int run_reporting_errors(const std::function<int()>& run) {
    try {
        return run();
    } catch (const mnist::InvalidArgument& e) {
        std::fprintf(stderr, "mnist-cli: %s\n", e.what());
    } catch (const mnist::DataError& e) {
        std::fprintf(stderr, "mnist-cli: %s\n", e.what());
    } catch (const mnist::CheckpointError& e) {
        std::fprintf(stderr, "mnist-cli: %s\n", e.what());
    } catch (const mnist::TrainingDiverged& e) {
        std::fprintf(stderr, "mnist-cli: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mnist-cli: error: %s\n", e.what());
        return 1;
    }
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    g_executable = argv[0];
    CLI::App app{"mnist-cli: train, inspect and use small CNNs on MNIST"};
    app.require_subcommand(1);
    const std::vector<Subcommand> subcommands = {
        add_models(app),     add_summary(app),    add_train(app),  add_runs(app),
        add_experiment(app), add_cv(app),         add_eval(app),   add_bench(app),
        add_predict(app),    add_drawn_eval(app), add_inspect(app)};

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    for (const Subcommand& subcommand : subcommands) {
        if (*subcommand.command) return run_reporting_errors(subcommand.run);
    }
    return 1;
}
