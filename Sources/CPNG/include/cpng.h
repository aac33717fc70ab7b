#ifndef CPNG_H
#define CPNG_H
/*
 * A small C shim over libpng, the only place where libpng's setjmp/longjmp error
 * handling lives. Every function reports failure through a cpng_status and returns;
 * nothing ever longjmps into Swift.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome codes of the shim's functions. */
typedef enum cpng_code {
    CPNG_OK = 0,
    CPNG_ERR_OPEN = 1,        /* fopen failed; os_error holds errno */
    CPNG_ERR_NOT_FILE = 2,    /* the path is a directory or another non-regular file */
    CPNG_ERR_SIGNATURE = 3,   /* the first 8 bytes are not the PNG signature */
    CPNG_ERR_TRUNCATED = 4,   /* the file ends before the PNG data does */
    CPNG_ERR_LIBPNG = 5,      /* libpng reported an error; message holds its text */
    CPNG_ERR_TOO_LARGE = 6,   /* the decoded image would not fit the size limit */
    CPNG_ERR_NO_MEMORY = 7,   /* malloc failed */
    CPNG_ERR_IO = 8           /* reading or writing the file failed; os_error holds errno */
} cpng_code;

/* Status of one call: a code, the errno where relevant, and a human-readable message. */
typedef struct cpng_status {
    int code;
    int os_error;
    char message[256];
} cpng_status;

/* One text chunk. For reading: is_utf8 is 1 for iTXt (UTF-8), 0 for tEXt/zTXt (Latin-1),
   and the strings are owned by the cpng_decoded. For writing: key is Latin-1, text UTF-8,
   both NUL-terminated, and each entry is written as an uncompressed iTXt chunk. */
typedef struct cpng_text_entry {
    const char *key;
    size_t key_length;
    const char *text;
    size_t text_length;
    int is_utf8;
} cpng_text_entry;

/* A decoded PNG, expanded to RGBA. */
typedef struct cpng_decoded {
    uint32_t width;
    uint32_t height;
    /* 8: pixels are uint8_t; 16: pixels are uint16_t in host byte order. */
    int bit_depth;
    /* 1 when the file had an alpha channel or a tRNS chunk; otherwise alpha is opaque. */
    int has_alpha;
    /* width * height * 4 samples, R G B A interleaved, rows top to bottom. */
    void *pixels;
    cpng_text_entry *texts;
    int text_count;
} cpng_decoded;

/* Largest decoded RGBA buffer cpng_read accepts, in bytes (1 GiB). */
#define CPNG_MAX_DECODED_BYTES ((size_t)1 << 30)

/* Reads the PNG at path into *out (zeroed first). Returns CPNG_OK or an error code, also
   stored in status. On success free the result with cpng_decoded_free. */
int cpng_read(const char *path, cpng_decoded *out, cpng_status *status);

/* Frees what cpng_read allocated and zeroes *decoded. Safe on a zeroed struct. */
void cpng_decoded_free(cpng_decoded *decoded);

/* Writes an 8-bit RGB, non-interlaced PNG with the given iTXt chunks (placed before the
   image data) to path, which must not exist yet (it is created exclusively). rgb holds
   width * height * 3 bytes, interleaved, rows top to bottom. The file is flushed and
   fsync'ed before returning. On failure the partial file is removed. */
int cpng_write_rgb8(const char *path, uint32_t width, uint32_t height, const uint8_t *rgb,
                    const cpng_text_entry *texts, int text_count, cpng_status *status);

#ifdef __cplusplus
}
#endif
#endif
