// Tests for core/training/run_store and run_writer: runs written as training goes read back the
// same from a fresh listing (a restart), broken folders are listed with their problem and never
// throw, renames persist, deletes remove one run's files only, and the CSV export has one row per
// run-epoch.
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "core/training/recipe_fields.h"
#include "core/training/recipes.h"
#include "core/training/run_store.h"
#include "core/training/run_writer.h"

namespace fs = std::filesystem;

namespace {

mnist::EpochMetrics epoch(int n, double val_acc, double lr) {
    mnist::EpochMetrics m;
    m.epoch = n;
    m.train_loss = 1.0 / (n + 1) + 0.0123456789;
    m.train_acc = 80.0 + n + 0.123456;
    m.val_loss = 0.5 / n;
    m.val_acc = val_acc;
    m.lr = lr;
    m.seconds = 1.25 * n;
    return m;
}

// A finished result of `epochs` epochs whose best is the highest accuracy.
mnist::TrainResult result_of(const std::vector<mnist::EpochMetrics>& epochs) {
    mnist::TrainResult r;
    r.epochs = epochs;
    for (auto& m : r.epochs) {
        if (r.best_epoch == 0 || m.val_acc > r.best_val_acc) {
            r.best_epoch = m.epoch;
            r.best_val_acc = m.val_acc;
            m.improved = true;
        }
    }
    return r;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

// Every recipe field of `o` by key, as JSON-free text, for comparing two recipes whole.
std::vector<std::string> recipe_text(const mnist::TrainOptions& o) {
    std::vector<std::string> fields{"model=" + o.model};
    for (const auto& field : mnist::recipe_fields()) {
        std::visit(
            [&](const auto& v) {
                std::ostringstream s;
                s.precision(17);
                s << field.key << '=' << v;
                fields.push_back(s.str());
            },
            field.get(o));
    }
    return fields;
}

}  // namespace

class RunStoreTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string out() const { return dir_.path().toStdString(); }

    mnist::TrainOptions options(const std::string& model = "Model_1", std::uint64_t seed = 1) {
        mnist::TrainOptions o = mnist::recommended_options(model);
        o.seed = seed;
        o.out_dir = out();
        return o;
    }

  private Q_SLOTS:
    void init() {
        QVERIFY(dir_.isValid());
        fs::remove_all(mnist::runs_folder(out()));
    }

    void noRunsFolderListsNothing() {
        QVERIFY(mnist::list_runs(mnist::runs_folder(out())).empty());
        QVERIFY(mnist::list_runs(out() + "/does/not/exist").empty());
    }

    void runsWrittenAsTrainingGoesSurviveARestart() {
        auto a = mnist::RunWriter::start(options("Model_1", 7));
        // Same model, same seed, same second: still two runs.
        auto b = mnist::RunWriter::start(options("Model_1", 7));
        QVERIFY(a.folder() != b.folder());
        QCOMPARE(fs::path(a.folder()).parent_path().string(), mnist::runs_folder(out()));

        // While running, a fresh listing already shows the run.
        auto listed = mnist::list_runs(mnist::runs_folder(out()));
        QCOMPARE(listed.size(), std::size_t{2});
        QCOMPARE(listed[0].ended, std::string("running"));
        QVERIFY2(listed[0].problem.empty(), listed[0].problem.c_str());
        QVERIFY(listed[0].history.empty());

        const std::vector<mnist::EpochMetrics> epochs = {
            epoch(1, 97.25, 1e-3), epoch(2, 98.5, 1e-3), epoch(3, 98.125, 5e-4)};
        a.update(result_of({epochs[0]}));
        auto so_far = mnist::read_run(a.folder());
        QCOMPARE(so_far.history.size(), std::size_t{1});
        QCOMPARE(so_far.ended, std::string("running"));

        mnist::TrainResult done = result_of(epochs);
        done.test_acc = 98.75;
        a.update(done, "early-stopped");
        b.fail("training diverged: the loss became nan in epoch 1");

        listed = mnist::list_runs(mnist::runs_folder(out()));
        QCOMPARE(listed.size(), std::size_t{2});
        const mnist::RunRecord& r = listed[0].folder == a.folder() ? listed[0] : listed[1];
        const mnist::RunRecord& failed = listed[0].folder == a.folder() ? listed[1] : listed[0];
        QVERIFY2(r.problem.empty(), r.problem.c_str());
        QCOMPARE(r.id, fs::path(a.folder()).filename().string());
        QCOMPARE(r.name, r.id);
        QCOMPARE(r.model, std::string("Model_1"));
        QCOMPARE(r.seed, std::uint64_t{7});
        QCOMPARE(r.ended, std::string("early-stopped"));
        QCOMPARE(r.best_epoch, 2);
        QCOMPARE(r.best_val_acc, 98.5);
        QCOMPARE(r.final_val_acc(), 98.125);
        QVERIFY(r.test_acc.has_value());
        QCOMPARE(*r.test_acc, 98.75);
        QVERIFY(r.seconds >= 0.0);
        QCOMPARE(r.started.size(), std::size_t{19});  // 2026-11-29T06:30:12
        QVERIFY(!r.resumable);                        // no state.pt was written
        QCOMPARE(r.history.size(), epochs.size());
        for (std::size_t i = 0; i < epochs.size(); ++i) {
            QCOMPARE(r.history[i].epoch, epochs[i].epoch);
            QCOMPARE(r.history[i].val_acc, epochs[i].val_acc);
            QCOMPARE(r.history[i].lr, epochs[i].lr);
            QVERIFY(std::abs(r.history[i].train_loss - epochs[i].train_loss) < 1e-9);
            QCOMPARE(r.history[i].improved, i < 2);
        }
        QCOMPARE(failed.ended, std::string("failed"));
        QVERIFY(failed.failure.find("diverged") != std::string::npos);
        QVERIFY(failed.history.empty());
    }

    void recipeReadsBackEqual() {
        mnist::TrainOptions o = mnist::recommended_options("Model_3");
        o.out_dir = out();
        o.seed = 18446744073709551557ull;  // the largest 64-bit prime: no double holds it
        o.lr = 0.000123456789012345;
        o.optimizer = mnist::OptimizerKind::SGD;
        o.nesterov = true;
        o.scheduler = mnist::SchedulerKind::Step;
        o.step_gamma = 1.0 / 3.0;
        o.early_stop = 4;
        o.val_split = 5000;
        o.data_dir = "/data/with, a comma \"and quotes\"";
        o.augmentation.degrees(7.5).stroke(0.3);
        auto writer = mnist::RunWriter::start(o);
        const auto back = mnist::read_run(writer.folder());
        QVERIFY2(back.problem.empty(), back.problem.c_str());
        QCOMPARE(recipe_text(back.options), recipe_text(o));
        QCOMPARE(back.recipe_summary(),
                 std::string("SGD lr 0.000123457, step, batch 64, augmented, EMA 0.999"));
    }

    // Paths are bytes: an out folder named in Latin-1 is not UTF-8, which JSON must be. The run
    // is recorded (the byte shown as U+FFFD) instead of failing before training starts.
    void nonUtf8PathIsRecorded() {
        mnist::TrainOptions o = options();
        o.out_dir = out() + "/lat\xe9in";
        auto writer = mnist::RunWriter::start(o);
        writer.update(result_of({epoch(1, 90, 1e-3)}), "finished");
        mnist::rename_run(writer.folder(), "caf\xe9");
        const auto run = mnist::read_run(writer.folder());
        QVERIFY2(run.problem.empty(), run.problem.c_str());
        QCOMPARE(run.options.out_dir, out() + "/lat\xef\xbf\xbdin");
        QCOMPARE(run.name, std::string("caf\xef\xbf\xbd"));
        QCOMPARE(run.history.size(), std::size_t{1});
    }

    void brokenFoldersAreListedWithTheirProblem() {
        const std::string runs = mnist::runs_folder(out());
        auto good = mnist::RunWriter::start(options());
        good.update(result_of({epoch(1, 90, 1e-3)}), "finished");
        // Each broken copy starts from the good run's files.
        const auto copy = [&](const std::string& id) {
            const fs::path to = fs::path(runs) / id;
            fs::create_directories(to);
            for (const auto& entry : fs::directory_iterator(good.folder())) {
                fs::copy_file(entry.path(), to / entry.path().filename());
            }
            return to.string();
        };
        spit(copy("b-corrupt-json") + "/run.json", "{\"name\": \"half a fi");
        fs::remove(copy("b-no-run-json") + "/run.json");
        fs::remove(copy("b-no-history") + "/history.csv");
        spit(copy("b-bad-row") + "/history.csv",
             "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n1,0.5,90,0.4,oops,0.001,1\n");
        {
            const std::string path = copy("b-bad-recipe") + "/run.json";
            std::string text = slurp(path);
            const auto at = text.find("\"epochs\": ");
            QVERIFY(at != std::string::npos);
            text.replace(at, 10, "\"epochs\": \"many\", \"x\": ");
            spit(path, text);
        }
        spit(copy("b-newer-format") + "/run.json", "{\"format\": 99}");
        spit(runs + "/a-stray-file.txt", "not a run");

        const auto listed = mnist::list_runs(runs);
        QCOMPARE(listed.size(), std::size_t{7});  // six broken and the good one; the file is no run
        const std::vector<std::pair<std::string, std::string>> expected = {
            {"b-bad-recipe", "recipe field 'epochs'"},
            {"b-bad-row", "history.csv line 2: val_acc 'oops' is not a number"},
            {"b-corrupt-json", "run.json is corrupt"},
            {"b-newer-format", "format 99"},
            {"b-no-history", "history.csv is missing"},
            {"b-no-run-json", "run.json is missing"},
        };
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const auto& run = listed[i + 1];  // the good run's id (a date) sorts first
            QCOMPARE(run.id, expected[i].first);
            QVERIFY2(run.problem.find(expected[i].second) != std::string::npos,
                     (run.id + ": " + run.problem).c_str());
            QVERIFY2(run.problem.find(run.folder) != std::string::npos, run.problem.c_str());
            QVERIFY(run.history.empty() || !run.problem.empty());
        }
        QVERIFY(listed[0].problem.empty());
        QCOMPARE(listed[0].folder, good.folder());
    }

    // Numbers JSON can hold but a run cannot have: each is a broken run naming the field, rather
    // than a wrapped int, an lround overflow in the list, or a recipe the form and resume refuse.
    void outOfRangeNumbersAreListedAsBroken() {
        const std::string runs = mnist::runs_folder(out());
        auto good = mnist::RunWriter::start(options());
        good.update(result_of({epoch(1, 90, 1e-3), epoch(2, 91, 1e-3)}), "finished");
        const std::string text = slurp(good.folder() + "/run.json");
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"\"best_epoch\": 99999999999", "'best_epoch'"},
            {"\"best_epoch\": -3", "'best_epoch'"},
            {"\"best_epoch\": 1.5", "'best_epoch'"},
            {"\"best_val_acc\": 1e300", "'best_val_acc'"},
            {"\"test_acc\": -1", "'test_acc'"},
            {"\"seconds\": 1e300", "'seconds'"},
            {"\"seconds\": -50", "'seconds'"},
            {"\"seed\": -1", "'seed'"},
            {"\"seed\": 1.5", "'seed'"},
            {"\"batch_size\": 0", "recipe field 'batch_size'"},
            {"\"epochs\": -4", "recipe field 'epochs'"},
            {"\"lr\": -1", "recipe field 'lr'"},
            {"\"ema_decay\": 2", "recipe field 'ema_decay'"},
        };
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const std::string& replacement = cases[i].first;
            const std::string key = replacement.substr(0, replacement.find(':') + 1);
            std::string changed = text;
            const auto at = changed.rfind(key);  // the top level's seed, after the recipe's
            QVERIFY2(at != std::string::npos, key.c_str());
            changed.replace(at, changed.find_first_of(",\n", at) - at, replacement);
            const fs::path folder = fs::path(runs) / ("bad-" + std::to_string(i));
            fs::create_directories(folder);
            fs::copy_file(good.folder() + "/history.csv", folder / "history.csv");
            spit((folder / "run.json").string(), changed);
            const mnist::RunRecord run = mnist::read_run(folder.string());
            QVERIFY2(run.problem.find(cases[i].second) != std::string::npos,
                     (replacement + " -> '" + run.problem + "'").c_str());
            QVERIFY2(run.problem.find("run.json") != std::string::npos, run.problem.c_str());
        }
    }

    // Hostile files: every truncation of run.json and history.csv, and NaN in the history, give
    // a broken run naming the file, never an exception or a half-read run.
    void everyTruncationIsListedAsBroken() {
        auto writer = mnist::RunWriter::start(options());
        writer.update(result_of({epoch(1, 95, 1e-3), epoch(2, 96, 5e-4)}), "finished");
        const std::string json_path = writer.folder() + "/run.json";
        const std::string csv_path = writer.folder() + "/history.csv";
        const std::string json = slurp(json_path), csv = slurp(csv_path);
        const std::size_t json_end = json.rfind('}') + 1;
        for (std::size_t n = 0; n < json.size(); ++n) {
            spit(json_path, json.substr(0, n));
            mnist::RunRecord run;
            try {
                run = mnist::read_run(writer.folder());
            } catch (...) {
                QFAIL(qPrintable(QString("read_run threw on run.json cut at %1").arg(n)));
            }
            QVERIFY2(run.problem.empty() == (n >= json_end),
                     qPrintable(QString("cut at %1: '%2'").arg(n).arg(run.problem.c_str())));
            if (!run.problem.empty()) {
                QVERIFY2(run.problem.find(json_path) != std::string::npos, run.problem.c_str());
            }
        }
        spit(json_path, json);
        // A cut inside a row could leave a shorter number that still parses: only rows that end
        // in a newline are taken, so exactly the cuts between rows read back (fewer epochs).
        const std::size_t header_end = csv.find('\n') + 1;
        for (std::size_t n = 0; n < csv.size(); ++n) {
            spit(csv_path, csv.substr(0, n));
            const auto run = mnist::read_run(writer.folder());
            const bool whole_rows = n >= header_end && csv[n - 1] == '\n';
            QVERIFY2(run.problem.empty() == whole_rows,
                     qPrintable(QString("cut at %1: '%2'").arg(n).arg(run.problem.c_str())));
            if (whole_rows) {
                QCOMPARE(
                    static_cast<std::size_t>(std::count(csv.begin(), csv.begin() + n, '\n') - 1),
                    run.history.size());
            } else {
                QVERIFY2(run.problem.find(csv_path) != std::string::npos, run.problem.c_str());
            }
        }
        std::string nan_row = csv;
        nan_row.replace(nan_row.rfind(",96,"), 4, ",nan,");
        spit(csv_path, nan_row);
        const auto nan_run = mnist::read_run(writer.folder());
        QVERIFY2(nan_run.problem.find("val_acc 'nan' is not finite") != std::string::npos,
                 nan_run.problem.c_str());
    }

    void renamePersists() {
        auto writer = mnist::RunWriter::start(options());
        mnist::rename_run(writer.folder(), "with augmentation, seed 1");
        QCOMPARE(mnist::read_run(writer.folder()).name, std::string("with augmentation, seed 1"));
        // The trainer's next rewrite keeps the name the user gave while it ran.
        writer.update(result_of({epoch(1, 95, 1e-3)}));
        const auto listed = mnist::list_runs(mnist::runs_folder(out()));
        QCOMPARE(listed.size(), std::size_t{1});
        QCOMPARE(listed[0].name, std::string("with augmentation, seed 1"));
        QCOMPARE(listed[0].history.size(), std::size_t{1});

        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::rename_run(writer.folder(), "  "));
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::rename_run(out(), "x"));
        QCOMPARE(mnist::read_run(writer.folder()).name, std::string("with augmentation, seed 1"));
    }

    // rename_run and the trainer both rewrite run.json whole; a rename landing between the
    // trainer's read of the name and its write was lost (run.json.lock serialises them).
    void renameWhileTrainingIsNeverLost() {
        auto writer = mnist::RunWriter::start(options());
        const std::string folder = writer.folder();
        std::atomic<int> writes{0};
        std::atomic<bool> renaming{true};
        std::vector<mnist::EpochMetrics> epochs;
        // Two writes in one process also used to take each other's temporary file away.
        std::string failed;
        std::atomic<bool> trainer_failed{false};
        std::thread trainer([&] {
            try {
                while (renaming) {
                    epochs.push_back(epoch(static_cast<int>(epochs.size()) + 1, 95, 1e-3));
                    writer.update(result_of(epochs));
                    ++writes;
                }
            } catch (const std::exception& e) {
                failed = e.what();
                trainer_failed = true;
            }
        });
        std::string lost;
        constexpr int kRenames = 60;
        for (int k = 0; k < kRenames && lost.empty() && !trainer_failed; ++k) {
            const std::string name = "name " + std::to_string(k);
            try {
                mnist::rename_run(folder, name);
            } catch (const std::exception& e) {
                lost = e.what();
                break;
            }
            // A write that began after the rename has ended: it must have kept the name.
            const int after = writes + 2;
            while (writes < after && !trainer_failed) std::this_thread::yield();
            const std::string got = mnist::read_run(folder).name;
            if (got != name) lost = "rename to '" + name + "' lost: run.json says '" + got + "'";
        }
        renaming = false;
        trainer.join();
        QVERIFY2(failed.empty(), failed.c_str());
        QVERIFY2(lost.empty(), lost.c_str());
        writer.update(result_of(epochs), "finished");
        const auto run = mnist::read_run(folder);
        QCOMPARE(run.name, "name " + std::to_string(kRenames - 1));
        QCOMPARE(run.history.size(), epochs.size());
        QCOMPARE(run.ended, std::string("finished"));
    }

    void deleteRemovesOnlyThatRun() {
        auto doomed = mnist::RunWriter::start(options("Model_1", 1));
        auto sibling = mnist::RunWriter::start(options("Model_2", 1));
        doomed.update(result_of({epoch(1, 95, 1e-3)}), "finished");
        // The files a training writes into its run: checkpoint, sidecar, state, a killed temp.
        for (const char* name :
             {"best_Model_1.pth", "best_Model_1.json", "state.pt", "state.pt.tmp4242"}) {
            spit(doomed.folder() + "/" + name, "x");
        }
        const std::string unrelated = mnist::runs_folder(out()) + "/notes.txt";
        spit(unrelated, "mine");
        const std::string out_checkpoint = out() + "/best_Model_1.pth";
        spit(out_checkpoint, "the seed's checkpoint stays");

        mnist::delete_run(doomed.folder());
        QVERIFY(!fs::exists(doomed.folder()));
        QVERIFY(fs::exists(sibling.folder() + "/run.json"));
        QVERIFY(fs::exists(unrelated));
        QVERIFY(fs::exists(out_checkpoint));
        QCOMPARE(mnist::list_runs(mnist::runs_folder(out())).size(), std::size_t{1});

        // A run still training (this process writes it) is not pulled from under its trainer.
        QVERIFY(mnist::read_run(sibling.folder()).live);
        try {
            mnist::delete_run(sibling.folder());
            QFAIL("deleted a run that is still training");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("still training") != std::string::npos, e.what());
        }
        sibling.update(result_of({epoch(1, 95, 1e-3)}), "stopped");
        QVERIFY(!mnist::read_run(sibling.folder()).live);

        // A folder holding something a run does not write is refused whole.
        spit(sibling.folder() + "/thesis.tex", "years of work");
        try {
            mnist::delete_run(sibling.folder());
            QFAIL("deleted a folder holding a foreign file");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("thesis.tex") != std::string::npos, e.what());
        }
        QVERIFY(fs::exists(sibling.folder() + "/run.json"));
        QVERIFY(fs::exists(sibling.folder() + "/thesis.tex"));
        fs::create_directory(sibling.folder() + "/sub");
        fs::remove(sibling.folder() + "/thesis.tex");
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::delete_run(sibling.folder()));
        // Not a run at all: the output folder itself.
        QVERIFY_THROWS_EXCEPTION(mnist::InvalidArgument, mnist::delete_run(out()));
        QVERIFY(fs::exists(unrelated));
    }

    void exportHasOneRowPerRunEpoch() {
        auto a = mnist::RunWriter::start(options("Model_1", 1));
        auto b = mnist::RunWriter::start(options("Model_2", 2));
        a.update(result_of({epoch(1, 95, 1e-3), epoch(2, 96, 1e-3)}), "finished");
        b.update(result_of({epoch(1, 97, 2e-3), epoch(2, 97.5, 2e-3), epoch(3, 98, 1e-3)}),
                 "finished");
        mnist::rename_run(b.folder(), "Model_2, \"quick\"");
        const std::string csv = out() + "/runs.csv";
        mnist::export_runs_csv(mnist::list_runs(mnist::runs_folder(out())), csv);

        std::ifstream in(csv);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        QCOMPARE(lines.size(), std::size_t{1 + 2 + 3});
        QCOMPARE(lines[0], std::string("run,name,model,seed,epoch,train_loss,train_acc,val_loss,"
                                       "val_acc,lr,seconds"));
        const std::string b_id = fs::path(b.folder()).filename().string();
        QCOMPARE(lines[3].substr(0, lines[3].find(",Model_2,")),
                 b_id + ",\"Model_2, \"\"quick\"\"\"");
        QVERIFY2(lines[5].find(",Model_2,2,3,") != std::string::npos, lines[5].c_str());
        QVERIFY2(lines[5].find(",98,0.001,3.75") != std::string::npos, lines[5].c_str());

        try {
            mnist::export_runs_csv({}, out() + "/no/such/folder/runs.csv");
            QFAIL("exported into a missing folder");
        } catch (const mnist::DataError& e) {
            QVERIFY2(std::string(e.what()).find("no/such/folder/runs.csv") != std::string::npos,
                     e.what());
        }
    }

    // A run left "running" by a process that no longer exists (killed, power cut) is not live.
    void runOfADeadProcessIsNotLive() {
        auto writer = mnist::RunWriter::start(options());
        const pid_t child = ::fork();
        if (child == 0) ::_exit(0);
        QVERIFY(child > 0);
        ::waitpid(child, nullptr, 0);
        const std::string path = writer.folder() + "/run.json";
        std::string text = slurp(path);
        const std::string own = "\"pid\": " + std::to_string(::getpid());
        const auto at = text.find(own);
        QVERIFY(at != std::string::npos);
        text.replace(at, own.size(), "\"pid\": " + std::to_string(child));
        spit(path, text);
        const auto run = mnist::read_run(writer.folder());
        QCOMPARE(run.ended, std::string("running"));
        QVERIFY(!run.live);
        mnist::delete_run(writer.folder());
        QVERIFY(!fs::exists(writer.folder()));
    }

    void reopenContinuesTheSameRun() {
        auto writer = mnist::RunWriter::start(options());
        writer.update(result_of({epoch(1, 95, 1e-3)}), "stopped");
        auto again = mnist::RunWriter::reopen(writer.folder());
        QCOMPARE(again.folder(), writer.folder());
        QCOMPARE(mnist::read_run(writer.folder()).ended, std::string("running"));
        again.update(result_of({epoch(1, 95, 1e-3), epoch(2, 96, 1e-3)}), "finished");
        const auto back = mnist::read_run(writer.folder());
        QCOMPARE(back.history.size(), std::size_t{2});
        QCOMPARE(back.ended, std::string("finished"));
        QCOMPARE(mnist::list_runs(mnist::runs_folder(out())).size(), std::size_t{1});

        spit(writer.folder() + "/run.json", "garbage");
        try {
            mnist::RunWriter::reopen(writer.folder());
            QFAIL("reopened a corrupt run");
        } catch (const mnist::InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("run.json") != std::string::npos, e.what());
        }
    }
};

QTEST_MAIN(RunStoreTest)
#include "test_run_store.moc"
