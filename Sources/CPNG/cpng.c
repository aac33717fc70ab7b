/*
 * libpng shim: reading any PNG to RGBA (8 or 16 bit) with its text chunks, and writing
 * 8-bit RGB with iTXt chunks. libpng reports errors by longjmp; each setjmp lives in a
 * small *_body function whose own locals are never read after a longjmp (all state is in
 * a context struct owned by the caller), and every error becomes a cpng_status.
 */
#define _POSIX_C_SOURCE 200809L
#include "cpng.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_status(cpng_status *status, int code, int os_error, const char *message) {
    status->code = code;
    status->os_error = os_error;
    snprintf(status->message, sizeof status->message, "%s", message ? message : "");
}

/* libpng error callback: record the message (unless the I/O callback already recorded a
   more specific cause) and unwind to the setjmp in the *_body function. */
static void on_error(png_structp png, png_const_charp message) {
    cpng_status *status = (cpng_status *)png_get_error_ptr(png);
    if (status->code == CPNG_OK) set_status(status, CPNG_ERR_LIBPNG, 0, message);
    png_longjmp(png, 1);
}

/* Warnings (e.g. a bad ICC profile in an ancillary chunk) do not stop decoding. */
static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/* MARK: Reading */

typedef struct read_context {
    FILE *file;
    png_structp png;
    png_infop info;
    png_bytep *rows;
    cpng_decoded *out;
    cpng_status *status;
} read_context;

static void read_bytes(png_structp png, png_bytep data, size_t length) {
    read_context *ctx = (read_context *)png_get_io_ptr(png);
    size_t got = fread(data, 1, length, ctx->file);
    if (got == length) return;
    if (ferror(ctx->file)) {
        int err = errno;
        set_status(ctx->status, CPNG_ERR_IO, err, strerror(err));
    } else {
        set_status(ctx->status, CPNG_ERR_TRUNCATED, 0, "the file ends before the PNG data does");
    }
    png_error(png, ctx->status->message);
}

static char *copy_bytes(const char *bytes, size_t length) {
    char *copy = (char *)malloc(length + 1);
    if (!copy) return NULL;
    if (length) memcpy(copy, bytes, length);
    copy[length] = '\0';
    return copy;
}

/* Copies every tEXt, zTXt and iTXt chunk into ctx->out. No libpng call here can fail. */
static int copy_texts(read_context *ctx) {
    png_textp texts = NULL;
    int count = png_get_text(ctx->png, ctx->info, &texts, NULL);
    if (count <= 0 || !texts) return CPNG_OK;
    cpng_text_entry *entries = (cpng_text_entry *)calloc((size_t)count, sizeof *entries);
    if (!entries) return CPNG_ERR_NO_MEMORY;
    ctx->out->texts = entries;
    for (int i = 0; i < count; i++) {
        const png_text *t = &texts[i];
        int utf8 = t->compression >= PNG_ITXT_COMPRESSION_NONE;
        size_t key_length = t->key ? strlen(t->key) : 0;
        size_t text_length = t->text ? (utf8 ? t->itxt_length : t->text_length) : 0;
        char *key = copy_bytes(t->key ? t->key : "", key_length);
        char *text = copy_bytes(t->text ? t->text : "", text_length);
        entries[i] = (cpng_text_entry){key, key_length, text, text_length, utf8};
        ctx->out->text_count = i + 1;
        if (!key || !text) return CPNG_ERR_NO_MEMORY;
    }
    return CPNG_OK;
}

static int read_body(read_context *ctx) {
    if (setjmp(png_jmpbuf(ctx->png))) return ctx->status->code;

    png_set_read_fn(ctx->png, ctx, read_bytes);
    png_set_sig_bytes(ctx->png, 8);
    /* A bad CRC anywhere, even in an ancillary (e.g. text) chunk, is an error. */
    png_set_crc_action(ctx->png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_read_info(ctx->png, ctx->info);

    png_uint_32 width = png_get_image_width(ctx->png, ctx->info);
    png_uint_32 height = png_get_image_height(ctx->png, ctx->info);
    int color_type = png_get_color_type(ctx->png, ctx->info);
    int bit_depth = png_get_bit_depth(ctx->png, ctx->info);
    int has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0;

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(ctx->png);
    if (!(color_type & PNG_COLOR_MASK_COLOR) && bit_depth < 8)
        png_set_expand_gray_1_2_4_to_8(ctx->png);
    if (png_get_valid(ctx->png, ctx->info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(ctx->png);
        has_alpha = 1;
    }
    if (!(color_type & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(ctx->png);
    int out_depth = bit_depth == 16 ? 16 : 8;
    if (!has_alpha) png_set_add_alpha(ctx->png, 0xffff, PNG_FILLER_AFTER);
    if (out_depth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(ctx->png); /* little-endian host */
    }
    png_set_interlace_handling(ctx->png);
    png_read_update_info(ctx->png, ctx->info);

    size_t row_bytes = png_get_rowbytes(ctx->png, ctx->info);
    size_t bytes_per_sample = (size_t)out_depth / 8;
    if (row_bytes != (size_t)width * 4 * bytes_per_sample) {
        set_status(ctx->status, CPNG_ERR_LIBPNG, 0, "unexpected row size after expanding to RGBA");
        return CPNG_ERR_LIBPNG;
    }
    if (height > 0 && row_bytes > CPNG_MAX_DECODED_BYTES / height) {
        set_status(ctx->status, CPNG_ERR_TOO_LARGE, 0, "the decoded image would exceed 1 GiB");
        return CPNG_ERR_TOO_LARGE;
    }
    ctx->out->pixels = malloc(row_bytes * height);
    ctx->rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!ctx->out->pixels || !ctx->rows) {
        set_status(ctx->status, CPNG_ERR_NO_MEMORY, 0, "out of memory for the decoded image");
        return CPNG_ERR_NO_MEMORY;
    }
    for (png_uint_32 y = 0; y < height; y++)
        ctx->rows[y] = (png_bytep)ctx->out->pixels + (size_t)y * row_bytes;
    png_read_image(ctx->png, ctx->rows);
    png_read_end(ctx->png, ctx->info);

    ctx->out->width = width;
    ctx->out->height = height;
    ctx->out->bit_depth = out_depth;
    ctx->out->has_alpha = has_alpha;
    if (copy_texts(ctx) != CPNG_OK) {
        set_status(ctx->status, CPNG_ERR_NO_MEMORY, 0, "out of memory for the text chunks");
        return CPNG_ERR_NO_MEMORY;
    }
    return CPNG_OK;
}

int cpng_read(const char *path, cpng_decoded *out, cpng_status *status) {
    memset(out, 0, sizeof *out);
    set_status(status, CPNG_OK, 0, "");
    read_context ctx = {0};
    ctx.out = out;
    ctx.status = status;

    ctx.file = fopen(path, "rb");
    if (!ctx.file) {
        int err = errno;
        set_status(status, CPNG_ERR_OPEN, err, strerror(err));
        return status->code;
    }
    struct stat info;
    if (fstat(fileno(ctx.file), &info) != 0 || !S_ISREG(info.st_mode)) {
        fclose(ctx.file);
        set_status(status, CPNG_ERR_NOT_FILE, 0, "not a regular file");
        return status->code;
    }
    png_byte signature[8];
    size_t got = fread(signature, 1, sizeof signature, ctx.file);
    if (got == 0 || png_sig_cmp(signature, 0, got) != 0) {
        fclose(ctx.file);
        set_status(status, CPNG_ERR_SIGNATURE, 0, "the file does not start with the PNG signature");
        return status->code;
    }
    if (got < sizeof signature) {
        fclose(ctx.file);
        set_status(status, CPNG_ERR_TRUNCATED, 0, "the file ends inside the PNG signature");
        return status->code;
    }

    int code = CPNG_ERR_NO_MEMORY;
    ctx.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, status, on_error, on_warning);
    if (ctx.png) ctx.info = png_create_info_struct(ctx.png);
    if (ctx.png && ctx.info) {
        code = read_body(&ctx);
    } else {
        set_status(status, CPNG_ERR_NO_MEMORY, 0, "out of memory creating the libpng reader");
    }
    png_destroy_read_struct(ctx.png ? &ctx.png : NULL, ctx.info ? &ctx.info : NULL, NULL);
    free(ctx.rows);
    fclose(ctx.file);
    if (code != CPNG_OK) {
        if (status->code == CPNG_OK) set_status(status, code, 0, "unknown libpng failure");
        cpng_decoded_free(out);
    }
    return status->code;
}

void cpng_decoded_free(cpng_decoded *decoded) {
    if (!decoded) return;
    free(decoded->pixels);
    for (int i = 0; i < decoded->text_count; i++) {
        free((void *)decoded->texts[i].key);
        free((void *)decoded->texts[i].text);
    }
    free(decoded->texts);
    memset(decoded, 0, sizeof *decoded);
}

/* MARK: Writing */

typedef struct write_context {
    FILE *file;
    png_structp png;
    png_infop info;
    png_bytep *rows;
    png_textp texts;
    cpng_status *status;
} write_context;

static void write_bytes(png_structp png, png_bytep data, size_t length) {
    write_context *ctx = (write_context *)png_get_io_ptr(png);
    if (fwrite(data, 1, length, ctx->file) == length) return;
    int err = errno;
    set_status(ctx->status, CPNG_ERR_IO, err, strerror(err));
    png_error(png, ctx->status->message);
}

static void flush_bytes(png_structp png) {
    write_context *ctx = (write_context *)png_get_io_ptr(png);
    fflush(ctx->file);
}

static int write_body(write_context *ctx, uint32_t width, uint32_t height, const uint8_t *rgb,
                      const cpng_text_entry *texts, int text_count) {
    if (setjmp(png_jmpbuf(ctx->png))) return ctx->status->code;

    png_set_write_fn(ctx->png, ctx, write_bytes, flush_bytes);
    png_set_IHDR(ctx->png, ctx->info, width, height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (text_count > 0) {
        for (int i = 0; i < text_count; i++) {
            ctx->texts[i].compression = PNG_ITXT_COMPRESSION_NONE;
            ctx->texts[i].key = (png_charp)texts[i].key;
            ctx->texts[i].text = (png_charp)texts[i].text;
            ctx->texts[i].text_length = 0;
            ctx->texts[i].itxt_length = texts[i].text_length;
            ctx->texts[i].lang = NULL;
            ctx->texts[i].lang_key = NULL;
        }
        png_set_text(ctx->png, ctx->info, ctx->texts, text_count);
    }
    png_write_info(ctx->png, ctx->info);
    for (uint32_t y = 0; y < height; y++)
        ctx->rows[y] = (png_bytep)(rgb + (size_t)y * width * 3);
    png_write_image(ctx->png, ctx->rows);
    png_write_end(ctx->png, NULL);
    return CPNG_OK;
}

int cpng_write_rgb8(const char *path, uint32_t width, uint32_t height, const uint8_t *rgb,
                    const cpng_text_entry *texts, int text_count, cpng_status *status) {
    set_status(status, CPNG_OK, 0, "");
    write_context ctx = {0};
    ctx.status = status;

    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        int err = errno;
        set_status(status, CPNG_ERR_OPEN, err, strerror(err));
        return status->code;
    }
    ctx.file = fdopen(fd, "wb");
    if (!ctx.file) {
        int err = errno;
        close(fd);
        unlink(path);
        set_status(status, CPNG_ERR_OPEN, err, strerror(err));
        return status->code;
    }

    int code = CPNG_ERR_NO_MEMORY;
    ctx.rows = (png_bytep *)malloc(sizeof(png_bytep) * (height ? height : 1));
    ctx.texts = (png_textp)calloc(text_count > 0 ? (size_t)text_count : 1, sizeof(png_text));
    ctx.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, status, on_error, on_warning);
    if (ctx.png) ctx.info = png_create_info_struct(ctx.png);
    if (ctx.png && ctx.info && ctx.rows && ctx.texts) {
        code = write_body(&ctx, width, height, rgb, texts, text_count);
    } else {
        set_status(status, CPNG_ERR_NO_MEMORY, 0, "out of memory creating the libpng writer");
    }
    png_destroy_write_struct(ctx.png ? &ctx.png : NULL, ctx.info ? &ctx.info : NULL);
    free(ctx.rows);
    free(ctx.texts);

    if (code == CPNG_OK && (fflush(ctx.file) != 0 || fsync(fileno(ctx.file)) != 0)) {
        int err = errno;
        set_status(status, CPNG_ERR_IO, err, strerror(err));
        code = CPNG_ERR_IO;
    }
    if (fclose(ctx.file) != 0 && code == CPNG_OK) {
        int err = errno;
        set_status(status, CPNG_ERR_IO, err, strerror(err));
        code = CPNG_ERR_IO;
    }
    if (code != CPNG_OK) {
        unlink(path);
        if (status->code == CPNG_OK) set_status(status, code, 0, "unknown libpng failure");
    }
    return status->code;
}
