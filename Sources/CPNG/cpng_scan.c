/*
 * The walk over a PNG's chunk headers that runs before libpng: it seeks over chunk data,
 * so it costs a few reads per chunk and allocates nothing but the late-text list.
 */
#define _POSIX_C_SOURCE 200809L
#include "cpng_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static uint32_t big_endian32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int is_type(const unsigned char *type, const char *name) { return memcmp(type, name, 4) == 0; }

static int is_text(const unsigned char *type) {
    return is_type(type, "tEXt") || is_type(type, "zTXt") || is_type(type, "iTXt");
}

static int io_error(cpng_status *status) {
    int err = errno;
    cpng_set_status(status, CPNG_ERR_IO, err, strerror(err));
    return status->code;
}

static void describe_fault(cpng_status *status, const unsigned char *type, uint64_t offset,
                           uint64_t declared, uint64_t available) {
    for (int i = 0; i < 4; i++) {
        unsigned char c = type[i];
        status->chunk.type[i] = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ? (char)c : '?';
    }
    status->chunk.type[4] = '\0';
    status->chunk.offset = offset;
    status->chunk.declared = declared;
    status->chunk.available = available;
}

int cpng_scan_chunks(FILE *file, uint64_t file_size, int max_late_texts, cpng_scan *scan,
                     cpng_status *status) {
    memset(scan, 0, sizeof *scan);
    scan->first_idat = -1;
    uint64_t offset = 8;
    int first = 1;
    while (offset + 8 <= file_size) {
        unsigned char header[8 + 13];
        if (fseeko(file, (off_t)offset, SEEK_SET) != 0) return io_error(status);
        size_t want = first ? sizeof header : 8;
        size_t got = fread(header, 1, want, file);
        if (got < 8) {
            if (ferror(file)) return io_error(status);
            break;  /* fewer than 8 bytes left: libpng reports the truncation */
        }
        uint64_t length = big_endian32(header);
        const unsigned char *type = header + 4;
        uint64_t available = file_size - offset - 8;
        /* Data and the 4-byte CRC must fit in the file. */
        if (length > PNG_UINT_31_MAX || length + 4 > available) {
            if (is_type(type, "IDAT")) {
                cpng_set_status(status, CPNG_ERR_TRUNCATED, 0, "the file ends inside the image data");
                return status->code;
            }
            describe_fault(status, type, offset, length, available);
            cpng_set_status(status, CPNG_ERR_CHUNK_LENGTH, 0,
                            "a chunk declares more bytes than the file holds");
            return status->code;
        }
        if (first && is_type(type, "IHDR") && length == 13 && got == sizeof header) {
            scan->has_ihdr = 1;
            scan->width = big_endian32(header + 8);
            scan->height = big_endian32(header + 12);
        }
        first = 0;
        if (is_type(type, "IDAT") && scan->first_idat < 0) scan->first_idat = (int64_t)offset;
        if (scan->first_idat >= 0 && is_text(type) && scan->late_text_count < max_late_texts) {
            cpng_segment *grown = (cpng_segment *)realloc(
                scan->late_texts, sizeof *grown * (size_t)(scan->late_text_count + 1));
            if (!grown) {
                cpng_set_status(status, CPNG_ERR_NO_MEMORY, 0, "out of memory scanning the chunks");
                return status->code;
            }
            scan->late_texts = grown;
            scan->late_texts[scan->late_text_count++] = (cpng_segment){offset, length + 12};
        }
        offset += length + 12;
        if (is_type(type, "IEND")) break;
    }
    return CPNG_OK;
}

void cpng_scan_free(cpng_scan *scan) {
    if (!scan) return;
    free(scan->late_texts);
    memset(scan, 0, sizeof *scan);
}
