/*
 * Writing 8-bit RGB with iTXt chunks. libpng reports errors by longjmp; the setjmp lives in
 * write_body, whose own locals are never read after a longjmp (all state is in a context
 * struct owned by the caller), and every error becomes a cpng_status.
 */
#define _POSIX_C_SOURCE 200809L
#include "cpng_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    cpng_set_status(ctx->status, CPNG_ERR_IO, err, strerror(err));
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
    cpng_set_status(status, CPNG_OK, 0, "");
    write_context ctx = {0};
    ctx.status = status;

    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        int err = errno;
        cpng_set_status(status, CPNG_ERR_OPEN, err, strerror(err));
        return status->code;
    }
    ctx.file = fdopen(fd, "wb");
    if (!ctx.file) {
        int err = errno;
        close(fd);
        unlink(path);
        cpng_set_status(status, CPNG_ERR_OPEN, err, strerror(err));
        return status->code;
    }

    int code = CPNG_ERR_NO_MEMORY;
    ctx.rows = (png_bytep *)malloc(sizeof(png_bytep) * (height ? height : 1));
    ctx.texts = (png_textp)calloc(text_count > 0 ? (size_t)text_count : 1, sizeof(png_text));
    ctx.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, status, cpng_on_error, cpng_on_warning);
    if (ctx.png) ctx.info = png_create_info_struct(ctx.png);
    if (ctx.png && ctx.info && ctx.rows && ctx.texts) {
        code = write_body(&ctx, width, height, rgb, texts, text_count);
    } else {
        cpng_set_status(status, CPNG_ERR_NO_MEMORY, 0, "out of memory creating the libpng writer");
    }
    png_destroy_write_struct(ctx.png ? &ctx.png : NULL, ctx.info ? &ctx.info : NULL);
    free(ctx.rows);
    free(ctx.texts);

    if (code == CPNG_OK && (fflush(ctx.file) != 0 || fsync(fileno(ctx.file)) != 0)) {
        int err = errno;
        cpng_set_status(status, CPNG_ERR_IO, err, strerror(err));
        code = CPNG_ERR_IO;
    }
    if (fclose(ctx.file) != 0 && code == CPNG_OK) {
        int err = errno;
        cpng_set_status(status, CPNG_ERR_IO, err, strerror(err));
        code = CPNG_ERR_IO;
    }
    if (code != CPNG_OK) {
        unlink(path);
        if (status->code == CPNG_OK) cpng_set_status(status, code, 0, "unknown libpng failure");
    }
    return status->code;
}
