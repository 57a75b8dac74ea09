#pragma once
// The CLI's view of a training run: a live bar on a terminal, one plain line per epoch otherwise.
#include <cstdio>

#include "core/training/trainer.h"

class ProgressPrinter : public mnist::TrainObserver {
  public:
    // `out` gets the epoch lines; the bar goes to stderr when stderr is a terminal.
    explicit ProgressPrinter(std::FILE* out);
    void on_start(const mnist::TrainStart& start) override;
    void on_batch(const mnist::BatchProgress& p) override;
    void on_epoch(const mnist::EpochMetrics& m) override;

  private:
    std::FILE* out_;
    bool live_;
    int epochs_ = 0;
    double last_draw_ = -1.0;
};
