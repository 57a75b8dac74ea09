// Resuming runs (core/training/trainer.h resume_training) on a slice of the real MNIST, on the
// CPU with a fixed seed and one thread: a run trained in two parts, or stopped mid-epoch and
// resumed, ends with the same per-epoch metrics and bit-identical weights as one trained
// straight through; a new learning rate shows in the history from where it was given; a run can
// be extended; what a schedule or a state file cannot honour is refused, naming why.
#include <QtTest>

#include <torch/torch.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/errors.h"
#include "core/training/recipes.h"
#include "core/training/run_store.h"
#include "core/training/trainer.h"
#include "training_test_support.h"

namespace fs = std::filesystem;

namespace {

using test_support::have_mnist;

// Model_1's plain recipe on 1,024 training images (8 batches) and 500 test images, with a weight
// average and a plateau schedule that cuts at once, so every part of the state matters.
mnist::TrainOptions slice(const std::string& out, int epochs) {
    mnist::TrainOptions o = test_support::mnist_slice(out, 1024, 500);
    o.epochs = epochs;
    o.threads = 1;
    o.seed = 5;
    o.ema_decay = 0.9;
    o.plateau_patience = 0;
    return o;
}

// So high that Model_1 on the slice stalls near chance (validation loss 2.296 in epoch 4, then
// 2.300 twice, seed 5), so a plateau schedule with patience 1 cuts the rate for epoch 7.
constexpr double kBumpyLr = 0.2;
// The plateau settings a resumed run gets: they are not recipe fields, so run.json keeps none.
constexpr int kPatience = 1;
constexpr double kFactor = 0.5;

// The epochs a run reported after it resumed, to check the observer sees only those.
class EpochLog : public mnist::TrainObserver {
  public:
    void on_start(const mnist::TrainStart& s) override { first = s.first_epoch; }
    void on_epoch(const mnist::EpochMetrics& m) override { epochs.push_back(m.epoch); }
    int first = 0;
    std::vector<int> epochs;
};

void compare_histories(const std::vector<mnist::EpochMetrics>& got,
                       const std::vector<mnist::EpochMetrics>& want) {
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const QString at = QString("epoch %1").arg(i + 1);
        QCOMPARE(got[i].epoch, want[i].epoch);
        // Exactly equal, not within a tolerance: the same computation in the same order.
        QVERIFY2(got[i].train_loss == want[i].train_loss,
                 qPrintable(at + QString(" train loss %1 vs %2")
                                     .arg(got[i].train_loss, 0, 'g', 17)
                                     .arg(want[i].train_loss, 0, 'g', 17)));
        QVERIFY2(got[i].train_acc == want[i].train_acc, qPrintable(at));
        QVERIFY2(got[i].val_loss == want[i].val_loss, qPrintable(at));
        QVERIFY2(got[i].val_acc == want[i].val_acc, qPrintable(at));
        QVERIFY2(got[i].lr == want[i].lr, qPrintable(at));
        QCOMPARE(got[i].improved, want[i].improved);
    }
}

// Every tensor of two state.pt archives' weights, or two checkpoints, bit for bit.
std::vector<torch::Tensor> state_tensors(const std::string& state_file) {
    torch::serialize::InputArchive archive, net;
    archive.load_from(state_file);
    archive.read("net", net);
    std::vector<torch::Tensor> tensors;
    for (const auto& key : net.keys()) {
        torch::Tensor t;
        net.read(key, t, key.rfind("buffer_", 0) == 0);
        tensors.push_back(t);
    }
    return tensors;
}

void compare_weights(const std::vector<torch::Tensor>& got,
                     const std::vector<torch::Tensor>& want) {
    QCOMPARE(got.size(), want.size());
    QVERIFY(!want.empty());
    for (std::size_t i = 0; i < want.size(); ++i) {
        QVERIFY2(torch::equal(got[i], want[i]), qPrintable(QString("tensor %1 differs").arg(i)));
    }
}

void compare_checkpoints(const std::string& a, const std::string& b) {
    auto x = mnist::load_model_checkpoint(a).net->parameters();
    auto y = mnist::load_model_checkpoint(b).net->parameters();
    compare_weights(x, y);
}

template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "(nothing thrown)";
}

}  // namespace

class ResumeTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    mnist::TrainResult straight_;  // three epochs without a break
    std::string out(const char* name) const { return dir_.filePath(name).toStdString(); }

  private Q_SLOTS:
    void initTestCase() {
        if (!have_mnist()) QSKIP("MNIST is not in data/MNIST/raw (run scripts/fetch_data.sh)");
        QVERIFY(dir_.isValid());
        straight_ = mnist::train(slice(out("straight"), 3));
        QCOMPARE(straight_.epochs.size(), std::size_t{3});
        QVERIFY(!straight_.run_folder.empty());
    }

    void twoPartsEqualOneRun() {
        const auto first = mnist::train(slice(out("parts"), 2));
        QCOMPARE(first.ended, std::string("finished"));
        QVERIFY(fs::exists(mnist::run_state_path(first.run_folder)));

        EpochLog log;
        mnist::ResumeChanges more;
        more.epochs = 3;
        const auto resumed = mnist::resume_training(first.run_folder, more, &log);
        QCOMPARE(resumed.run_folder, first.run_folder);
        QCOMPARE(resumed.ended, std::string("finished"));
        QCOMPARE(log.first, 3);
        QCOMPARE(log.epochs, std::vector<int>{3});
        compare_histories(resumed.epochs, straight_.epochs);
        QCOMPARE(resumed.best_epoch, straight_.best_epoch);
        QVERIFY(resumed.best_val_acc == straight_.best_val_acc);
        compare_weights(state_tensors(mnist::run_state_path(resumed.run_folder)),
                        state_tensors(mnist::run_state_path(straight_.run_folder)));
        compare_checkpoints(resumed.checkpoint, straight_.checkpoint);

        // One run on disk, continued in place: three epochs, extended recipe, the run's own best
        // beside the out folder's.
        const auto runs = mnist::list_runs(mnist::runs_folder(out("parts")));
        QCOMPARE(runs.size(), std::size_t{1});
        QVERIFY2(runs[0].problem.empty(), runs[0].problem.c_str());
        QCOMPARE(runs[0].history.size(), std::size_t{3});
        QCOMPARE(runs[0].options.epochs, 3);
        QCOMPARE(runs[0].ended, std::string("finished"));
        QVERIFY(runs[0].resumable);
        QVERIFY(fs::exists(mnist::checkpoint_path(first.run_folder, "Model_1")));
        QVERIFY(fs::exists(mnist::checkpoint_path(out("parts"), "Model_1")));
    }

    void stoppedMidEpochResumesToTheSameRun() {
        std::atomic<bool> stop{false};
        test_support::StopAfter stopper(stop, 8 + 3);  // the third batch of epoch 2
        const auto stopped = mnist::train(slice(out("stopped"), 3), &stopper, &stop);
        QCOMPARE(stopped.ended, std::string("stopped"));
        QCOMPARE(stopped.epochs.size(), std::size_t{1});
        QCOMPARE(mnist::read_run(stopped.run_folder).ended, std::string("stopped"));

        // The state file, not the folder, is just as good a handle.
        const auto resumed = mnist::resume_training(mnist::run_state_path(stopped.run_folder));
        compare_histories(resumed.epochs, straight_.epochs);
        compare_weights(state_tensors(mnist::run_state_path(resumed.run_folder)),
                        state_tensors(mnist::run_state_path(straight_.run_folder)));
    }

    void newLearningRateShowsWhereItWasGiven() {
        mnist::TrainOptions o = slice(out("lr"), 2);
        o.scheduler = mnist::SchedulerKind::None;
        o.ema_decay = 0.0;
        const auto first = mnist::train(o);
        QCOMPARE(first.epochs[1].lr, 1e-3);
        mnist::ResumeChanges changes;
        changes.epochs = 4;
        changes.lr = 2.5e-4;
        const auto resumed = mnist::resume_training(first.run_folder, changes);
        QCOMPARE(resumed.epochs.size(), std::size_t{4});
        QCOMPARE(resumed.epochs[0].lr, 1e-3);
        QCOMPARE(resumed.epochs[1].lr, 1e-3);
        QCOMPARE(resumed.epochs[2].lr, 2.5e-4);
        QCOMPARE(resumed.epochs[3].lr, 2.5e-4);
        const auto run = mnist::read_run(first.run_folder);
        QCOMPARE(run.history.size(), std::size_t{4});
        QCOMPARE(run.history[2].lr, 2.5e-4);

        // The rate stays changed through a later resume without changes.
        changes = {};
        changes.epochs = 5;
        const auto again = mnist::resume_training(first.run_folder, changes);
        QCOMPARE(again.epochs.back().lr, 2.5e-4);
    }

    // Plateau -> constant: the rate stays where a plateau schedule, cutting at the first epoch
    // without a better validation loss, lowers it; the recipe says none from then on.
    void plateauSwitchedToConstantKeepsTheRate() {
        mnist::TrainOptions o = slice(out("plateau_ref"), 7);
        o.ema_decay = 0.0;
        o.lr = kBumpyLr;
        o.plateau_patience = kPatience;
        o.plateau_factor = kFactor;
        const auto reference = mnist::train(o);
        QVERIFY2(reference.epochs.back().lr < kBumpyLr, "the plateau reference never cut its rate");

        o.out_dir = out("to_none");
        o.epochs = 1;
        const auto first = mnist::train(o);
        mnist::ResumeChanges changes;
        changes.epochs = 7;
        changes.scheduler = mnist::SchedulerKind::None;
        const auto resumed = mnist::resume_training(first.run_folder, changes);
        QCOMPARE(resumed.epochs.size(), std::size_t{7});
        for (const auto& m : resumed.epochs) QCOMPARE(m.lr, kBumpyLr);
        QCOMPARE(mnist::read_run(first.run_folder).options.scheduler, mnist::SchedulerKind::None);

        // A later resume follows the recorded schedule (and its saved state).
        changes = {};
        changes.epochs = 8;
        const auto again = mnist::resume_training(first.run_folder, changes);
        QCOMPARE(again.epochs.back().lr, kBumpyLr);
    }

    // Constant -> plateau, from the rate in effect: fresh patience, then cut by the factor.
    void constantSwitchedToPlateauCutsAfterPatience() {
        mnist::TrainOptions o = slice(out("to_plateau"), 1);
        o.ema_decay = 0.0;
        o.scheduler = mnist::SchedulerKind::None;
        o.lr = kBumpyLr;
        o.plateau_patience = kPatience;
        o.plateau_factor = kFactor;
        const auto first = mnist::train(o);
        mnist::ResumeChanges changes;
        changes.epochs = 7;
        changes.scheduler = mnist::SchedulerKind::ReduceOnPlateau;
        const auto resumed = mnist::resume_training(first.run_folder, changes);
        QCOMPARE(resumed.epochs.size(), std::size_t{7});
        QCOMPARE(resumed.epochs[0].lr, kBumpyLr);
        // From the switch on: more than kPatience epochs without a better validation loss (by
        // PyTorch's relative threshold 1e-4) cut the rate for the next one.
        double best = std::numeric_limits<double>::infinity(), lr = kBumpyLr;
        int bad = 0;
        bool cut = false;
        for (std::size_t i = 1; i < resumed.epochs.size(); ++i) {
            QCOMPARE(resumed.epochs[i].lr, lr);
            if (resumed.epochs[i].val_loss < best * (1 - 1e-4)) {
                best = resumed.epochs[i].val_loss;
                bad = 0;
            } else if (++bad > kPatience) {
                lr *= kFactor;
                bad = 0;
                cut = true;
            }
        }
        QVERIFY2(cut, "the validation loss never stalled, so the plateau schedule was not tested");
        QCOMPARE(mnist::read_run(first.run_folder).options.scheduler,
                 mnist::SchedulerKind::ReduceOnPlateau);
    }

    // A training that throws is kept as a failed run with the message, and resumes from its last
    // good epoch with a saner rate: what changing the rate while paused is for.
    void failedRunIsRecordedAndResumable() {
        mnist::TrainOptions o = slice(out("failed"), 1);
        o.scheduler = mnist::SchedulerKind::None;
        o.ema_decay = 0.0;
        const auto first = mnist::train(o);
        mnist::ResumeChanges wild;
        wild.epochs = 2;
        wild.lr = 1e30;
        QVERIFY_THROWS_EXCEPTION(mnist::TrainingDiverged,
                                 mnist::resume_training(first.run_folder, wild));
        const auto failed = mnist::read_run(first.run_folder);
        QCOMPARE(failed.ended, std::string("failed"));
        QVERIFY2(failed.failure.find("diverged") != std::string::npos, failed.failure.c_str());
        QCOMPARE(failed.history.size(), std::size_t{1});

        mnist::ResumeChanges calm;
        calm.epochs = 2;
        calm.lr = 1e-3;
        const auto resumed = mnist::resume_training(first.run_folder, calm);
        QCOMPARE(resumed.epochs.size(), std::size_t{2});
        const auto back = mnist::read_run(first.run_folder);
        QCOMPARE(back.ended, std::string("finished"));
        QVERIFY(back.failure.empty());
    }

    void refusedChangesSayWhy() {
        mnist::TrainOptions o = slice(out("onecycle"), 1);
        o.scheduler = mnist::SchedulerKind::OneCycle;
        o.limit_train = 256;
        const auto cycle = mnist::train(o);
        mnist::ResumeChanges more;
        more.epochs = 2;
        std::string why = message_of<mnist::InvalidArgument>(
            [&] { mnist::resume_training(cycle.run_folder, more); });
        QVERIFY2(why.find("OneCycle") != std::string::npos, why.c_str());
        mnist::ResumeChanges lr;
        lr.lr = 1e-4;
        why =
            message_of<mnist::InvalidArgument>([&] { mnist::check_resume(cycle.run_folder, lr); });
        QVERIFY2(why.find("onecycle schedule sets the learning rate") != std::string::npos,
                 why.c_str());
        why = message_of<mnist::InvalidArgument>([&] { mnist::check_resume(cycle.run_folder); });
        QVERIFY2(why.find("finished all its 1 epochs") != std::string::npos, why.c_str());

        // Only the constant and plateau schedules switch, and only to each other.
        mnist::ResumeChanges switched;
        switched.epochs = 2;
        switched.scheduler = mnist::SchedulerKind::None;
        why = message_of<mnist::InvalidArgument>(
            [&] { mnist::check_resume(cycle.run_folder, switched); });
        QVERIFY2(why.find("follows a onecycle schedule") != std::string::npos &&
                     why.find("constant (none) and plateau") != std::string::npos,
                 why.c_str());
        o.scheduler = mnist::SchedulerKind::Step;
        o.out_dir = out("step");
        const auto step = mnist::train(o);
        switched.scheduler = mnist::SchedulerKind::ReduceOnPlateau;
        why = message_of<mnist::InvalidArgument>(
            [&] { mnist::check_resume(step.run_folder, switched); });
        QVERIFY2(why.find("follows a step schedule") != std::string::npos, why.c_str());

        // The plain runs above took an extension; not one that goes backwards, nor a bad rate.
        const std::string parts = mnist::list_runs(mnist::runs_folder(out("parts")))[0].folder;
        more.epochs = 3;
        why = message_of<mnist::InvalidArgument>([&] { mnist::check_resume(parts, more); });
        QVERIFY2(why.find("has finished 3 epochs") != std::string::npos, why.c_str());
        more.epochs = 4;
        more.lr = -1.0;
        why = message_of<mnist::InvalidArgument>([&] { mnist::check_resume(parts, more); });
        QVERIFY2(why.find("learning rate") != std::string::npos, why.c_str());
        more.lr.reset();
        mnist::check_resume(parts, more);  // fine
        more.scheduler = mnist::SchedulerKind::Step;
        why = message_of<mnist::InvalidArgument>([&] { mnist::check_resume(parts, more); });
        QVERIFY2(why.find("not to step") != std::string::npos, why.c_str());
        more.scheduler.reset();

        // Not while another training (here: this process, as run.json says) still writes it.
        const std::string path = parts + "/run.json";
        std::ifstream in(path);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string ended = "\"ended\": \"finished\"", pid = "\"pid\": 0";
        QVERIFY(text.find(ended) != std::string::npos && text.find(pid) != std::string::npos);
        text.replace(text.find(ended), ended.size(), "\"ended\": \"running\"");
        text.replace(text.find(pid), pid.size(), "\"pid\": " + std::to_string(::getpid()));
        std::ofstream(path) << text;
        why = message_of<mnist::InvalidArgument>([&] { mnist::check_resume(parts, more); });
        QVERIFY2(why.find("still training") != std::string::npos, why.c_str());
    }

    void badStateFilesAreNamed() {
        const std::string missing = out("nowhere/runs/x");
        std::string why =
            message_of<mnist::InvalidArgument>([&] { mnist::resume_training(missing); });
        QVERIFY2(why.find(missing) != std::string::npos, why.c_str());

        // A run that never finished an epoch has no state to continue from.
        std::atomic<bool> stop{true};
        const auto never = mnist::train(slice(out("never"), 2), nullptr, &stop);
        QVERIFY(!fs::exists(mnist::run_state_path(never.run_folder)));
        why = message_of<mnist::InvalidArgument>([&] { mnist::check_resume(never.run_folder); });
        QVERIFY2(why.find("state.pt") != std::string::npos, why.c_str());
        why = message_of<mnist::CheckpointError>([&] { mnist::resume_training(never.run_folder); });
        QVERIFY2(why.find("state.pt is missing") != std::string::npos, why.c_str());

        // Garbage where the state should be.
        const std::string state = mnist::run_state_path(never.run_folder);
        std::ofstream(state) << "not a training state";
        why = message_of<mnist::CheckpointError>([&] { mnist::resume_training(never.run_folder); });
        QVERIFY2(why.find(state) != std::string::npos && why.find("corrupt") != std::string::npos,
                 why.c_str());

        // A state cut short anywhere (a full disk before the atomic writer existed, a copy).
        std::ifstream whole_in(mnist::run_state_path(straight_.run_folder), std::ios::binary);
        const std::string whole((std::istreambuf_iterator<char>(whole_in)),
                                std::istreambuf_iterator<char>());
        QVERIFY(whole.size() > 1000);
        for (int tenth = 1; tenth < 10; ++tenth) {
            std::ofstream(state, std::ios::binary) << whole.substr(0, whole.size() * tenth / 10);
            why = message_of<mnist::CheckpointError>(
                [&] { mnist::resume_training(never.run_folder); });
            QVERIFY2(why.find(state) != std::string::npos, why.c_str());
        }

        // Another Model_1 run's state: more epochs than this run has, or as many but others.
        fs::copy_file(mnist::run_state_path(straight_.run_folder), state,
                      fs::copy_options::overwrite_existing);
        mnist::ResumeChanges more;
        more.epochs = 4;
        why = message_of<mnist::CheckpointError>(
            [&] { mnist::resume_training(never.run_folder, more); });
        QVERIFY2(
            why.find(state) != std::string::npos && why.find("another run") != std::string::npos,
            why.c_str());
        mnist::TrainOptions stranger_options = slice(out("stranger"), 3);
        stranger_options.seed = 6;
        const auto stranger = mnist::train(stranger_options);
        const std::string stranger_state = mnist::run_state_path(stranger.run_folder);
        fs::copy_file(mnist::run_state_path(straight_.run_folder), stranger_state,
                      fs::copy_options::overwrite_existing);
        why = message_of<mnist::CheckpointError>(
            [&] { mnist::resume_training(stranger.run_folder, more); });
        QVERIFY2(why.find("epoch 1 differs") != std::string::npos, why.c_str());
        QCOMPARE(mnist::read_run(stranger.run_folder).history.size(), std::size_t{3});

        // Another model's state in a Model_1 run.
        mnist::TrainOptions other = slice(out("other"), 1);
        other.model = "Model_2";
        other.limit_train = 256;
        const auto model2 = mnist::train(other);
        fs::copy_file(mnist::run_state_path(model2.run_folder), state,
                      fs::copy_options::overwrite_existing);
        why = message_of<mnist::CheckpointError>([&] { mnist::resume_training(never.run_folder); });
        QVERIFY2(why.find("is of Model_2, but the run trains Model_1") != std::string::npos,
                 why.c_str());
        QCOMPARE(mnist::read_run(never.run_folder).ended, std::string("stopped"));  // untouched
    }

    // A run copied out of its <out>/runs folder keeps everything it writes inside itself: its
    // grandparent (here a project folder holding the user's own best_Model_1.pth) was taken for
    // the out folder, and that checkpoint overwritten.
    void movedRunWritesOnlyIntoItself() {
        const fs::path project = out("project");
        const fs::path moved = project / "backup" / "my-run";
        fs::create_directories(moved);
        for (const auto& entry : fs::directory_iterator(straight_.run_folder)) {
            fs::copy_file(entry.path(), moved / entry.path().filename());
        }
        std::ofstream(project / "best_Model_1.pth") << "the user's own model";
        mnist::ResumeChanges more;
        more.epochs = 4;
        const auto resumed = mnist::resume_training(moved.string(), more);
        QCOMPARE(resumed.epochs.size(), std::size_t{4});
        QCOMPARE(resumed.run_folder, moved.string());
        std::ifstream mine(project / "best_Model_1.pth");
        const std::string text((std::istreambuf_iterator<char>(mine)),
                               std::istreambuf_iterator<char>());
        QCOMPARE(text, std::string("the user's own model"));
        QVERIFY(!fs::exists(project / "history_Model_1.csv"));
        QVERIFY(!fs::exists(project / "backup" / "best_Model_1.pth"));
        QCOMPARE(mnist::read_run(moved.string()).history.size(), std::size_t{4});
        // Still a run's files only: it can be deleted.
        mnist::delete_run(moved.string());
        QVERIFY(!fs::exists(moved));
    }
};

QTEST_MAIN(ResumeTest)
#include "test_resume.moc"
