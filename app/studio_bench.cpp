// mnist-studio-bench: what training from the app costs, measured the way a user meets it. The
// whole MainWindow trains (worker thread, queued signals, live charts) and, alternated with it,
// the CLI's path (train() on this thread) runs the same options; both report the trainer's own
// images per second. While the window trains, a 5 ms timer measures how late the event loop
// serves it: the longest stall a user would feel. Not a test: timings are never asserted.
//   QT_QPA_PLATFORM=offscreen build/app/mnist-studio-bench [TRAIN_IMAGES] [ROUNDS]
#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

#include "core/data_location.h"
#include "core/trainer.h"
#include "ui/main_window.h"
#include "ui/model_panel.h"
#include "ui/training_controller.h"

namespace {

class LastRate : public mnist::TrainObserver {
  public:
    void on_batch(const mnist::BatchProgress& p) override { rate = p.images_per_sec; }
    double rate = 0;
};

struct AppRun {
    double images_per_sec = 0;
    double worst_stall_ms = 0;
};

AppRun train_in_window(const mnist::TrainOptions& options) {
    mnist::ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.setOutputDir(QString::fromStdString(options.out_dir));
    window.setDataDir(QString::fromStdString(options.data_dir));
    window.setDataLimits(options.limit_train, options.limit_test);
    window.modelPanel()->setCurrentModel(QString::fromStdString(options.model));
    window.modelPanel()->setOptions(options);

    AppRun run;
    QObject::connect(window.trainingController(), &mnist::ui::TrainingController::batchProgress,
                     [&](const mnist::BatchProgress& p) { run.images_per_sec = p.images_per_sec; });
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
    if (!window.startTraining()) {
        std::fprintf(stderr, "mnist-studio-bench: the window would not start training\n");
        return run;
    }
    done.exec();
    return run;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTemporaryDir home;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.path());
    const long train_images = argc > 1 ? std::atol(argv[1]) : 30000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 2;

    mnist::TrainOptions options = mnist::recommended_options("Model_3", "fast");
    options.epochs = 1;
    options.limit_train = train_images;
    options.limit_test = 2000;
    options.data_dir = mnist::resolve_data_dir("", argv[0]);
    options.out_dir = home.path().toStdString();
    std::printf("Model_3 quick demo, 1 epoch on %ld images, %d rounds alternated\n", train_images,
                rounds);
    for (int r = 1; r <= rounds; ++r) {
        LastRate cli;
        mnist::train(options, &cli);
        const AppRun gui = train_in_window(options);
        std::printf(
            "round %d: CLI path %.0f img/s, app %.0f img/s (%.2f x), event loop's longest "
            "stall %.1f ms\n",
            r, cli.rate, gui.images_per_sec, gui.images_per_sec / cli.rate, gui.worst_stall_ms);
    }
    return 0;
}
