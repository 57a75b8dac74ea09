#include "core/training/run_store.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/checkpoint/atomic_file.h"
#include "core/errors.h"
#include "core/number_text.h"
#include "core/training/recipe_fields.h"
#include "core/training/run_json_lock.h"

namespace mnist {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kRunJson = "run.json";
constexpr const char* kHistoryCsv = "history.csv";
constexpr const char* kStateFile = "state.pt";
constexpr const char* kHistoryHeader = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds";
// run.json's layout; a reader refuses a newer one rather than misread it.
constexpr int kFormat = 1;
// Bounds for run.json's numbers: far beyond any real run, well inside an int and a long.
constexpr double kMaxEpochs = 1e9;
constexpr double kMaxSeconds = 1e12;

// run.json's text. Paths are bytes, not always UTF-8 (a Latin-1 folder name), and JSON must be:
// such bytes are written as U+FFFD rather than fail the training that records them.
std::string json_text(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string in_folder(const std::string& folder, const char* file) {
    return (fs::path(folder) / file).string();
}

json field_to_json(const FieldValue& value) {
    return std::visit([](const auto& v) { return json(v); }, value);
}

// The JSON value of a recipe field as the alternative its kind takes; throws naming the key.
FieldValue field_from_json(const RecipeField& field, const json& value) {
    const auto wrong = [&](const char* expected) {
        return std::runtime_error("recipe field '" + field.key + "' should be " + expected +
                                  ", got " + value.dump());
    };
    switch (field.kind) {
        case FieldKind::Integer:
            if (!value.is_number_integer()) throw wrong("a whole number");
            return value.get<std::int64_t>();
        case FieldKind::Unsigned:
            if (!value.is_number_unsigned()) throw wrong("a whole number >= 0");
            return value.get<std::uint64_t>();
        case FieldKind::Real:
            if (!value.is_number()) throw wrong("a number");
            return value.get<double>();
        case FieldKind::Flag:
            if (!value.is_boolean()) throw wrong("true or false");
            return value.get<bool>();
        case FieldKind::Choice:
        case FieldKind::Text:
            if (!value.is_string()) throw wrong("text");
            return value.get<std::string>();
    }
    throw wrong("a known kind");
}

json recipe_to_json(const TrainOptions& options) {
    json recipe = json::object();
    for (const RecipeField& field : recipe_fields())
        recipe[field.key] = field_to_json(field.get(options));
    return recipe;
}

// Fields missing from an older run.json keep TrainOptions' defaults; unknown keys (from a newer
// version) are ignored.
TrainOptions recipe_from_json(const json& recipe, const std::string& model) {
    if (!recipe.is_object()) throw std::runtime_error("'recipe' is not an object");
    TrainOptions options;
    options.model = model;
    for (const RecipeField& field : recipe_fields()) {
        const auto it = recipe.find(field.key);
        if (it == recipe.end()) continue;
        const FieldValue value = field_from_json(field, *it);
        // The recipe is loaded back into the form and resumed from: training's ranges hold.
        const std::string problem = range_problem(field, value);
        if (!problem.empty())
            throw std::runtime_error("recipe field '" + field.key + "': " + problem);
        field.set(options, value);
    }
    return options;
}

json run_to_json(const RunRecord& run) {
    json j = {
        {"format", kFormat},
        {"id", run.id},
        {"name", run.name},
        {"model", run.model},
        {"seed", run.seed},
        {"recipe", recipe_to_json(run.options)},
        {"started", run.started},
        {"seconds", run.seconds},
        {"ended", run.ended},
        {"failure", run.failure},
        {"pid", run.pid},
        {"epochs_done", run.history.size()},
        {"best_epoch", run.best_epoch},
        {"best_val_acc", run.best_val_acc},
        {"final_val_acc", run.final_val_acc()},
        {"test_acc", run.test_acc ? json(*run.test_acc) : json(nullptr)},
        // Relative, so a runs folder can be moved or copied whole.
        {"checkpoint",
         run.checkpoint.empty() ? std::string() : fs::path(run.checkpoint).filename().string()},
    };
    return j;
}

std::string history_to_csv(const std::vector<EpochMetrics>& history) {
    std::ostringstream out;
    out << kHistoryHeader << '\n';
    // HistoryCsv's columns with enough digits that a run's numbers read back as they were.
    out.precision(10);
    for (const EpochMetrics& m : history) {
        out << m.epoch << ',' << m.train_loss << ',' << m.train_acc << ',' << m.val_loss << ','
            << m.val_acc << ',' << m.lr << ',' << m.seconds << '\n';
    }
    return out.str();
}

double parse_number(const std::string& cell, const std::string& column) {
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(cell, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != cell.size()) {
        throw std::runtime_error(column + " '" + cell + "' is not a number");
    }
    // Training never records NaN or infinity (it stops first), so one here is damage.
    if (!std::isfinite(value)) throw std::runtime_error(column + " '" + cell + "' is not finite");
    return value;
}

// The next line; every line the writer wrote ends in a newline, so one without is a file cut
// short (in mid-number, perhaps) and is refused, naming its line number.
bool next_line(std::istream& in, std::string& line, int number) {
    if (!std::getline(in, line)) return false;
    if (in.eof()) throw std::runtime_error("line " + std::to_string(number) + " is cut short");
    return true;
}

// history.csv's rows; `improved` marks each new best validation accuracy, as training did.
std::vector<EpochMetrics> read_history(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + " is missing or unreadable");
    std::string line;
    bool header = false;
    try {
        header = next_line(in, line, 1) && line == kHistoryHeader;
    } catch (const std::exception&) {
    }
    if (!header) {
        throw std::runtime_error(path + " does not start with the header '" +
                                 std::string(kHistoryHeader) + "'");
    }
    static const char* const columns[] = {"epoch",   "train_loss", "train_acc", "val_loss",
                                          "val_acc", "lr",         "seconds"};
    std::vector<EpochMetrics> history;
    double best = 0.0;
    for (int number = 2;; ++number) {
        try {
            if (!next_line(in, line, number)) break;
        } catch (const std::exception& e) {
            throw std::runtime_error(path + " " + e.what());
        }
        if (line.empty()) continue;
        std::vector<std::string> cells;
        std::stringstream row(line);
        for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
        try {
            if (cells.size() != 7) {
                throw std::runtime_error("has " + std::to_string(cells.size()) + " columns, not 7");
            }
            double v[7];
            for (int c = 0; c < 7; ++c) v[c] = parse_number(cells[c], columns[c]);
            EpochMetrics m;
            m.epoch = static_cast<int>(history.size()) + 1;
            if (v[0] != m.epoch) {
                throw std::runtime_error("epoch " + cells[0] + " should be " +
                                         std::to_string(m.epoch));
            }
            m.train_loss = v[1];
            m.train_acc = v[2];
            m.val_loss = v[3];
            m.val_acc = v[4];
            m.lr = v[5];
            m.seconds = v[6];
            m.improved = history.empty() || m.val_acc > best;
            if (m.improved) best = m.val_acc;
            history.push_back(m);
        } catch (const std::exception& e) {
            throw std::runtime_error(path + " line " + std::to_string(number) + ": " + e.what());
        }
    }
    if (in.bad()) throw std::runtime_error(path + " could not be read to the end");
    return history;
}

json read_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + " is missing or unreadable");
    try {
        json j = json::parse(in);
        if (!j.is_object()) throw std::runtime_error("it is not a JSON object");
        return j;
    } catch (const std::exception& e) {
        throw std::runtime_error(path + " is corrupt: " + e.what());
    }
}

// kill(pid, 0) asks without sending anything; EPERM means it exists under another user.
bool process_alive(std::int64_t pid) {
    if (pid <= 0 || pid != static_cast<pid_t>(pid)) return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// A number field of run.json within min..max; get<int>() of 1e11 or get<uint64_t>() of -1 would
// silently wrap, and a time of 1e300 s overflows every duration shown.
double number_in(const json& j, const char* key, double min, double max, bool whole) {
    const json& value = j.at(key);
    const bool ok = whole ? value.is_number_integer() : value.is_number();
    const double number = ok ? value.get<double>() : 0.0;
    if (!ok || !(number >= min && number <= max)) {
        throw std::runtime_error(
            std::string("'") + key + "' should be " + (whole ? "a whole number" : "a number") +
            " from " + number_text(min) + " to " + number_text(max) + ", got " + value.dump());
    }
    return number;
}

// run.json's fields into `run`; throws naming the file and the field.
void fill_from_json(RunRecord& run, const json& j, const std::string& path) {
    try {
        const int format = j.value("format", 0);
        if (format != kFormat) {
            throw std::runtime_error("format " + std::to_string(format) + " is not " +
                                     std::to_string(kFormat) + " (written by another version)");
        }
        run.name = j.at("name").get<std::string>();
        run.model = j.at("model").get<std::string>();
        if (run.model.empty()) throw std::runtime_error("the model name is empty");
        if (!j.at("seed").is_number_unsigned()) {
            throw std::runtime_error("'seed' should be a whole number >= 0, got " +
                                     j.at("seed").dump());
        }
        run.seed = j.at("seed").get<std::uint64_t>();
        run.options = recipe_from_json(j.at("recipe"), run.model);
        run.started = j.at("started").get<std::string>();
        run.seconds = number_in(j, "seconds", 0, kMaxSeconds, false);
        run.ended = j.at("ended").get<std::string>();
        run.failure = j.value("failure", std::string());
        run.pid = j.value("pid", std::int64_t{0});
        run.live = run.ended == "running" && process_alive(run.pid);
        run.best_epoch = static_cast<int>(number_in(j, "best_epoch", 0, kMaxEpochs, true));
        run.best_val_acc = number_in(j, "best_val_acc", 0, 100, false);
        if (!j.at("test_acc").is_null()) run.test_acc = number_in(j, "test_acc", 0, 100, false);
        const std::string checkpoint = j.value("checkpoint", std::string());
        if (!checkpoint.empty() && fs::is_regular_file(fs::path(run.folder) / checkpoint)) {
            run.checkpoint = (fs::path(run.folder) / checkpoint).string();
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

// The files a run writes, and nothing else: what delete_run may remove.
bool run_file(const std::string& name) {
    const auto starts = [&](const char* p) { return name.rfind(p, 0) == 0; };
    const auto ends = [&](const std::string& s) {
        return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (name == kRunJson || name == kHistoryCsv || name == kStateFile ||
        name == RunJsonLock::kFileName) {
        return true;
    }
    // Temporary files of an atomic write a kill left behind: <file>.tmp<pid>.
    const auto tmp = name.rfind(".tmp");
    if (tmp != std::string::npos && tmp + 4 < name.size() &&
        name.find_first_not_of("0123456789", tmp + 4) == std::string::npos) {
        return run_file(name.substr(0, tmp));
    }
    // history_<Model>.csv too: a resumed run outside a runs folder writes its out files inside.
    return (starts("best_") && (ends(".pth") || ends(".json"))) ||
           (starts("history_") && ends(".csv"));
}

std::string csv_quoted(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace

std::string RunRecord::recipe_summary() const {
    const TrainOptions& o = options;
    std::string s = o.optimizer == OptimizerKind::Adam    ? "Adam"
                    : o.optimizer == OptimizerKind::AdamW ? "AdamW"
                                                          : "SGD";
    s += o.scheduler == SchedulerKind::OneCycle ? " max lr " + number_text(o.max_lr)
                                                : " lr " + number_text(o.lr);
    s += std::string(", ") + to_string(o.scheduler);
    s += ", batch " + std::to_string(o.batch_size);
    if (o.augment) s += ", augmented";
    if (o.ema_decay > 0) s += ", EMA " + number_text(o.ema_decay);
    return s;
}

std::string runs_folder(const std::string& out_dir) {
    return (fs::path(out_dir.empty() ? std::string(".") : out_dir) / "runs").string();
}

std::string run_state_path(const std::string& folder) {
    return in_folder(folder, kStateFile);
}

RunRecord read_run(const std::string& folder) {
    RunRecord run;
    run.folder = folder;
    run.id = fs::path(folder).filename().string();
    if (run.id.empty()) run.id = fs::path(folder).parent_path().filename().string();
    run.name = run.id;
    try {
        const std::string path = in_folder(folder, kRunJson);
        fill_from_json(run, read_json_file(path), path);
        run.history = read_history(in_folder(folder, kHistoryCsv));
        std::error_code ec;
        run.resumable = fs::is_regular_file(run_state_path(folder), ec);
    } catch (const std::exception& e) {
        run.problem = e.what();
    }
    return run;
}

std::vector<RunRecord> list_runs(const std::string& runs_dir) {
    std::vector<RunRecord> runs;
    std::error_code ec;
    if (!fs::is_directory(runs_dir, ec)) return runs;
    std::vector<std::string> folders;
    for (fs::directory_iterator it(runs_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_directory(type_ec)) folders.push_back(it->path().string());
    }
    // Ids begin with the start time, so their order is the order the runs began in.
    std::sort(folders.begin(), folders.end());
    for (const std::string& folder : folders) runs.push_back(read_run(folder));
    return runs;
}

void write_run(const RunRecord& run) {
    const std::string text = json_text(run_to_json(run));
    const std::string history = history_to_csv(run.history);
    try {
        write_atomically(in_folder(run.folder, kHistoryCsv), history.data(), history.size());
        write_atomically(in_folder(run.folder, kRunJson), text.data(), text.size());
    } catch (const CheckpointError& e) {
        throw DataError(std::string("cannot record the run: ") + e.what());
    }
}

void rename_run(const std::string& folder, const std::string& name) {
    if (name.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw InvalidArgument("a run's name cannot be empty (run " + folder + ")");
    }
    const std::string path = in_folder(folder, kRunJson);
    // Held from reading run.json to writing it back, against the trainer's rewrites; a folder
    // that is no run gets no lock file (the read below refuses it).
    std::optional<RunJsonLock> lock;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) lock.emplace(folder);
    json j;
    try {
        j = read_json_file(path);
        j.at("name");
    } catch (const std::exception& e) {
        throw InvalidArgument("cannot rename " + folder + ": it is not a readable run (" +
                              e.what() + ")");
    }
    j["name"] = name;
    const std::string text = json_text(j);
    try {
        write_atomically(path, text.data(), text.size());
    } catch (const CheckpointError& e) {
        throw DataError(std::string("cannot rename the run: ") + e.what());
    }
}

void delete_run(const std::string& folder) {
    std::error_code ec;
    const fs::path dir(folder);
    if (fs::is_symlink(dir, ec)) {
        throw InvalidArgument("not deleting " + folder + ": it is a link, not a run folder");
    }
    if (!fs::is_regular_file(dir / kRunJson, ec)) {
        throw InvalidArgument("not deleting " + folder +
                              ": it has no run.json, so it is not a run");
    }
    const RunRecord run = read_run(folder);
    if (run.live) {
        throw InvalidArgument("not deleting " + folder + ": it is still training (process " +
                              std::to_string(run.pid) + "); stop it first");
    }
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec) || it->is_symlink(type_ec) || !run_file(name)) {
            throw InvalidArgument("not deleting " + folder + ": it holds '" + name +
                                  "', which a run does not write; move it out first");
        }
        files.push_back(it->path());
    }
    if (ec) throw DataError("cannot read the run folder " + folder + ": " + ec.message());
    for (const fs::path& file : files) {
        if (!fs::remove(file, ec) && ec) {
            throw DataError("cannot delete " + file.string() + ": " + ec.message());
        }
    }
    if (!fs::remove(dir, ec) && ec) {
        throw DataError("cannot delete the run folder " + folder + ": " + ec.message());
    }
}

void export_runs_csv(const std::vector<RunRecord>& runs, const std::string& path) {
    std::ostringstream out;
    out << "run,name,model,seed,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n";
    out.precision(10);
    for (const RunRecord& run : runs) {
        for (const EpochMetrics& m : run.history) {
            out << csv_quoted(run.id) << ',' << csv_quoted(run.name) << ',' << csv_quoted(run.model)
                << ',' << run.seed << ',' << m.epoch << ',' << m.train_loss << ',' << m.train_acc
                << ',' << m.val_loss << ',' << m.val_acc << ',' << m.lr << ',' << m.seconds << '\n';
        }
    }
    const std::string text = out.str();
    try {
        write_atomically(path, text.data(), text.size());
    } catch (const CheckpointError& e) {
        throw DataError(std::string("cannot export the runs: ") + e.what());
    }
}

}  // namespace mnist
