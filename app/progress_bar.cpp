#include "app/progress_bar.h"

#include <unistd.h>

#include <chrono>
#include <string>

namespace {

double now_seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string format_duration(double seconds) {
    const int s = static_cast<int>(seconds + 0.5);
    char buffer[32];
    if (s >= 3600) {
        std::snprintf(buffer, sizeof buffer, "%dh%02dm", s / 3600, s % 3600 / 60);
    } else {
        std::snprintf(buffer, sizeof buffer, "%dm%02ds", s / 60, s % 60);
    }
    return buffer;
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out) : out_(out), live_(::isatty(STDERR_FILENO)) {}

void ProgressPrinter::on_start(const mnist::TrainStart& s) {
    epochs_ = s.epochs;
    std::fprintf(
        out_,
        "Training %s (%lld parameters) on %s with %d thread%s: %lld images, %lld batches/epoch, "
        "validating on %s\n",
        s.model.c_str(), static_cast<long long>(s.params), s.device.c_str(), s.threads,
        s.threads == 1 ? "" : "s", static_cast<long long>(s.train_size),
        static_cast<long long>(s.batches_per_epoch), s.validation.c_str());
    if (s.first_epoch > 1) {
        std::fprintf(out_, "Resuming after epoch %d of %d\n", s.first_epoch - 1, s.epochs);
    }
    std::fflush(out_);
}

void ProgressPrinter::on_batch(const mnist::BatchProgress& p) {
    if (!live_) return;
    // Redrawing more than ~10 times a second only costs time.
    const double t = now_seconds();
    if (p.batch != p.batches && t - last_draw_ < 0.1) return;
    last_draw_ = t;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * p.batch / p.batches);
    const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
    std::fprintf(
        stderr, "\r\033[KEpoch %2d/%d [%s] %3lld%%  loss %.4f  acc %6.2f%%  %5.0f img/s  ETA %s",
        p.epoch, p.epochs, bar.c_str(), static_cast<long long>(100 * p.batch / p.batches),
        p.running_loss, p.running_acc, p.images_per_sec, format_duration(p.eta_seconds).c_str());
    std::fflush(stderr);
}

void ProgressPrinter::on_epoch(const mnist::EpochMetrics& m) {
    if (live_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(
        out_,
        "Epoch %2d/%d  train loss %.4f acc %.2f%%  val loss %.4f acc %.2f%%  lr %.2e  %.1fs%s\n",
        m.epoch, epochs_, m.train_loss, m.train_acc, m.val_loss, m.val_acc, m.lr, m.seconds,
        m.improved ? "  * best, saved" : "");
    std::fflush(out_);
}
