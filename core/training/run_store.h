#pragma once
// Runs kept on disk: every training (CLI or app) is a folder <out>/runs/<id>/ holding
//   run.json        what the run is: name, model, seed, recipe (every recipe field by key), when it
//                   started, how long it took, how it ended, its best/final accuracy
//   history.csv     one row per epoch (HistoryCsv's format), written as the run goes
//   best_<Model>.pth + .json   the run's own best checkpoint and sidecar
//   state.pt        the full training state after the last finished epoch (for --resume)
//   run.json.lock   held while run.json is rewritten (run_json_lock.h), by renames and trainers
// The seed's <out>/best_<Model>.pth stays where users expect it, as before. Plain C++, no
// LibTorch: the app lists, overlays, renames, deletes and exports runs through this header.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/training/train_options.h"
#include "core/training/training_metrics.h"

namespace mnist {

struct RunRecord {
    std::string id;      // the folder's name, e.g. 20261129-063012-Model_3-s1
    std::string folder;  // the folder's path
    std::string name;    // what the user calls it; the id until renamed
    std::string model;
    std::uint64_t seed = 0;
    TrainOptions options;  // the recipe it trained with (read back through recipe_fields)
    std::string started;   // local time, ISO 8601 ("2026-11-29T06:30:12")
    double seconds = 0.0;  // training wall time so far, resumed parts added
    std::string ended;     // running, finished, stopped, early-stopped, failed
    std::string failure;   // why, when ended == "failed"
    std::vector<EpochMetrics> history;
    int best_epoch = 0;  // 0: no epoch finished
    double best_val_acc = 0.0;
    std::optional<double> test_acc;  // with a validation split: the best model on the test set
    std::string checkpoint;          // the run's best checkpoint, empty when none was written
    bool resumable = false;          // state.pt exists: `train --resume` can continue it
    // Still training: ended is "running" and the process writing it (`pid`) is alive. A run left
    // "running" by a killed process is not live, and can be resumed or deleted.
    bool live = false;
    std::int64_t pid = 0;  // the writing process while running, 0 once it ended
    // Not empty: the folder is not a readable run (missing or corrupt run.json, unreadable
    // history). Says which file and what is wrong; such a run is listed, never used.
    std::string problem;

    double final_val_acc() const { return history.empty() ? 0.0 : history.back().val_acc; }
    // "Adam lr 0.001, plateau, batch 128, augmented": the recipe in one line, for lists.
    std::string recipe_summary() const;
};

// <out_dir>/runs
std::string runs_folder(const std::string& out_dir);

// Every run folder under `runs_dir` (a missing folder has none), oldest first. A broken folder is
// returned with `problem` set; nothing here throws for a bad run.
std::vector<RunRecord> list_runs(const std::string& runs_dir);

// One run folder; `problem` is set rather than thrown when it cannot be read.
RunRecord read_run(const std::string& folder);

// Writes the new name into run.json (atomically, holding run.json.lock, so a training that rewrites
// it meanwhile keeps the name). Throws InvalidArgument for an empty name or a folder that is not a
// run, DataError when run.json cannot be locked or written.
void rename_run(const std::string& folder, const std::string& name);

// Removes the run's folder and only the files a run writes; refuses (InvalidArgument) a folder
// without run.json or one holding anything else, so a mistyped path deletes nothing of the user's,
// and a live run (its training would fail at the next epoch).
void delete_run(const std::string& folder);

// <folder>/state.pt: the training state `train --resume` continues from.
std::string run_state_path(const std::string& folder);

// Writes run.folder's history.csv and run.json from `run`, each atomically (the trainer does,
// after every epoch). Throws DataError naming the file that cannot be written.
void write_run(const RunRecord& run);

// One CSV of all the runs' histories, one row per run-epoch:
// run,name,model,seed,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds. Written atomically;
// throws DataError naming `path` when it cannot be.
void export_runs_csv(const std::vector<RunRecord>& runs, const std::string& path);

}  // namespace mnist
