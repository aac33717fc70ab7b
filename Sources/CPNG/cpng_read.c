/*
 * Reading: a PNG expanded to 8- or 16-bit RGBA and handed out row by row, or only its text
 * chunks. libpng reads through a list of file segments (the whole file, or for text only:
 * everything before the image data, the later text chunks, and the first IDAT header).
 * Each setjmp lives in a small *_body function whose own locals are never read after a
 * longjmp; all state is in the reader.
 */
#define _POSIX_C_SOURCE 200809L
#include "cpng_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

struct cpng_reader {
    FILE *file;
    png_structp png;
    png_infop info;
    /* The status libpng's callbacks write to; copied to the caller's after each call. */
    cpng_status status;
    int failed;
    /* What libpng is fed. */
    cpng_segment *segments;
    int segment_count;
    int segment;
    uint64_t segment_position;
    /* Row sequencing. */
    cpng_header header;
    int pass;
    uint32_t row_in_pass;
};

/* MARK: The segment stream */

static void read_bytes(png_structp png, png_bytep data, size_t length) {
    cpng_reader *r = (cpng_reader *)png_get_io_ptr(png);
    size_t done = 0;
    while (done < length) {
        if (r->segment >= r->segment_count) {
            cpng_set_status(&r->status, CPNG_ERR_TRUNCATED, 0, "the file ends before the PNG data does");
            png_error(png, r->status.message);
        }
        cpng_segment *s = &r->segments[r->segment];
        uint64_t left = s->length - r->segment_position;
        if (left == 0) {
            r->segment++;
            r->segment_position = 0;
            if (r->segment < r->segment_count &&
                fseeko(r->file, (off_t)r->segments[r->segment].offset, SEEK_SET) != 0) {
                int err = errno;
                cpng_set_status(&r->status, CPNG_ERR_IO, err, strerror(err));
                png_error(png, r->status.message);
            }
            continue;
        }
        size_t want = length - done < left ? length - done : (size_t)left;
        size_t got = fread(data + done, 1, want, r->file);
        done += got;
        r->segment_position += got;
        if (got < want) {
            if (ferror(r->file)) {
                int err = errno;
                cpng_set_status(&r->status, CPNG_ERR_IO, err, strerror(err));
            } else {
                cpng_set_status(&r->status, CPNG_ERR_TRUNCATED, 0, "the file ends before the PNG data does");
            }
            png_error(png, r->status.message);
        }
    }
}

static int set_segments(cpng_reader *r, const cpng_segment *segments, int count) {
    r->segments = (cpng_segment *)malloc(sizeof *segments * (size_t)(count > 0 ? count : 1));
    if (!r->segments) return CPNG_ERR_NO_MEMORY;
    memcpy(r->segments, segments, sizeof *segments * (size_t)count);
    r->segment_count = count;
    r->segment = 0;
    r->segment_position = 0;
    return fseeko(r->file, (off_t)segments[0].offset, SEEK_SET) == 0 ? CPNG_OK : CPNG_ERR_IO;
}

/* MARK: Opening */

static int finish_call(cpng_reader *r, cpng_status *status) {
    *status = r->status;
    if (r->status.code != CPNG_OK) r->failed = 1;
    return r->status.code;
}

/* Opens the file, checks the signature and walks the chunks. */
static int open_file(cpng_reader *r, const char *path, int max_late_texts, cpng_scan *scan,
                     uint64_t *file_size) {
    r->file = fopen(path, "rb");
    if (!r->file) {
        int err = errno;
        cpng_set_status(&r->status, CPNG_ERR_OPEN, err, strerror(err));
        return r->status.code;
    }
    struct stat info;
    if (fstat(fileno(r->file), &info) != 0 || !S_ISREG(info.st_mode)) {
        cpng_set_status(&r->status, CPNG_ERR_NOT_FILE, 0, "not a regular file");
        return r->status.code;
    }
    *file_size = (uint64_t)info.st_size;
    png_byte signature[8];
    size_t got = fread(signature, 1, sizeof signature, r->file);
    if (got == 0 || png_sig_cmp(signature, 0, got) != 0) {
        cpng_set_status(&r->status, CPNG_ERR_SIGNATURE, 0, "the file does not start with the PNG signature");
        return r->status.code;
    }
    if (got < sizeof signature) {
        cpng_set_status(&r->status, CPNG_ERR_TRUNCATED, 0, "the file ends inside the PNG signature");
        return r->status.code;
    }
    return cpng_scan_chunks(r->file, *file_size, max_late_texts, scan, &r->status);
}

static int create_png(cpng_reader *r, const cpng_limits *limits) {
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r->status, cpng_on_error, cpng_on_warning);
    if (r->png) r->info = png_create_info_struct(r->png);
    if (!r->png || !r->info) {
        cpng_set_status(&r->status, CPNG_ERR_NO_MEMORY, 0, "out of memory creating the libpng reader");
        return r->status.code;
    }
    cpng_apply_limits(r->png, limits);
    return CPNG_OK;
}

/* Reads the header and sets up expansion to RGBA. */
static int open_body(cpng_reader *r) {
    if (setjmp(png_jmpbuf(r->png))) return r->status.code;

    png_set_read_fn(r->png, r, read_bytes);
    /* A bad CRC anywhere, even in an ancillary (e.g. text) chunk, is an error. */
    png_set_crc_action(r->png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_read_info(r->png, r->info);

    png_uint_32 width = png_get_image_width(r->png, r->info);
    png_uint_32 height = png_get_image_height(r->png, r->info);
    int color_type = png_get_color_type(r->png, r->info);
    int bit_depth = png_get_bit_depth(r->png, r->info);
    int has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0;

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(r->png);
    if (!(color_type & PNG_COLOR_MASK_COLOR) && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(r->png);
    if (png_get_valid(r->png, r->info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(r->png);
        has_alpha = 1;
    }
    if (!(color_type & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(r->png);
    int out_depth = bit_depth == 16 ? 16 : 8;
    if (!has_alpha) png_set_add_alpha(r->png, 0xffff, PNG_FILLER_AFTER);
    if (out_depth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(r->png); /* little-endian host */
    }
    /* No png_set_interlace_handling: Adam7 rows come pass by pass and the caller places
       them, so no full-image buffer is needed to combine passes. */
    png_read_update_info(r->png, r->info);

    size_t row_bytes = png_get_rowbytes(r->png, r->info);
    if (row_bytes != (size_t)width * 4 * ((size_t)out_depth / 8)) {
        cpng_set_status(&r->status, CPNG_ERR_LIBPNG, 0, "unexpected row size after expanding to RGBA");
        return r->status.code;
    }
    r->header = (cpng_header){width, height, out_depth, has_alpha,
                              png_get_interlace_type(r->png, r->info) == PNG_INTERLACE_ADAM7, row_bytes};
    return CPNG_OK;
}

int cpng_reader_open(const char *path, const cpng_limits *limits, cpng_reader **out,
                     cpng_header *header, cpng_status *status) {
    *out = NULL;
    memset(header, 0, sizeof *header);
    cpng_reader *r = (cpng_reader *)calloc(1, sizeof *r);
    if (!r) {
        memset(status, 0, sizeof *status);
        cpng_set_status(status, CPNG_ERR_NO_MEMORY, 0, "out of memory opening the file");
        return status->code;
    }
    cpng_scan scan;
    memset(&scan, 0, sizeof scan);
    uint64_t file_size = 0;
    int code = open_file(r, path, 0, &scan, &file_size);
    if (code == CPNG_OK && scan.has_ihdr) {
        header->width = scan.width;
        header->height = scan.height;
        if ((uint64_t)scan.width * scan.height > limits->max_pixels) {
            cpng_set_status(&r->status, CPNG_ERR_TOO_LARGE, 0, "the image has more pixels than the budget");
            code = r->status.code;
        }
    }
    cpng_scan_free(&scan);
    if (code == CPNG_OK) {
        cpng_segment whole = {0, file_size};
        code = set_segments(r, &whole, 1);
        if (code != CPNG_OK) cpng_set_status(&r->status, code, errno, "cannot prepare reading the file");
    }
    if (code == CPNG_OK) code = create_png(r, limits);
    if (code == CPNG_OK) code = open_body(r);
    finish_call(r, status);
    if (code != CPNG_OK) {
        cpng_reader_close(r);
        return status->code;
    }
    *header = r->header;
    *out = r;
    return CPNG_OK;
}

/* MARK: Rows */

static uint32_t pass_rows(const cpng_header *h, int pass) {
    return h->interlaced ? PNG_PASS_ROWS(h->height, pass) : h->height;
}

static uint32_t pass_cols(const cpng_header *h, int pass) {
    return h->interlaced ? PNG_PASS_COLS(h->width, pass) : h->width;
}

/* Moves to the next pass with pixels in it, as libpng does (it skips empty passes). */
static void skip_empty_passes(cpng_reader *r) {
    int passes = r->header.interlaced ? 7 : 1;
    while (r->pass < passes && (pass_rows(&r->header, r->pass) == 0 || pass_cols(&r->header, r->pass) == 0))
        r->pass++;
}

static int row_body(cpng_reader *r, void *buffer) {
    if (setjmp(png_jmpbuf(r->png))) return r->status.code;
    png_read_row(r->png, (png_bytep)buffer, NULL);
    return CPNG_OK;
}

int cpng_reader_next_row(cpng_reader *r, void *buffer, size_t buffer_size, cpng_row *row,
                         cpng_status *status) {
    memset(row, 0, sizeof *row);
    if (r->failed) return finish_call(r, status);
    cpng_set_status(&r->status, CPNG_OK, 0, "");
    skip_empty_passes(r);
    if (r->pass >= (r->header.interlaced ? 7 : 1)) return finish_call(r, status);
    if (buffer_size < r->header.row_bytes) {
        cpng_set_status(&r->status, CPNG_ERR_NO_MEMORY, 0, "the row buffer is too small");
        return finish_call(r, status);
    }
    if (row_body(r, buffer) != CPNG_OK) return finish_call(r, status);
    int p = r->pass;
    if (r->header.interlaced) {
        *row = (cpng_row){PNG_PASS_START_ROW(p) + r->row_in_pass * PNG_PASS_ROW_OFFSET(p),
                          PNG_PASS_START_COL(p), PNG_PASS_COL_OFFSET(p), pass_cols(&r->header, p)};
    } else {
        *row = (cpng_row){r->row_in_pass, 0, 1, r->header.width};
    }
    if (++r->row_in_pass == pass_rows(&r->header, p)) {
        r->pass++;
        r->row_in_pass = 0;
    }
    return finish_call(r, status);
}

static int end_body(cpng_reader *r) {
    if (setjmp(png_jmpbuf(r->png))) return r->status.code;
    png_read_end(r->png, r->info);
    return CPNG_OK;
}

int cpng_reader_finish(cpng_reader *r, cpng_texts *texts, cpng_status *status) {
    memset(texts, 0, sizeof *texts);
    if (r->failed) return finish_call(r, status);
    cpng_set_status(&r->status, CPNG_OK, 0, "");
    if (end_body(r) == CPNG_OK && cpng_copy_texts(r->png, r->info, texts) != CPNG_OK) {
        cpng_texts_free(texts);
        cpng_set_status(&r->status, CPNG_ERR_NO_MEMORY, 0, "out of memory for the text chunks");
    }
    return finish_call(r, status);
}

void cpng_reader_close(cpng_reader *r) {
    if (!r) return;
    if (r->png) png_destroy_read_struct(&r->png, r->info ? &r->info : NULL, NULL);
    if (r->file) fclose(r->file);
    free(r->segments);
    free(r);
}

/* MARK: Text only */

static int text_body(cpng_reader *r) {
    if (setjmp(png_jmpbuf(r->png))) return r->status.code;
    png_set_read_fn(r->png, r, read_bytes);
    png_set_crc_action(r->png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    /* Reads every chunk up to the first IDAT header, then stops: no pixel data is read. */
    png_read_info(r->png, r->info);
    r->header.width = png_get_image_width(r->png, r->info);
    r->header.height = png_get_image_height(r->png, r->info);
    return CPNG_OK;
}

int cpng_read_text(const char *path, const cpng_limits *limits, cpng_texts *texts,
                   cpng_header *header, cpng_status *status) {
    memset(texts, 0, sizeof *texts);
    memset(header, 0, sizeof *header);
    cpng_reader reader;
    memset(&reader, 0, sizeof reader);
    cpng_reader *r = &reader;
    cpng_scan scan;
    memset(&scan, 0, sizeof scan);
    uint64_t file_size = 0;
    /* No pixel budget: no pixel is decoded. */
    cpng_limits text_limits = *limits;
    text_limits.max_pixels = 0;
    int late = limits->max_ancillary_chunks > 0 ? (int)limits->max_ancillary_chunks : 1000;
    int code = open_file(r, path, late, &scan, &file_size);
    if (code == CPNG_OK) {
        /* Before the first IDAT, the late text chunks, then the first IDAT's header (where
           png_read_info stops). Without an IDAT: the whole file, for libpng to judge. */
        int count = 0;
        cpng_segment *segments = (cpng_segment *)malloc(sizeof *segments * (size_t)(scan.late_text_count + 2));
        if (!segments) {
            cpng_set_status(&r->status, CPNG_ERR_NO_MEMORY, 0, "out of memory scanning the chunks");
            code = r->status.code;
        } else {
            if (scan.first_idat < 0) {
                segments[count++] = (cpng_segment){0, file_size};
            } else {
                segments[count++] = (cpng_segment){0, (uint64_t)scan.first_idat};
                for (int i = 0; i < scan.late_text_count; i++) segments[count++] = scan.late_texts[i];
                segments[count++] = (cpng_segment){(uint64_t)scan.first_idat, 8};
            }
            code = set_segments(r, segments, count);
            if (code != CPNG_OK) cpng_set_status(&r->status, code, errno, "cannot prepare reading the file");
            free(segments);
        }
    }
    cpng_scan_free(&scan);
    if (code == CPNG_OK) code = create_png(r, &text_limits);
    if (code == CPNG_OK) code = text_body(r);
    if (code == CPNG_OK && cpng_copy_texts(r->png, r->info, texts) != CPNG_OK) {
        cpng_texts_free(texts);
        cpng_set_status(&r->status, CPNG_ERR_NO_MEMORY, 0, "out of memory for the text chunks");
    }
    *header = r->header;
    *status = r->status;
    if (r->png) png_destroy_read_struct(&r->png, r->info ? &r->info : NULL, NULL);
    if (r->file) fclose(r->file);
    free(r->segments);
    return status->code;
}
