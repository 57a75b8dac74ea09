#include "core/checkpoint/pytorch_state_dict_reader.h"

#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "core/errors.h"

namespace mnist {
namespace {

// torch.save's file layout (PyTorch >= 1.6): a zip whose records all sit in one folder --
// "archive/" since PyTorch 2.x, the file's stem before -- holding data.pkl (the pickled object),
// data/<key> (each storage's raw little-endian bytes), version, and maybe byteorder.
//
// data.pkl for a state_dict is collections.OrderedDict() filled by SETITEMS with
// key -> torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks),
// each storage a persistent id ('storage', torch.FloatStorage, key, location, numel), then BUILD
// with {'_metadata': ...}. The interpreter below knows exactly that and refuses everything else.

// ---- values on the pickle stack -------------------------------------------------------------

struct Value;
using Tuple = std::shared_ptr<const std::vector<Value>>;
// Dicts are shared: the memo and the stack must see the same dict that SETITEMS fills.
using Dict = std::shared_ptr<std::map<std::string, Value>>;

struct None {};
struct Bytes {
    std::string data;
};
// A callable global this reader knows: collections.OrderedDict or torch._utils._rebuild_tensor_v2.
struct Global {
    std::string name;
};
// torch.FloatStorage and friends: what persistent ids name as a storage's type.
struct StorageType {
    torch::ScalarType dtype;
};
struct Storage {
    std::string key;
    torch::ScalarType dtype;
    std::int64_t numel;
};
// What _rebuild_tensor_v2 describes: a view into a storage whose bytes are only read, and checked
// against the storage's dtype and size, once the state_dict key the tensor belongs to is known.
struct TensorView {
    Storage storage;
    std::int64_t offset;
    std::vector<std::int64_t> size;
    std::vector<std::int64_t> stride;
};

struct Value {
    std::variant<None, bool, std::int64_t, double, std::string, Bytes, Tuple, Dict, Global,
                 StorageType, Storage, TensorView>
        v;
};

// "an int", "a tensor", ...: what a value is, for messages.
std::string describe(const Value& value) {
    static const char* const kNames[] = {"None",  "a bool",         "an int",    "a float",
                                         "a str", "bytes",          "a tuple",   "a dict",
                                         "",      "a storage type", "a storage", "a tensor"};
    if (const auto* global = std::get_if<Global>(&value.v)) return "the global " + global->name;
    return kNames[value.v.index()];
}

const char* const kOrderedDict = "collections.OrderedDict";
const char* const kRebuildTensor = "torch._utils._rebuild_tensor_v2";

std::optional<torch::ScalarType> storage_dtype(const std::string& name) {
    static const std::map<std::string, torch::ScalarType> kStorages = {
        {"FloatStorage", torch::kFloat32}, {"DoubleStorage", torch::kFloat64},
        {"HalfStorage", torch::kFloat16},  {"BFloat16Storage", torch::kBFloat16},
        {"LongStorage", torch::kInt64},    {"IntStorage", torch::kInt32},
        {"ShortStorage", torch::kInt16},   {"CharStorage", torch::kInt8},
        {"ByteStorage", torch::kUInt8},    {"BoolStorage", torch::kBool},
    };
    const auto it = kStorages.find(name);
    if (it == kStorages.end()) return std::nullopt;
    return it->second;
}

// ---- opcodes --------------------------------------------------------------------------------

// Every pickle opcode by name, so a refusal says which one it met.
const char* opcode_name(std::uint8_t op) {
    // clang-format off
    static const std::map<std::uint8_t, const char*> kNames = {
        {'(', "MARK"}, {'.', "STOP"}, {'0', "POP"}, {'1', "POP_MARK"}, {'2', "DUP"}, {'F', "FLOAT"},
        {'I', "INT"}, {'J', "BININT"}, {'K', "BININT1"}, {'L', "LONG"}, {'M', "BININT2"},
        {'N', "NONE"}, {'P', "PERSID"}, {'Q', "BINPERSID"}, {'R', "REDUCE"}, {'S', "STRING"},
        {'T', "BINSTRING"}, {'U', "SHORT_BINSTRING"}, {'V', "UNICODE"}, {'X', "BINUNICODE"},
        {'a', "APPEND"}, {'b', "BUILD"}, {'c', "GLOBAL"}, {'d', "DICT"}, {'}', "EMPTY_DICT"},
        {'e', "APPENDS"}, {'g', "GET"}, {'h', "BINGET"}, {'i', "INST"}, {'j', "LONG_BINGET"},
        {'l', "LIST"}, {']', "EMPTY_LIST"}, {'o', "OBJ"}, {'p', "PUT"}, {'q', "BINPUT"},
        {'r', "LONG_BINPUT"}, {'s', "SETITEM"}, {'t', "TUPLE"}, {')', "EMPTY_TUPLE"},
        {'u', "SETITEMS"}, {'G', "BINFLOAT"}, {'B', "BINBYTES"}, {'C', "SHORT_BINBYTES"},
        {0x80, "PROTO"}, {0x81, "NEWOBJ"}, {0x82, "EXT1"}, {0x83, "EXT2"}, {0x84, "EXT4"},
        {0x85, "TUPLE1"}, {0x86, "TUPLE2"}, {0x87, "TUPLE3"}, {0x88, "NEWTRUE"}, {0x89, "NEWFALSE"},
        {0x8a, "LONG1"}, {0x8b, "LONG4"}, {0x8c, "SHORT_BINUNICODE"}, {0x8d, "BINUNICODE8"},
        {0x8e, "BINBYTES8"}, {0x8f, "EMPTY_SET"}, {0x90, "ADDITEMS"}, {0x91, "FROZENSET"},
        {0x92, "NEWOBJ_EX"}, {0x93, "STACK_GLOBAL"}, {0x94, "MEMOIZE"}, {0x95, "FRAME"},
        {0x96, "BYTEARRAY8"}, {0x97, "NEXT_BUFFER"}, {0x98, "READONLY_BUFFER"}};
    // clang-format on
    const auto it = kNames.find(op);
    return it == kNames.end() ? "an unknown opcode" : it->second;
}

std::string hex_byte(std::uint8_t byte) {
    static const char kDigits[] = "0123456789abcdef";
    return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 15];
}

// ---- the interpreter ------------------------------------------------------------------------

class StateDictUnpickler {
  public:
    StateDictUnpickler(const std::string& path, caffe2::serialize::PyTorchStreamReader& archive,
                       const char* data, std::size_t size)
        : path_(path), archive_(archive), data_(data), size_(size) {}

    Value run() {
        for (;;) {
            op_position_ = pos_;
            const std::uint8_t op = read_u8();
            switch (op) {
                case 0x80: {  // PROTO
                    const int protocol = read_u8();
                    if (protocol < 2 || protocol > 5)
                        fail("pickle protocol " + std::to_string(protocol));
                    break;
                }
                case 0x95:  // FRAME: a length hint; the frame's opcodes follow inline
                    read_le(8);
                    break;
                case '.':
                    return stop();
                case '(':
                    marks_.push_back(stack_.size());
                    break;
                case 'N':
                    push(None{});
                    break;
                case 0x88:
                    push(true);
                    break;
                case 0x89:
                    push(false);
                    break;
                case 'K':
                    push(static_cast<std::int64_t>(read_u8()));
                    break;
                case 'M':
                    push(static_cast<std::int64_t>(read_le(2)));
                    break;
                case 'J':
                    push(static_cast<std::int64_t>(static_cast<std::int32_t>(read_le(4))));
                    break;
                case 0x8a:
                    push(read_long1());
                    break;
                case 'G':
                    push(read_binfloat());
                    break;
                case 0x8c:
                    push(read_bytes(read_u8()));
                    break;
                case 'X':
                    push(read_bytes(read_le(4)));
                    break;
                case 0x8d:
                    push(read_bytes(read_le(8)));
                    break;
                case 'C':
                    push(Bytes{read_bytes(read_u8())});
                    break;
                case 'B':
                    push(Bytes{read_bytes(read_le(4))});
                    break;
                case ')':
                    push(make_tuple({}));
                    break;
                case 0x85:
                    push(make_tuple(pop_n(1)));
                    break;
                case 0x86:
                    push(make_tuple(pop_n(2)));
                    break;
                case 0x87:
                    push(make_tuple(pop_n(3)));
                    break;
                case 't':
                    push(make_tuple(pop_mark()));
                    break;
                case '}':
                    push(std::make_shared<std::map<std::string, Value>>());
                    break;
                case 's':
                    set_items(pop_n(2));
                    break;
                case 'u':
                    set_items(pop_mark());
                    break;
                case 'c': {
                    std::string module = read_line();
                    push(resolve_global(module, read_line()));
                    break;
                }
                case 0x93: {  // STACK_GLOBAL
                    const Value name = pop();
                    const Value module = pop();
                    push(resolve_global(as_string(module, "STACK_GLOBAL module"),
                                        as_string(name, "STACK_GLOBAL name")));
                    break;
                }
                case 'R': {
                    const Value args = pop();
                    const Value callable = pop();
                    push(call(callable, args));
                    break;
                }
                case 'b':
                    build(pop());
                    break;
                case 'Q':
                    push(persistent_load(pop()));
                    break;
                case 'q':
                    memo_[read_u8()] = top();
                    break;
                case 'r':
                    memo_[read_le(4)] = top();
                    break;
                case 0x94:  // MEMOIZE
                    memo_[memo_.size()] = top();
                    break;
                case 'h':
                    push(memo_get(read_u8()));
                    break;
                case 'j':
                    push(memo_get(read_le(4)));
                    break;
                default:
                    fail(std::string("unsupported pickle opcode ") + opcode_name(op) + " (" +
                         hex_byte(op) + ")");
            }
        }
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw CheckpointError("checkpoint " + path_ +
                              " is not a state_dict this reader supports: " + what + " at byte " +
                              std::to_string(op_position_) + " of data.pkl");
    }

    // The tensor stored under `key`, its bytes read from the archive. Throws CheckpointError
    // naming the file and the key when its storage record is missing or not exactly the size
    // that the storage's dtype and element count need: nothing is copied from a record before.
    torch::Tensor tensor(const std::string& key, const TensorView& view) {
        try {
            const auto& bytes = storage_bytes(view.storage);
            if (view.storage.numel == 0 || !bytes.first.get()) {
                return torch::empty(view.size, torch::dtype(view.storage.dtype));
            }
            return torch::from_blob(bytes.first.get(), {view.storage.numel},
                                    torch::dtype(view.storage.dtype))
                .as_strided(view.size, view.stride, view.offset)
                .clone();
        } catch (const StorageProblem& problem) {
            throw CheckpointError("checkpoint " + path_ + ": tensor " + key + ": " + problem.what);
        }
    }

  private:
    // -- reading bytes --
    void need(std::uint64_t n) const {
        if (n > size_ - pos_) fail("the pickle is truncated");
    }
    std::uint8_t read_u8() {
        need(1);
        return static_cast<std::uint8_t>(data_[pos_++]);
    }
    std::uint64_t read_le(int n) {
        need(n);
        std::uint64_t value = 0;
        for (int i = 0; i < n; ++i) {
            value |= std::uint64_t{static_cast<std::uint8_t>(data_[pos_ + i])} << (8 * i);
        }
        pos_ += n;
        return value;
    }
    std::string read_bytes(std::uint64_t n) {
        need(n);
        std::string bytes(data_ + pos_, n);
        pos_ += n;
        return bytes;
    }
    std::string read_line() {
        const void* end = std::memchr(data_ + pos_, '\n', size_ - pos_);
        if (!end) fail("GLOBAL without a newline");
        std::string line = read_bytes(static_cast<const char*>(end) - (data_ + pos_));
        ++pos_;
        return line;
    }
    std::int64_t read_long1() {
        const int n = read_u8();
        if (n > 8) fail("an integer of " + std::to_string(n) + " bytes");
        if (n == 0) return 0;
        std::uint64_t value = read_le(n);
        if (n < 8 && (value >> (8 * n - 1)) & 1) value |= ~std::uint64_t{0} << (8 * n);  // sign
        return static_cast<std::int64_t>(value);
    }
    double read_binfloat() {  // big-endian IEEE 754
        need(8);
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<std::uint8_t>(data_[pos_ + i]);
        pos_ += 8;
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }

    // -- the stack --
    template <typename T>
    void push(T&& value) {
        stack_.push_back(Value{std::forward<T>(value)});
    }
    std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
    const Value& top() const {
        if (stack_.size() <= floor()) fail("stack underflow");
        return stack_.back();
    }
    Value pop() {
        if (stack_.size() <= floor()) fail("stack underflow");
        Value value = std::move(stack_.back());
        stack_.pop_back();
        return value;
    }
    std::vector<Value> pop_n(std::size_t n) {
        if (stack_.size() < floor() + n) fail("stack underflow");
        std::vector<Value> values(std::make_move_iterator(stack_.end() - n),
                                  std::make_move_iterator(stack_.end()));
        stack_.resize(stack_.size() - n);
        return values;
    }
    std::vector<Value> pop_mark() {
        if (marks_.empty()) fail("no MARK to pop to");
        const std::size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<Value> values(std::make_move_iterator(stack_.begin() + mark),
                                  std::make_move_iterator(stack_.end()));
        stack_.resize(mark);
        return values;
    }
    Value memo_get(std::uint64_t index) const {
        const auto it = memo_.find(index);
        if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " was never stored");
        return it->second;
    }
    static Tuple make_tuple(std::vector<Value> items) {
        return std::make_shared<const std::vector<Value>>(std::move(items));
    }

    Value stop() {
        if (!marks_.empty() || stack_.size() != 1) fail("STOP with a malformed stack");
        return stack_.back();
    }

    // -- typed access --
    std::string as_string(const Value& value, const std::string& what) const {
        if (const auto* s = std::get_if<std::string>(&value.v)) return *s;
        fail(what + " is " + describe(value) + ", not a str");
    }
    std::int64_t as_int(const Value& value, const std::string& what) const {
        if (const auto* i = std::get_if<std::int64_t>(&value.v)) return *i;
        fail(what + " is " + describe(value) + ", not an int");
    }
    std::vector<std::int64_t> as_ints(const Value& value, const std::string& what) const {
        const auto* tuple = std::get_if<Tuple>(&value.v);
        if (!tuple) fail(what + " is " + describe(value) + ", not a tuple");
        std::vector<std::int64_t> ints;
        for (const auto& item : **tuple) {
            const std::int64_t i = as_int(item, what + " entry");
            if (i < 0) fail(what + " has a negative entry");
            ints.push_back(i);
        }
        return ints;
    }
    bool is_empty_dict(const Value& value) const {
        const auto* dict = std::get_if<Dict>(&value.v);
        return dict && (*dict)->empty();
    }

    // -- what the opcodes do --
    void set_items(const std::vector<Value>& items) {
        if (items.size() % 2) fail("SETITEMS with an odd number of items");
        if (stack_.size() <= floor()) fail("SETITEM(S) without a dict");
        const auto* dict = std::get_if<Dict>(&stack_.back().v);
        if (!dict) fail("SETITEM(S) on " + describe(stack_.back()));
        for (std::size_t i = 0; i < items.size(); i += 2) {
            (**dict)[as_string(items[i], "a dict key")] = items[i + 1];
        }
    }

    Value resolve_global(const std::string& module, const std::string& name) const {
        const std::string full = module + "." + name;
        if (full == kOrderedDict || full == kRebuildTensor) return Value{Global{full}};
        if (module == "torch") {
            if (const auto dtype = storage_dtype(name)) return Value{StorageType{*dtype}};
        }
        fail("unsupported global " + full);
    }

    Value call(const Value& callable, const Value& args) {
        const auto* global = std::get_if<Global>(&callable.v);
        const auto* tuple = std::get_if<Tuple>(&args.v);
        if (!global || !tuple) fail("REDUCE of " + describe(callable));
        if (global->name == kOrderedDict) {
            if (!(*tuple)->empty()) fail("collections.OrderedDict called with arguments");
            return Value{std::make_shared<std::map<std::string, Value>>()};
        }
        return Value{rebuild_tensor(**tuple)};
    }

    // OrderedDict's state after its items: nn.Module.state_dict()'s _metadata (per-module version
    // numbers), which only Python's load_state_dict hooks use.
    void build(const Value& state) {
        const Value& object = top();
        const auto* dict = std::get_if<Dict>(&state.v);
        if (!std::holds_alternative<Dict>(object.v) || !dict) {
            fail("BUILD of " + describe(object) + " with " + describe(state));
        }
        for (const auto& [attribute, value] : **dict) {
            if (attribute != "_metadata") fail("BUILD sets the unknown attribute " + attribute);
        }
    }

    Value persistent_load(const Value& pid) {
        const auto* tuple = std::get_if<Tuple>(&pid.v);
        if (!tuple || (*tuple)->size() != 5) fail("a persistent id that is not a storage");
        const auto& id = **tuple;
        if (as_string(id[0], "the persistent id's kind") != "storage") {
            fail("a persistent id that is not a storage");
        }
        const auto* type = std::get_if<StorageType>(&id[1].v);
        if (!type) fail("a storage whose type is " + describe(id[1]));
        const std::string key = as_string(id[2], "the storage key");
        if (key.empty() || key.find('/') != std::string::npos)
            fail("the storage key '" + key + "'");
        as_string(id[3], "the storage location");  // cpu, cuda:0, ...: all load to the CPU
        const std::int64_t numel = as_int(id[4], "the storage size");
        if (numel < 0) fail("a negative storage size");
        return Value{Storage{key, type->dtype, numel}};
    }

    TensorView rebuild_tensor(const std::vector<Value>& args) {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.size() != 6 && args.size() != 7)
            fail("_rebuild_tensor_v2 with unexpected arguments");
        const auto* storage = std::get_if<Storage>(&args[0].v);
        if (!storage) fail("_rebuild_tensor_v2 of " + describe(args[0]));
        const std::int64_t offset = as_int(args[1], "the storage offset");
        const auto size = as_ints(args[2], "the tensor size");
        const auto stride = as_ints(args[3], "the tensor stride");
        if (!std::holds_alternative<bool>(args[4].v)) fail("requires_grad that is not a bool");
        if (!is_empty_dict(args[5])) fail("a tensor with backward hooks");
        if (args.size() == 7 && !is_empty_dict(args[6]) &&
            !std::holds_alternative<None>(args[6].v)) {
            fail("a tensor with metadata");
        }
        if (size.size() != stride.size() || offset < 0)
            fail("a tensor whose stride does not fit its size");
        std::uint64_t byte_count = 0;
        if (__builtin_mul_overflow(static_cast<std::uint64_t>(storage->numel),
                                   c10::elementSize(storage->dtype), &byte_count)) {
            fail("a storage too large to address");
        }

        // The last element the view touches must lie inside the storage.
        bool empty = false;
        std::int64_t last = offset;
        for (std::size_t d = 0; d < size.size(); ++d) {
            if (size[d] == 0) empty = true;
            std::int64_t step = 0;
            if (size[d] > 0 && (__builtin_mul_overflow(size[d] - 1, stride[d], &step) ||
                                __builtin_add_overflow(last, step, &last))) {
                fail("a tensor too large to address");
            }
        }
        if (!empty && last >= storage->numel) fail("a tensor that reaches past its storage");
        // Every tensor viewing one storage must agree on what the storage is.
        const auto [it, inserted] = storage_kinds_.try_emplace(storage->key, *storage);
        if (!inserted &&
            (it->second.dtype != storage->dtype || it->second.numel != storage->numel)) {
            fail("storage " + storage->key + " used with two different types or sizes");
        }
        return TensorView{*storage, offset, size, stride};
    }

    struct StorageProblem {
        std::string what;
    };

    // The record data/<key>, read once however many tensors view it; its size is checked against
    // numel x the dtype's element size before anything is copied out of it.
    const std::pair<at::DataPtr, std::size_t>& storage_bytes(const Storage& storage) {
        auto [it, inserted] = storages_.try_emplace(storage.key, storage);
        if (!inserted) return it->second.bytes;
        const std::string record = "data/" + storage.key;
        const std::uint64_t expected =
            static_cast<std::uint64_t>(storage.numel) * c10::elementSize(storage.dtype);
        if (!archive_.hasRecord(record)) {
            if (expected == 0) return it->second.bytes;
            storages_.erase(it);
            throw StorageProblem{"the storage record " + record + " is missing"};
        }
        auto [data, size] = archive_.getRecord(record);
        if (size != expected) {
            storages_.erase(it);
            throw StorageProblem{"the storage record " + record + " has " + std::to_string(size) +
                                 " bytes where " + std::to_string(expected) + " (" +
                                 std::to_string(storage.numel) + " " +
                                 c10::toString(storage.dtype) + " values) are needed"};
        }
        it->second.bytes = {std::move(data), size};
        return it->second.bytes;
    }

    struct LoadedStorage {
        explicit LoadedStorage(const Storage& s) : dtype(s.dtype), numel(s.numel) {}
        torch::ScalarType dtype;
        std::int64_t numel;
        std::pair<at::DataPtr, std::size_t> bytes;
    };

    const std::string& path_;
    caffe2::serialize::PyTorchStreamReader& archive_;
    const char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::size_t op_position_ = 0;
    std::vector<Value> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint64_t, Value> memo_;
    std::map<std::string, Storage> storage_kinds_;
    std::map<std::string, LoadedStorage> storages_;
};

// torch.save before PyTorch 1.6 wrote a sequence of pickles starting with this magic number,
// pickled as LONG1 of 10 bytes: 0x1950a86a20f9469cfc6c.
bool is_legacy_torch_save(const std::string& path) {
    static const unsigned char kMagic[] = {0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46,
                                           0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    std::ifstream in(path, std::ios::binary);
    char head[32] = {};
    in.read(head, sizeof head);
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n < sizeof kMagic || static_cast<unsigned char>(head[0]) != 0x80) return false;  // PROTO
    for (std::size_t i = 0; i + sizeof kMagic <= n; ++i) {
        if (std::memcmp(head + i, kMagic, sizeof kMagic) == 0) return true;
    }
    return false;
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

std::map<std::string, torch::Tensor> read_archive(const std::string& path) {
    caffe2::serialize::PyTorchStreamReader archive(path);
    if (!archive.hasRecord("data.pkl")) {
        throw CheckpointError("checkpoint " + path +
                              " is a zip without data.pkl, not a torch.save file");
    }
    if (archive.hasRecord("constants.pkl")) {
        throw CheckpointError("checkpoint " + path +
                              " is a TorchScript module (torch.jit.save), not a state_dict; "
                              "save model.state_dict() with torch.save instead");
    }
    if (archive.hasRecord("byteorder")) {
        auto [data, size] = archive.getRecord("byteorder");
        if (std::string(static_cast<const char*>(data.get()), size) != "little") {
            throw CheckpointError("checkpoint " + path +
                                  " was saved on a big-endian machine, "
                                  "which this reader does not support");
        }
    }
    auto [pickle, pickle_size] = archive.getRecord("data.pkl");
    StateDictUnpickler unpickler(path, archive, static_cast<const char*>(pickle.get()),
                                 pickle_size);
    const Value result = unpickler.run();

    const auto* dict = std::get_if<Dict>(&result.v);
    if (!dict) {
        throw CheckpointError("checkpoint " + path + " holds " + describe(result) +
                              ", not a state_dict (a dict of tensors)");
    }
    std::map<std::string, torch::Tensor> state;
    for (const auto& [key, value] : **dict) {
        if (!std::holds_alternative<TensorView>(value.v)) {
            throw CheckpointError("checkpoint " + path + " is a dict but not a state_dict (" + key +
                                  " is " + describe(value) + ", not a tensor)");
        }
    }
    for (const auto& [key, value] : **dict) {
        state[key] = unpickler.tensor(key, std::get<TensorView>(value.v));
    }
    return state;
}

}  // namespace

std::map<std::string, torch::Tensor> read_pytorch_state_dict(const std::string& path) {
    if (!std::ifstream(path, std::ios::binary)) {
        throw CheckpointError("checkpoint " + path + " not found or unreadable");
    }
    if (is_legacy_torch_save(path)) {
        throw CheckpointError("checkpoint " + path +
                              " is in torch.save's legacy (pre-1.6) format; re-save with a current "
                              "PyTorch");
    }
    try {
        return read_archive(path);
    } catch (const CheckpointError&) {
        throw;
    } catch (const c10::Error& e) {  // the zip reader, or a tensor that cannot be built
        throw CheckpointError("checkpoint " + path + " is not a PyTorch state_dict file (" +
                              first_line(e.what_without_backtrace()) + ")");
    } catch (const std::exception& e) {
        throw CheckpointError("checkpoint " + path + " is not a PyTorch state_dict file (" +
                              first_line(e.what()) + ")");
    }
}

}  // namespace mnist
