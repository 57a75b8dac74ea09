// Checks load_image_file: each promised format decodes to the right grey values, colour goes
// through luminance, transparency becomes background, and bad files give a DataError that names
// the file.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/inference/digit_preprocess.h"
#include "core/inference/image_file.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

using mnist::GrayImage;

namespace {

using Bytes = std::vector<std::uint8_t>;

void write_bytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray pnm(const char* magic, int width, int height, const Bytes& data) {
    QByteArray bytes = QByteArray(magic) + '\n' + QByteArray::number(width) + ' ' +
                       QByteArray::number(height) + "\n255\n";
    bytes.append(reinterpret_cast<const char*>(data.data()), static_cast<qsizetype>(data.size()));
    return bytes;
}

// A valid all-black grey PNG of side x side pixels, written without holding the pixels: rows of
// zeros deflate to about a thousandth of their size.
QByteArray black_png(int side) {
    auto be32 = [](QByteArray& out, quint32 value) {
        for (int shift = 24; shift >= 0; shift -= 8) out.append(static_cast<char>(value >> shift));
    };
    auto chunk = [&](QByteArray& out, const char* type, const QByteArray& data) {
        be32(out, static_cast<quint32>(data.size()));
        const QByteArray body = QByteArray(type, 4) + data;
        out += body;
        be32(out, crc32(0, reinterpret_cast<const Bytef*>(body.constData()),
                        static_cast<uInt>(body.size())));
    };
    QByteArray header;
    be32(header, side);
    be32(header, side);
    header.append("\x08\x00\x00\x00\x00", 5);  // 8-bit grey, no interlace
    z_stream z{};
    deflateInit(&z, 1);
    std::vector<unsigned char> row(static_cast<std::size_t>(side) + 1, 0), out(1 << 16);
    QByteArray pixels;
    for (int y = 0; y < side; ++y) {
        z.next_in = row.data();
        z.avail_in = static_cast<uInt>(row.size());
        do {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            deflate(&z, y + 1 == side ? Z_FINISH : Z_NO_FLUSH);
            pixels.append(reinterpret_cast<const char*>(out.data()),
                          static_cast<qsizetype>(out.size() - z.avail_out));
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    chunk(png, "IHDR", header);
    chunk(png, "IDAT", pixels);
    chunk(png, "IEND", {});
    return png;
}

// A PNG of any bit depth and colour type from its packed rows (each without its filter byte),
// with PLTE and tRNS chunks when given: the 16-bit and palette files stb_image_write cannot make.
QByteArray png_file(int width, int height, int bit_depth, int colour_type,
                    const std::vector<QByteArray>& rows, const QByteArray& palette = {},
                    const QByteArray& transparency = {}) {
    auto be32 = [](QByteArray& out, quint32 value) {
        for (int shift = 24; shift >= 0; shift -= 8) out.append(static_cast<char>(value >> shift));
    };
    auto chunk = [&](QByteArray& out, const char* type, const QByteArray& data) {
        be32(out, static_cast<quint32>(data.size()));
        const QByteArray body = QByteArray(type, 4) + data;
        out += body;
        be32(out, crc32(0, reinterpret_cast<const Bytef*>(body.constData()),
                        static_cast<uInt>(body.size())));
    };
    QByteArray header;
    be32(header, static_cast<quint32>(width));
    be32(header, static_cast<quint32>(height));
    header.append(static_cast<char>(bit_depth));
    header.append(static_cast<char>(colour_type));
    header.append(3, '\0');  // deflate, adaptive filtering, no interlace
    QByteArray raw;
    for (const QByteArray& row : rows) raw += '\0' + row;  // filter type 0: the row as is
    QByteArray packed(static_cast<qsizetype>(compressBound(static_cast<uLong>(raw.size()))), '\0');
    uLongf packed_size = static_cast<uLongf>(packed.size());
    compress(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
             reinterpret_cast<const Bytef*>(raw.constData()), static_cast<uLong>(raw.size()));
    packed.resize(static_cast<qsizetype>(packed_size));
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    chunk(png, "IHDR", header);
    if (!palette.isEmpty()) chunk(png, "PLTE", palette);
    if (!transparency.isEmpty()) chunk(png, "tRNS", transparency);
    chunk(png, "IDAT", packed);
    chunk(png, "IEND", {});
    return png;
}

QByteArray bytes_of(std::initializer_list<int> values) {
    QByteArray out;
    for (const int v : values) out.append(static_cast<char>(v));
    return out;
}

void write_png(const QString& path, int width, int height, int channels, const Bytes& data) {
    QVERIFY(stbi_write_png(path.toStdString().c_str(), width, height, channels, data.data(),
                           width * channels) != 0);
}

int pixel(const GrayImage& image, int x, int y) {
    return image.at(x, y);
}

// Writes `data` as a PNG at `path` and decodes it with load_image_file.
GrayImage png_round_trip(const QString& path, int width, int height, int channels,
                         const Bytes& data) {
    write_png(path, width, height, channels, data);
    return mnist::load_image_file(path.toStdString());
}

// "How the message reads" matters: the CLI prints it and the GUI shows it as is.
void verify_error_names(const QString& path, const char* expected_words) {
    try {
        mnist::load_image_file(path.toStdString());
        QFAIL("expected mnist::DataError");
    } catch (const mnist::DataError& error) {
        const QString message = QString::fromUtf8(error.what());
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String(expected_words), Qt::CaseInsensitive),
                 qPrintable(message));
    }
}

}  // namespace

class TestImageFile : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void binaryPgmKeepsEveryValue() {
        const Bytes values = {0, 1, 2, 127, 128, 200, 254, 255, 42, 7, 99, 13, 250, 3, 77};
        const QString path = dir_.filePath(QStringLiteral("gray.pgm"));
        write_bytes(path, pnm("P5", 5, 3, values));
        const GrayImage image = mnist::load_image_file(path.toStdString());
        QCOMPARE(image.width, 5);
        QCOMPARE(image.height, 3);
        QCOMPARE(image.pixels, values);
    }

    void grayPngKeepsEveryValue() {
        Bytes values(7 * 4);
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<std::uint8_t>(i * 9);
        const GrayImage image =
            png_round_trip(dir_.filePath(QStringLiteral("gray.png")), 7, 4, 1, values);
        QCOMPARE(image.width, 7);
        QCOMPARE(image.height, 4);
        QCOMPARE(image.pixels, values);
    }

    void colourBecomesLuminance_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("png") << QStringLiteral("rgb.png");
        QTest::newRow("ppm") << QStringLiteral("rgb.ppm");
        QTest::newRow("bmp") << QStringLiteral("rgb.bmp");
    }

    void colourBecomesLuminance() {
        QFETCH(QString, name);
        // Red, green, blue, white, black, gray: 0.299 R + 0.587 G + 0.114 B.
        const Bytes rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 100, 100, 100};
        const QString path = dir_.filePath(name);
        if (name.endsWith(QLatin1String(".png")))
            write_png(path, 3, 2, 3, rgb);
        else if (name.endsWith(QLatin1String(".ppm")))
            write_bytes(path, pnm("P6", 3, 2, rgb));
        else
            QVERIFY(stbi_write_bmp(path.toStdString().c_str(), 3, 2, 3, rgb.data()) != 0);
        const GrayImage image = mnist::load_image_file(path.toStdString());
        QCOMPARE(image.width, 3);
        QCOMPARE(image.height, 2);
        QCOMPARE(image.pixels, (Bytes{76, 150, 29, 255, 0, 100}));
    }

    // 16 bits a sample: the high byte is the 8-bit value (0x12ff reads as 0x12).
    void sixteenBitGrayKeepsTheHighByte() {
        const QString path = dir_.filePath(QStringLiteral("gray16.png"));
        write_bytes(path, png_file(4, 1, 16, 0,
                                   {bytes_of({0x00, 0x00, 0x12, 0xff, 0x80, 0x00, 0xff, 0xff})}));
        const GrayImage image = mnist::load_image_file(path.toStdString());
        QCOMPARE(image.width, 4);
        QCOMPARE(image.pixels, (Bytes{0x00, 0x12, 0x80, 0xff}));
    }

    // 16-bit RGBA: luminance of the high bytes, and its alpha lays the ink on the right paper.
    void sixteenBitColourWithAlpha() {
        const QString path = dir_.filePath(QStringLiteral("rgba16.png"));
        // Opaque red, then three fully transparent pixels: mostly transparent, dark ink -> white.
        QByteArray row = bytes_of({0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff});
        for (int i = 0; i < 3; ++i) row += QByteArray(8, '\0');
        write_bytes(path, png_file(4, 1, 16, 6, {row}));
        const GrayImage image = mnist::load_image_file(path.toStdString());
        QCOMPARE(image.pixels, (Bytes{76, 255, 255, 255}));
    }

    // Palette images: each index becomes its colour's luminance, at 8 and at 4 bits an index.
    void paletteColoursBecomeLuminance() {
        const QByteArray palette = bytes_of({255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 100, 100});
        const QString eight = dir_.filePath(QStringLiteral("palette8.png"));
        write_bytes(eight, png_file(4, 1, 8, 3, {bytes_of({0, 1, 2, 3})}, palette));
        QCOMPARE(mnist::load_image_file(eight.toStdString()).pixels, (Bytes{76, 150, 29, 100}));
        const QString four = dir_.filePath(QStringLiteral("palette4.png"));
        write_bytes(
            four, png_file(4, 2, 4, 3, {bytes_of({0x01, 0x23}), bytes_of({0x32, 0x10})}, palette));
        const GrayImage image = mnist::load_image_file(four.toStdString());
        QCOMPARE(image.height, 2);
        QCOMPARE(image.pixels, (Bytes{76, 150, 29, 100, 100, 29, 150, 76}));
    }

    // A palette whose tRNS makes entry 0 transparent: white ink on nothing goes on black.
    void paletteTransparencyIsBackground() {
        const QString path = dir_.filePath(QStringLiteral("palette_trns.png"));
        const QByteArray palette = bytes_of({0, 0, 0, 255, 255, 255});
        write_bytes(path, png_file(4, 1, 8, 3, {bytes_of({0, 0, 0, 1})}, palette, bytes_of({0})));
        QCOMPARE(mnist::load_image_file(path.toStdString()).pixels, (Bytes{0, 0, 0, 255}));
    }

    // A palette index past the palette's end is a broken file, not a read out of bounds.
    void paletteIndexOutOfRangeIsRefusedOrRead() {
        const QString path = dir_.filePath(QStringLiteral("palette_short.png"));
        write_bytes(path, png_file(2, 1, 8, 3, {bytes_of({0, 200})}, bytes_of({10, 20, 30})));
        try {
            const GrayImage image = mnist::load_image_file(path.toStdString());
            QCOMPARE(image.pixels.size(), std::size_t{2});
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains(path), e.what());
        }
    }

    // Found by tests/fuzz/fuzz_image_file: a JPEG Huffman table of more than 256 codes made
    // stb_image 2.27 write past its 257-entry table (UBSan: index 257 out of bounds).
    void oversizedJpegHuffmanTableIsRefused() {
        QByteArray jpeg = bytes_of({0xFF, 0xD8, 0xFF, 0xC4});
        const int codes = 16 * 17;  // 17 codes of each length 1-16
        const int length = 2 + 1 + 16 + codes;
        jpeg += bytes_of({length >> 8, length & 0xFF, 0x00});
        jpeg += QByteArray(16, static_cast<char>(17));
        for (int i = 0; i < codes; ++i) jpeg.append(static_cast<char>(i % 200));
        jpeg += bytes_of({0xFF, 0xD9});
        const QString path = dir_.filePath(QStringLiteral("huffman.jpg"));
        write_bytes(path, jpeg);
        verify_error_names(path, "Huffman table lists 272 codes");
        try {
            mnist::decode_image(reinterpret_cast<const std::uint8_t*>(jpeg.constData()),
                                static_cast<std::size_t>(jpeg.size()), "upload.jpg");
            QFAIL("expected mnist::DataError");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains("upload.jpg"), e.what());
        }

        // The fuzzer's second find: a segment whose length runs one byte past its first table,
        // so stb reads a second, oversized table from the bytes after the segment.
        QByteArray tail = bytes_of({0xFF, 0xD8, 0xFF, 0xC4, 0x00, 2 + 18 + 1, 0x00, 0x01});
        tail += QByteArray(15, '\0');
        tail += bytes_of({0x05, 0x01});  // the first table's one symbol; the next table's class/id
        tail += QByteArray(16, static_cast<char>(17));
        for (int i = 0; i < codes; ++i) tail.append(static_cast<char>(i % 200));
        tail += bytes_of({0xFF, 0xD9});
        const QString past = dir_.filePath(QStringLiteral("huffman_past_segment.jpg"));
        write_bytes(past, tail);
        verify_error_names(past, "Huffman table lists 272 codes");
    }

    // The fuzzer's third find: a PGM/PPM header number past INT_MAX overflowed stb's int.
    void pnmHeaderNumberOverflowIsRefused_data() {
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("width") << QByteArray("P5\n2999999999 1\n255\n");
        QTest::newRow("height after a comment")
            << QByteArray("P6 # made by hand\n1\t99999999999\n255\n");
        QTest::newRow("maximum") << QByteArray("P5 1 1 4294967296\n");
    }
    void pnmHeaderNumberOverflowIsRefused() {
        QFETCH(QByteArray, header);
        const QString path = dir_.filePath(QStringLiteral("overflow.pgm"));
        write_bytes(path, header + QByteArray(16, '\x7f'));
        verify_error_names(path, "corrupt PGM/PPM header");
        // The largest number an int holds is still read, and refused for what it is.
        write_bytes(path, QByteArray("P5\n2147483647 1\n255\n") + QByteArray(16, '\x7f'));
        try {
            mnist::load_image_file(path.toStdString());
            QFAIL("expected mnist::DataError");
        } catch (const mnist::DataError& e) {
            QVERIFY2(!QString(e.what()).contains("corrupt PGM/PPM header"), e.what());
        }
    }

    void jpegDecodesApproximately() {
        // JPEG is lossy: a flat light field with a dark block comes back close, not exact.
        constexpr int kSide = 16;
        Bytes rgb(kSide * kSide * 3, 230);
        for (int y = 4; y < 12; ++y)
            for (int x = 4; x < 12; ++x)
                for (int c = 0; c < 3; ++c) rgb[(y * kSide + x) * 3 + c] = 20;
        const QString path = dir_.filePath(QStringLiteral("photo.jpg"));
        QVERIFY(stbi_write_jpg(path.toStdString().c_str(), kSide, kSide, 3, rgb.data(), 95) != 0);
        const GrayImage image = mnist::load_image_file(path.toStdString());
        QCOMPARE(image.width, kSide);
        QCOMPARE(image.height, kSide);
        QVERIFY(std::abs(pixel(image, 0, 0) - 230) <= 8);
        QVERIFY(std::abs(pixel(image, 8, 8) - 20) <= 8);
    }

    void transparentBackgroundBehindDarkInkBecomesWhite() {
        // A drawing exported with a clear background: black ink, the rest alpha 0 (whose colour
        // bytes are black too, as most editors write them).
        Bytes rgba(4 * 3 * 4, 0);
        auto set_alpha = [&](int x, int y, std::uint8_t a) { rgba[(y * 4 + x) * 4 + 3] = a; };
        set_alpha(1, 1, 255);
        set_alpha(2, 1, 128);
        const GrayImage image =
            png_round_trip(dir_.filePath(QStringLiteral("clear.png")), 4, 3, 4, rgba);
        QCOMPARE(pixel(image, 0, 0), 255);
        QCOMPARE(pixel(image, 3, 2), 255);
        QCOMPARE(pixel(image, 1, 1), 0);
        QVERIFY(std::abs(pixel(image, 2, 1) - 127) <= 1);  // half-covered edge blends
    }

    void transparentBackgroundBehindLightInkBecomesBlack() {
        // White ink on nothing must not vanish onto white.
        Bytes gray_alpha(2 * 4 * 4, 255);
        for (int i = 0; i < 4 * 4; ++i) gray_alpha[i * 2 + 1] = 0;
        gray_alpha[(1 * 4 + 1) * 2 + 1] = 255;
        gray_alpha[(2 * 4 + 1) * 2 + 1] = 255;
        const GrayImage image =
            png_round_trip(dir_.filePath(QStringLiteral("light_ink.png")), 4, 4, 2, gray_alpha);
        QCOMPARE(pixel(image, 0, 0), 0);
        QCOMPARE(pixel(image, 1, 1), 255);
        QCOMPARE(pixel(image, 1, 2), 255);
    }

    void holesInOpaquePaperTakeThePaperTone() {
        // Mostly opaque light paper with a transparent corner: the corner must not turn into
        // a dark blob that preprocessing would mistake for ink.
        Bytes rgba(6 * 6 * 4, 0);
        for (int i = 0; i < 36; ++i) {
            rgba[i * 4 + 0] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = 240;
            rgba[i * 4 + 3] = (i == 0) ? 0 : 255;
        }
        const GrayImage image =
            png_round_trip(dir_.filePath(QStringLiteral("paper.png")), 6, 6, 4, rgba);
        QCOMPARE(pixel(image, 0, 0), 240);
    }

    void drawnPngPreprocessesToADigit() {
        // The whole CLI path: a clear-background drawing of a bar becomes a centred MNIST digit.
        constexpr int kW = 120, kH = 90;
        Bytes rgba(kW * kH * 4, 0);
        for (int y = 10; y < 70; ++y)
            for (int x = 15; x < 27; ++x) rgba[(y * kW + x) * 4 + 3] = 255;
        const QString path = dir_.filePath(QStringLiteral("bar.png"));
        write_png(path, kW, kH, 4, rgba);
        const mnist::PreprocessedDigit digit =
            mnist::preprocess_digit(mnist::load_image_file(path.toStdString()));
        QVERIFY(!digit.blank);
        QCOMPARE(digit.pixels[0], 0.0f);
        QCOMPARE(digit.pixels[14 * mnist::kImageSide + 14], 1.0f);
    }

    void missingFileNamesThePath() {
        verify_error_names(dir_.filePath(QStringLiteral("nowhere.png")), "no such file");
    }

    void garbageFileNamesThePath() {
        const QString path = dir_.filePath(QStringLiteral("garbage.png"));
        write_bytes(path, QByteArray("this is not an image at all, just some text\n"));
        verify_error_names(path, "not a readable");
    }

    void truncatedPngNamesThePath() {
        const QString good = dir_.filePath(QStringLiteral("whole.png"));
        write_png(good, 8, 8, 1, Bytes(64, 9));
        QFile file(good);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        const QString path = dir_.filePath(QStringLiteral("truncated.png"));
        write_bytes(path, bytes.left(bytes.size() / 2));
        verify_error_names(path, "not a readable");
    }

    void emptyFileNamesThePath() {
        const QString path = dir_.filePath(QStringLiteral("empty.pgm"));
        write_bytes(path, QByteArray());
        verify_error_names(path, "empty");
    }

    void zeroSizeImageNamesThePath() {
        const QString path = dir_.filePath(QStringLiteral("zero.pgm"));
        write_bytes(path, pnm("P5", 0, 0, {}));
        verify_error_names(path, "zero.pgm");
    }

    void directoryNamesThePath() { verify_error_names(dir_.path(), "directory"); }

    // Refused from its header, before the 100 million pixels are decoded (from a file or memory).
    void hugeImageIsRefusedBeforeDecoding() {
        const QString path = dir_.filePath(QStringLiteral("huge.png"));
        const QByteArray png = black_png(10000);
        write_bytes(path, png);
        verify_error_names(path, "10000x10000 (100 megapixels)");
        try {
            mnist::decode_image(reinterpret_cast<const std::uint8_t*>(png.constData()),
                                static_cast<std::size_t>(png.size()), "huge upload");
            QFAIL("expected mnist::DataError");
        } catch (const mnist::DataError& error) {
            QVERIFY2(QString(error.what()).contains("huge upload"), error.what());
            QVERIFY2(QString(error.what()).contains("at most 64 megapixels"), error.what());
        }
        // One just inside the bound still reads.
        const QString fits = dir_.filePath(QStringLiteral("fits.png"));
        write_bytes(fits, black_png(8000));
        QCOMPARE(mnist::load_image_file(fits.toStdString()).width, 8000);
    }

  private:
    QTemporaryDir dir_;
};

QTEST_APPLESS_MAIN(TestImageFile)
#include "test_image_file.moc"
