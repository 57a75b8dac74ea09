#include "core/training/history_csv.h"

#include <filesystem>

#include "core/errors.h"

namespace mnist {

HistoryCsv::HistoryCsv(const std::string& path) : path_(path), out_(path, std::ios::trunc) {
    if (!out_) throw DataError("cannot write training history to " + path);
    out_ << "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n" << std::flush;
    check_written();
}

void HistoryCsv::check_written() const {
    if (!out_) {
        throw DataError("writing the training history " + path_ +
                        " failed (is the disk full?); the rows written before are kept");
    }
}

void HistoryCsv::append(const EpochMetrics& m) {
    out_ << m.epoch << ',' << m.train_loss << ',' << m.train_acc << ',' << m.val_loss << ','
         << m.val_acc << ',' << m.lr << ',' << m.seconds << '\n'
         << std::flush;
    check_written();
}

std::string HistoryCsv::path_for(const std::string& dir, const std::string& model) {
    return (std::filesystem::path(dir) / ("history_" + model + ".csv")).string();
}

}  // namespace mnist
