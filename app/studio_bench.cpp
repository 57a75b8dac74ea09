// mnist-studio-bench: what training from the app costs, measured the way a user meets it. The
// whole MainWindow trains (worker thread, queued signals, live charts) and, alternated with it,
// the CLI's path (train() on this thread) runs the same options; both report the trainer's own
// images per second. While the window trains, a 5 ms timer measures how late the event loop
// serves it: the longest stall a user would feel. Not a test: timings are never asserted.
//   QT_QPA_PLATFORM=offscreen build/app/mnist-studio-bench [TRAIN_IMAGES] [ROUNDS] [EPOCHS]
// TRAIN_IMAGES 0 trains on all 60,000 and validates on all 10,000 test images; each run then also
// reports when (from pressing Train) validation first reached 99.4 %.
#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/data/data_location.h"
#include "core/training/recipes.h"
#include "core/training/trainer.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/training_controller.h"

namespace {

constexpr double kTarget = 99.4;

// The trainer's images/s as last reported, and the time from the start to the end of the first
// epoch whose validation accuracy reached kTarget.
struct Run {
    QElapsedTimer clock;
    double images_per_sec = 0;
    double worst_stall_ms = 0;
    double seconds_to_target = -1;
    int epoch_at_target = 0;

    void epoch(const mnist::EpochMetrics& m) {
        if (seconds_to_target >= 0 || m.val_acc < kTarget) return;
        seconds_to_target = clock.nsecsElapsed() / 1e9;
        epoch_at_target = m.epoch;
    }
    QString target() const {
        return seconds_to_target < 0 ? QStringLiteral("not reached")
                                     : QStringLiteral("%1 s (epoch %2)")
                                           .arg(seconds_to_target, 0, 'f', 1)
                                           .arg(epoch_at_target);
    }
};

class CliObserver : public mnist::TrainObserver {
  public:
    explicit CliObserver(Run& run) : run_(run) {}
    void on_batch(const mnist::BatchProgress& p) override {
        run_.images_per_sec = p.images_per_sec;
    }
    void on_epoch(const mnist::EpochMetrics& m) override { run_.epoch(m); }

  private:
    Run& run_;
};

Run train_in_window(const mnist::TrainOptions& options) {
    mnist::ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.setOutputDir(QString::fromStdString(options.out_dir));
    window.setDataDir(QString::fromStdString(options.data_dir));
    window.setDataLimits(options.limit_train, options.limit_test);
    window.modelPanel()->setCurrentModel(QString::fromStdString(options.model));
    window.modelPanel()->setOptions(options);

    Run run;
    QObject::connect(window.trainingController(), &mnist::ui::TrainingController::batchProgress,
                     [&](const mnist::BatchProgress& p) { run.images_per_sec = p.images_per_sec; });
    QObject::connect(window.trainingController(), &mnist::ui::TrainingController::epochFinished,
                     [&](const mnist::EpochMetrics& m) { run.epoch(m); });
    QElapsedTimer since_tick;
    QTimer ticker;
    ticker.setInterval(5);
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        run.worst_stall_ms = std::max(run.worst_stall_ms, since_tick.nsecsElapsed() / 1e6 - 5.0);
        since_tick.restart();
    });
    QEventLoop done;
    QObject::connect(window.trainingController(), &mnist::ui::TrainingController::runningChanged,
                     [&](bool running) {
                         if (!running) done.quit();
                     });
    since_tick.start();
    ticker.start();
    run.clock.start();
    if (!window.startTraining()) {
        std::fprintf(stderr, "mnist-studio-bench: the window would not start training\n");
        return run;
    }
    done.exec();
    return run;
}

}  // namespace

// A whole number from the command line, or -1 when it is not one.
long whole_number(const char* text) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    return end != text && *end == '\0' && value >= 0 ? value : -1;
}

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const long train_images = argc > 1 ? whole_number(argv[1]) : 30000;
    const long rounds = argc > 2 ? whole_number(argv[2]) : 2;
    const long epochs = argc > 3 ? whole_number(argv[3]) : 1;
    if (argc > 4 || train_images < 0 || rounds < 1 || epochs < 1) {
        std::fprintf(
            stderr,
            "usage: mnist-studio-bench [TRAIN_IMAGES (0: all)] [ROUNDS >= 1] [EPOCHS >= 1]\n");
        return 2;
    }
    QTemporaryDir home;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.path());
    mnist::TrainOptions options = mnist::recommended_options("Model_3", "fast");
    options.epochs = static_cast<int>(epochs);
    options.limit_train = train_images;
    options.limit_test = train_images > 0 ? 2000 : 0;
    options.out_dir = home.path().toStdString();
    try {
        options.data_dir = mnist::resolve_data_dir("", argv[0]);
        std::printf(
            "Model_3 quick demo, %ld epoch(s) on %ld images (0: all), %ld rounds, "
            "alternating which goes first\n",
            epochs, train_images, rounds);
        for (long r = 1; r <= rounds; ++r) {
            Run cli, gui;
            CliObserver observer(cli);
            auto run_cli = [&] {
                cli.clock.start();
                mnist::train(options, &observer);
            };
            if (r % 2 == 1) {
                run_cli();
                gui = train_in_window(options);
            } else {
                gui = train_in_window(options);
                run_cli();
            }
            std::printf(
                "round %ld: CLI path %.0f img/s, app %.0f img/s (%.2f x); event loop's "
                "longest stall %.1f ms; %.1f %% reached: CLI %s, app %s\n",
                r, cli.images_per_sec, gui.images_per_sec, gui.images_per_sec / cli.images_per_sec,
                gui.worst_stall_ms, kTarget, qPrintable(cli.target()), qPrintable(gui.target()));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mnist-studio-bench: %s\n", e.what());
        return 2;
    }
    return 0;
}
