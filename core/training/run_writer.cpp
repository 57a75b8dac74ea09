#include "core/training/run_writer.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/checkpoint/checkpoint_meta.h"
#include "core/errors.h"
#include "core/training/run_json_lock.h"

namespace mnist {
namespace fs = std::filesystem;
namespace {

std::string local_time(const char* format, std::time_t when) {
    std::tm parts{};
    localtime_r(&when, &parts);
    char text[32];
    std::strftime(text, sizeof text, format, &parts);
    return text;
}

// mkdir either creates the folder or finds it taken, so two runs starting in the same second
// (two processes, or two quick runs in one) never share a folder.
std::string create_run_folder(const std::string& runs_dir, const std::string& id_base,
                              std::string& id) {
    std::error_code ec;
    fs::create_directories(runs_dir, ec);
    if (ec || !fs::is_directory(runs_dir)) {
        throw DataError("cannot create the runs folder " + runs_dir + ": " +
                        (ec ? ec.message() : std::string("a file of that name exists")));
    }
    for (int n = 1; n < 1000; ++n) {
        id = n == 1 ? id_base : id_base + "-" + std::to_string(n);
        const fs::path folder = fs::path(runs_dir) / id;
        if (fs::create_directory(folder, ec)) return folder.string();
        if (ec)
            throw DataError("cannot create the run folder " + folder.string() + ": " +
                            ec.message());
    }
    throw DataError("cannot create a run folder in " + runs_dir +
                    ": 999 runs started in the same second");
}

// The name as the user may have changed it (rename_run) while the run trains.
std::string current_name(const std::string& folder, const std::string& fallback) {
    std::ifstream in(fs::path(folder) / "run.json");
    if (!in) return fallback;
    try {
        const auto j = nlohmann::json::parse(in);
        const std::string name = j.at("name").get<std::string>();
        return name.empty() ? fallback : name;
    } catch (const std::exception&) {
        return fallback;
    }
}

}  // namespace

RunWriter::RunWriter(RunRecord run) : run_(std::move(run)) {}

RunWriter RunWriter::start(const TrainOptions& options) {
    const std::time_t now = std::time(nullptr);
    RunRecord run;
    run.folder = create_run_folder(runs_folder(options.out_dir),
                                   local_time("%Y%m%d-%H%M%S", now) + "-" + options.model + "-s" +
                                       std::to_string(options.seed),
                                   run.id);
    run.name = run.id;
    run.model = options.model;
    run.seed = options.seed;
    run.options = options;
    run.started = local_time("%Y-%m-%dT%H:%M:%S", now);
    run.ended = "running";
    RunWriter writer(std::move(run));
    writer.write();
    return writer;
}

RunWriter RunWriter::reopen(const std::string& folder) {
    RunRecord run = read_run(folder);
    if (!run.problem.empty()) {
        throw InvalidArgument("cannot continue the run in " + folder + ": " + run.problem);
    }
    const double before = run.seconds;
    run.ended = "running";
    run.failure.clear();
    RunWriter writer(std::move(run));
    writer.seconds_before_ = before;
    writer.write();
    return writer;
}

std::string RunWriter::checkpoint_path() const {
    return mnist::checkpoint_path(run_.folder, run_.model);
}

void RunWriter::set_options(const TrainOptions& options) {
    run_.options = options;
}

void RunWriter::update(const TrainResult& so_far, const std::string& ended) {
    run_.history = so_far.epochs;
    run_.best_epoch = so_far.best_epoch;
    run_.best_val_acc = so_far.best_val_acc;
    run_.test_acc = so_far.test_acc;
    if (so_far.best_epoch > 0) run_.checkpoint = checkpoint_path();
    run_.ended = ended;
    write();
}

void RunWriter::fail(const std::string& why) {
    run_.ended = "failed";
    run_.failure = why;
    try {
        write();
    } catch (const std::exception&) {
        // The error that ended training is the one to report; a disk too full to record it
        // leaves the run listed as running.
    }
}

void RunWriter::write() {
    run_.seconds = seconds_before_ +
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
    // Held from reading the name to writing it back, so a rename in between is not lost.
    const RunJsonLock lock(run_.folder);
    run_.name = current_name(run_.folder, run_.name);
    // So a listing can tell a run training now from one whose process was killed.
    run_.pid = run_.ended == "running" ? ::getpid() : 0;
    write_run(run_);
}

}  // namespace mnist
