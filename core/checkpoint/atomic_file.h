#pragma once
// Files that a reader, a kill or a power cut sees whole or not at all: written to <file>.tmp<pid>,
// flushed, then renamed into place. Plain C++ and POSIX.
#include <cstddef>
#include <string>

namespace mnist {

// Writes `path` through a temporary file that is flushed to disk and then renamed over it. On
// failure the temporary is removed, the old file left as it was, and CheckpointError names `path`.
void write_atomically(const std::string& path, const char* data, std::size_t size);

// Makes the renames in `dir` survive a power cut (best effort: not every file system allows it).
void sync_directory(const std::string& dir);

// Removes the temporary files (<name>.pth.tmp<pid>, <name>.json.tmp<pid>) that killed writers left
// in `dir`. A writer that is still alive (this process or another one saving into the same
// folder) keeps its file.
void remove_stale_temp_files(const std::string& dir);

}  // namespace mnist
