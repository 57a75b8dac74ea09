#pragma once
#include <fstream>
#include <string>

#include "core/training/training_metrics.h"

namespace mnist {

// history_<Model>.csv: one row per epoch, flushed as training goes so a crash keeps the rows.
class HistoryCsv {
  public:
    // Truncates `path` and writes the header. Throws DataError naming the path if it cannot.
    explicit HistoryCsv(const std::string& path);
    // Throws DataError naming the path when the row cannot be written (a full disk), rather than
    // dropping it silently.
    void append(const EpochMetrics& m);
    static std::string path_for(const std::string& dir, const std::string& model);

  private:
    void check_written() const;

    std::string path_;
    std::ofstream out_;
};

}  // namespace mnist
