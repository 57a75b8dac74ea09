#pragma once
// The "Runs" tab: every training kept on disk (core/training/run_store.h), from the app's data
// folder and from any folder opened with "Open runs folder…" (a CLI --out folder), in a table
// with a tick box per run. Ticked runs are overlaid on the charts below in distinct colours; the
// current run can be renamed (inline), deleted, exported, opened, or its recipe loaded back into
// the model panel (through recipeRequested; the main window owns the panel). Folders are read on
// a worker thread.
#include <QFutureWatcher>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

#include "core/training/run_store.h"
#include "core/training/train_options.h"

class QAction;
class QLabel;
class QTableWidget;
class QTableWidgetItem;

namespace mnist::ui {

class RunsCharts;

class RunsPage : public QWidget {
    Q_OBJECT
  public:
    enum Column { Tick, Name, Model, Recipe, BestVal, FinalVal, Epochs, Time, Ended, ColumnCount };

    explicit RunsPage(QWidget* parent = nullptr);
    ~RunsPage() override;

    // Lists <dir>/runs, the app's own runs (the main window's output folder).
    void setOutputDir(const QString& dir);
    // Adds the runs under `dir` (a folder holding runs/, or a runs folder itself) to the list and
    // remembers it for the next start. False, with the reason in *error, when it holds no runs.
    bool openFolder(const QString& dir, QString* error = nullptr);
    // The runs folders listed: the app's first, then the opened ones.
    QStringList runsFolders() const;

    // The runs listed, in table order (broken ones included, with RunRecord::problem set).
    const std::vector<mnist::RunRecord>& runs() const { return runs_; }
    int rowOf(const QString& folder) const;
    // Ticks or unticks a run as its tick box does; a broken run cannot be ticked.
    void setTicked(const QString& folder, bool ticked);
    QStringList tickedFolders() const;
    // The run of the table's current row, if any.
    std::optional<mnist::RunRecord> currentRun() const;

    // These report failure with the folder and the reason in *error, and list the runs again.
    bool renameRun(const QString& folder, const QString& name, QString* error = nullptr);
    bool deleteRun(const QString& folder, QString* error = nullptr);
    // One row per run-epoch of the ticked runs, or of every readable run when none is ticked.
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    bool saveChartsPng(const QString& path, QString* error = nullptr) const;

    // Whether a listing is being read; listed() follows when it is shown.
    bool isListing() const { return listing_; }

    QTableWidget* table() const { return table_; }
    RunsCharts* charts() const { return charts_; }

  public Q_SLOTS:
    // Reads the folders again (on a worker thread); ticks and the current run are kept.
    void refresh();

  Q_SIGNALS:
    void listed();
    // "Load recipe": the run's recipe, for the model panel.
    void recipeRequested(const mnist::TrainOptions& options);
    // "Export CSV…" and "Save picture…": the main window asks where (saveWithDialog).
    void exportRequested();
    void saveChartsRequested();
    void errorOccurred(const QString& title, const QString& message);
    void statusMessage(const QString& text);
    // A run's folder is gone from disk (deleteRun): whoever offers it (Resume) should stop.
    void runDeleted(const QString& folder);

  protected:
    void showEvent(QShowEvent* event) override;
    // Space on the table ticks or unticks the current run, whichever cell is current.
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    struct Listing {
        std::vector<mnist::RunRecord> runs;
        QStringList problems;  // folders that could not be listed at all
    };
    static Listing readFolders(const QStringList& folders);

    QAction* makeAction(const QString& text, const QString& tip, void (RunsPage::*slot)());
    void showListing();
    void fillRow(int row, const mnist::RunRecord& run);
    void fitNameColumn();
    void onItemChanged(QTableWidgetItem* item);
    void updateCharts();
    void updateActions();
    void rememberOpenedFolders() const;

    void chooseFolder();
    void renameCurrent();
    void deleteCurrent();
    void loadRecipe();
    void openRunFolder();

    QTableWidget* table_ = nullptr;
    RunsCharts* charts_ = nullptr;
    QLabel* folders_label_ = nullptr;
    QLabel* empty_hint_ = nullptr;
    QAction* open_folder_ = nullptr;
    QAction* refresh_ = nullptr;
    QAction* rename_ = nullptr;
    QAction* delete_ = nullptr;
    QAction* export_ = nullptr;
    QAction* save_charts_ = nullptr;
    QAction* load_recipe_ = nullptr;
    QAction* open_run_folder_ = nullptr;

    QString app_runs_;    // <output dir>/runs
    QStringList opened_;  // runs folders opened by the user
    std::vector<mnist::RunRecord> runs_;
    QStringList ticked_;         // run folders, in the order they were ticked
    QMap<QString, int> colors_;  // run folder -> palette index, kept while ticked
    QFutureWatcher<Listing> watcher_;
    bool listing_ = false;        // from refresh() until the listing is shown
    bool refresh_again_ = false;  // a refresh was asked for while one was being read
};

}  // namespace mnist::ui
