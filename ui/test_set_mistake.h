#pragma once
// Finds a digit of the MNIST test set that a checkpoint gets wrong, for the guided demo's last
// step. Each digit goes through the same preprocessing as the canvas, so the prediction panel
// shows the very same wrong answer when the digit is put on the canvas. Slow (about half a
// millisecond a digit): call it from a worker thread.
#include <QImage>
#include <QString>

#include <atomic>

namespace mnist::ui {

struct TestSetMistake {
    bool found = false;
    qint64 index = -1;  // in the test set
    int label = -1;     // what the test set says
    int predicted = -1;
    double confidence = 0.0;  // of the wrong prediction
    QImage image;             // the 28x28 digit, white on black
    qint64 scanned = 0;       // digits looked at
};

// The most confident mistake among the first `limit` test digits in `data_dir` (raw or .gz IDX
// files), read with `checkpoint`. Throws std::exception naming the file when the data or the
// checkpoint cannot be read. Returns what it has, found or not, once `*cancel` becomes true.
TestSetMistake findTestSetMistake(const QString& data_dir, const QString& checkpoint, qint64 limit,
                                  const std::atomic_bool* cancel = nullptr);

}  // namespace mnist::ui
