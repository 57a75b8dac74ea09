#pragma once
// The lock around rewriting a run's run.json. rename_run and the trainer's RunWriter both read
// run.json, change it and write it back whole (atomically, through the same temporary name in one
// process); without a lock, a rename landing between the trainer's read of the name and its write
// was lost, and two writes in one process could rename each other's temporary file away.
#include <string>

namespace mnist {

// An advisory lock (flock, exclusive) on <folder>/run.json.lock, held for the object's life. Other
// processes' locks count too (a CLI rename while the app trains). Throws DataError naming the lock
// file when it cannot be created or locked.
class RunJsonLock {
  public:
    explicit RunJsonLock(const std::string& folder);
    ~RunJsonLock();
    RunJsonLock(const RunJsonLock&) = delete;
    RunJsonLock& operator=(const RunJsonLock&) = delete;

    // The lock file's name in a run folder, one of the files a run writes.
    static constexpr const char* kFileName = "run.json.lock";

  private:
    int fd_ = -1;
};

}  // namespace mnist
