/*
 * Shared by the shim's C files: status helpers, libpng callbacks, and the chunk scan.
 */
#ifndef CPNG_INTERNAL_H
#define CPNG_INTERNAL_H
#include "cpng.h"

#include <png.h>
#include <stdio.h>

/* Sets all of *status except the chunk fault. */
void cpng_set_status(cpng_status *status, int code, int os_error, const char *message);

/* libpng error callback: records the message (unless a more specific cause was recorded)
   in the cpng_status given as error pointer and unwinds to the caller's setjmp. */
void cpng_on_error(png_structp png, png_const_charp message);

/* libpng warning callback: warnings (a bad ICC profile, an oversized text chunk) do not
   stop decoding. */
void cpng_on_warning(png_structp png, png_const_charp message);

/* A byte range of the file that libpng is fed. */
typedef struct cpng_segment {
    uint64_t offset;
    uint64_t length;
} cpng_segment;

/* What the walk over a file's chunk headers found. */
typedef struct cpng_scan {
    int has_ihdr;            /* the first chunk is a 13-byte IHDR */
    uint32_t width;          /* from IHDR */
    uint32_t height;
    int64_t first_idat;      /* offset of the first IDAT's length field, or -1 */
    cpng_segment *late_texts;/* tEXt/zTXt/iTXt chunks after the first IDAT (when collected) */
    int late_text_count;
} cpng_scan;

/* Walks the chunk headers of file (file_size bytes, signature already checked) without
   reading chunk data. Fails with CPNG_ERR_CHUNK_LENGTH (status->chunk filled) when a
   non-IDAT chunk declares more bytes than remain, CPNG_ERR_TRUNCATED when an IDAT does.
   Collects up to max_late_texts text chunks after the first IDAT. Free with
   cpng_scan_free. */
int cpng_scan_chunks(FILE *file, uint64_t file_size, int max_late_texts, cpng_scan *scan,
                     cpng_status *status);

void cpng_scan_free(cpng_scan *scan);

/* Applies the caller's limits (chunk sizes, chunk count, width and height) to libpng. */
void cpng_apply_limits(png_structp png, const cpng_limits *limits);

/* Copies every text chunk libpng stored in info into *out. No libpng call here can fail. */
int cpng_copy_texts(png_structp png, png_infop info, cpng_texts *out);

#endif
