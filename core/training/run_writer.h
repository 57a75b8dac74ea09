#pragma once
// Keeps a run's folder (run_store.h) up to date while it trains: created as "running" when
// training starts, rewritten after every epoch, closed with how the run ended. Plain C++.
#include <chrono>
#include <string>

#include "core/training/run_store.h"
#include "core/training/trainer.h"

namespace mnist {

class RunWriter {
  public:
    // Creates <options.out_dir>/runs/<id>/ and records the run as running. The id is the start
    // time, model and seed, with -2, -3 ... added when another run took it in the same second.
    // Throws DataError naming the folder when it cannot be created or written.
    static RunWriter start(const TrainOptions& options);
    // Continues the run in `folder` (resume): it is recorded as running again, its time so far
    // kept. Throws InvalidArgument naming the folder and its problem when it is not a readable run.
    static RunWriter reopen(const std::string& folder);

    const RunRecord& record() const { return run_; }
    const std::string& folder() const { return run_.folder; }
    // best_<Model>.pth inside the run.
    std::string checkpoint_path() const;
    // The recipe the run continues with (a resume may extend its epochs).
    void set_options(const TrainOptions& options);

    // The run so far (after an epoch, still running) or at its end (result.ended).
    void update(const TrainResult& so_far, const std::string& ended = "running");
    // Training threw: the run is recorded as failed, with why. Never throws, so the caller can
    // rethrow the error that ended training.
    void fail(const std::string& why);

  private:
    explicit RunWriter(RunRecord run);
    void write();

    RunRecord run_;
    double seconds_before_ = 0.0;  // time spent in earlier sessions of a resumed run
    std::chrono::steady_clock::time_point begin_ = std::chrono::steady_clock::now();
};

}  // namespace mnist
