/*
 * Status helpers, libpng callbacks, limits and text copying shared by reading and writing.
 */
#include "cpng_internal.h"

#include <stdlib.h>
#include <string.h>

void cpng_set_status(cpng_status *status, int code, int os_error, const char *message) {
    status->code = code;
    status->os_error = os_error;
    snprintf(status->message, sizeof status->message, "%s", message ? message : "");
}

void cpng_on_error(png_structp png, png_const_charp message) {
    cpng_status *status = (cpng_status *)png_get_error_ptr(png);
    if (status->code == CPNG_OK) cpng_set_status(status, CPNG_ERR_LIBPNG, 0, message);
    png_longjmp(png, 1);
}

void cpng_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

void cpng_apply_limits(png_structp png, const cpng_limits *limits) {
    uint64_t side = limits->max_pixels;
    if (side == 0 || side > PNG_UINT_31_MAX) side = PNG_UINT_31_MAX;
    png_set_user_limits(png, (png_uint_32)side, (png_uint_32)side);
    if (limits->max_chunk_bytes > 0) png_set_chunk_malloc_max(png, limits->max_chunk_bytes);
    if (limits->max_ancillary_chunks > 0) png_set_chunk_cache_max(png, limits->max_ancillary_chunks);
}

static char *copy_bytes(const char *bytes, size_t length) {
    char *copy = (char *)malloc(length + 1);
    if (!copy) return NULL;
    if (length) memcpy(copy, bytes, length);
    copy[length] = '\0';
    return copy;
}

int cpng_copy_texts(png_structp png, png_infop info, cpng_texts *out) {
    png_textp texts = NULL;
    int count = png_get_text(png, info, &texts, NULL);
    if (count <= 0 || !texts) return CPNG_OK;
    cpng_text_entry *entries = (cpng_text_entry *)calloc((size_t)count, sizeof *entries);
    if (!entries) return CPNG_ERR_NO_MEMORY;
    out->entries = entries;
    for (int i = 0; i < count; i++) {
        const png_text *t = &texts[i];
        int utf8 = t->compression >= PNG_ITXT_COMPRESSION_NONE;
        size_t key_length = t->key ? strlen(t->key) : 0;
        size_t text_length = t->text ? (utf8 ? t->itxt_length : t->text_length) : 0;
        char *key = copy_bytes(t->key ? t->key : "", key_length);
        char *text = copy_bytes(t->text ? t->text : "", text_length);
        entries[i] = (cpng_text_entry){key, key_length, text, text_length, utf8};
        out->count = i + 1;
        if (!key || !text) return CPNG_ERR_NO_MEMORY;
    }
    return CPNG_OK;
}

void cpng_texts_free(cpng_texts *texts) {
    if (!texts) return;
    for (int i = 0; i < texts->count; i++) {
        free((void *)texts->entries[i].key);
        free((void *)texts->entries[i].text);
    }
    free(texts->entries);
    memset(texts, 0, sizeof *texts);
}
