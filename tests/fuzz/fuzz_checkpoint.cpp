// libFuzzer target: load_model_checkpoint (LibTorch's zip reader, then our unpickler, the record
// size and NaN checks, and the match against each registered model) on any bytes. The contract:
// a CheckpointError naming the file, or a loaded model; never a crash or another exception.
//
// Inputs starting with a zip's "PK\3\4" are the whole .pth file. Anything else is data.pkl: it is
// zipped with the bundled Model_3 checkpoint's tensor records, so mutations reach the unpickler
// instead of dying at the zip's CRC check.
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "core/checkpoint/checkpoint.h"
#include "core/errors.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using Records = std::map<std::string, std::string>;

// The bundled checkpoint's records other than data.pkl (and version, which the writer adds).
const Records& bundled_tensor_records() {
    static const Records records = [] {
        caffe2::serialize::PyTorchStreamReader reader(MNIST_SOURCE_DIR
                                                      "/resources/best_Model_3.pth");
        Records read;
        for (const auto& name : reader.getAllRecords()) {
            if (name == "data.pkl" || name == "version") continue;
            auto [data, size] = reader.getRecord(name);
            read[name] = std::string(static_cast<const char*>(data.get()), size);
        }
        return read;
    }();
    return records;
}

void write_with_bundled_tensors(const std::string& path, const std::uint8_t* pickle,
                                std::size_t size) {
    caffe2::serialize::PyTorchStreamWriter writer(path);
    for (const auto& [name, data] : bundled_tensor_records()) {
        writer.writeRecord(name, data.data(), data.size());
    }
    writer.writeRecord("data.pkl", pickle, size);
    writer.writeEndOfFile();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz_support::ScratchFile file(".pth");
    const bool whole_zip = size >= 4 && std::memcmp(data, "PK\3\4", 4) == 0;
    std::string path;
    if (whole_zip) {
        path = file.write(data, size);
    } else {
        path = file.write(nullptr, 0);
        write_with_bundled_tensors(path, data, size);
    }
    try {
        const mnist::LoadedModel loaded = mnist::load_model_checkpoint(path);
        if (loaded.model.empty() || !loaded.net) std::abort();
    } catch (const mnist::CheckpointError&) {
    }
    return 0;
}
