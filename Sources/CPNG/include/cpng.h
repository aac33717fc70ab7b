#ifndef CPNG_H
#define CPNG_H
/*
 * A small C shim over libpng, the only place where libpng's setjmp/longjmp error
 * handling lives. Every function reports failure through a cpng_status and returns;
 * nothing ever longjmps into Swift.
 *
 * Reading is bounded: before libpng sees a byte, the file's chunk headers are walked
 * (seeking over their data) so that a chunk declaring more bytes than the file holds, or
 * an IHDR declaring more pixels than the caller's budget, is refused without allocating.
 * Pixels are then handed out one row at a time; the caller converts each row into its
 * own image, so no full-size intermediate copy exists.
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
    CPNG_ERR_TOO_LARGE = 6,   /* IHDR declares more pixels than the budget; see cpng_header */
    CPNG_ERR_NO_MEMORY = 7,   /* malloc failed */
    CPNG_ERR_IO = 8,          /* reading or writing the file failed; os_error holds errno */
    CPNG_ERR_CHUNK_LENGTH = 9 /* a chunk declares more bytes than the file holds; see chunk */
} cpng_code;

/* The chunk a CPNG_ERR_CHUNK_LENGTH is about. */
typedef struct cpng_chunk_fault {
    char type[5];        /* four-letter chunk type, NUL-terminated (non-letters as '?') */
    uint64_t offset;     /* byte offset of the chunk's length field */
    uint64_t declared;   /* data length the chunk declares */
    uint64_t available;  /* bytes the file has after the chunk header (data and CRC) */
} cpng_chunk_fault;

/* Status of one call: a code, the errno where relevant, and a human-readable message. */
typedef struct cpng_status {
    int code;
    int os_error;
    char message[256];
    cpng_chunk_fault chunk;
} cpng_status;

/* Bounds on what a read may allocate. */
typedef struct cpng_limits {
    /* Largest width * height accepted by cpng_reader_open (checked against IHDR). */
    uint64_t max_pixels;
    /* libpng's png_set_chunk_malloc_max: the most bytes one ancillary chunk may take once
       decompressed (larger zTXt/iTXt/iCCP data is dropped with a warning). */
    uint32_t max_chunk_bytes;
    /* libpng's png_set_chunk_cache_max: how many ancillary chunks (text, sPLT, unknown)
       are kept; later ones are skipped. */
    uint32_t max_ancillary_chunks;
} cpng_limits;

/* One text chunk. For reading: is_utf8 is 1 for iTXt (UTF-8), 0 for tEXt/zTXt (Latin-1),
   and the strings are owned by the cpng_texts. For writing: key is Latin-1, text UTF-8,
   both NUL-terminated, and each entry is written as an uncompressed iTXt chunk. */
typedef struct cpng_text_entry {
    const char *key;
    size_t key_length;
    const char *text;
    size_t text_length;
    int is_utf8;
} cpng_text_entry;

/* The text chunks of a file, in file order. Free with cpng_texts_free. */
typedef struct cpng_texts {
    cpng_text_entry *entries;
    int count;
} cpng_texts;

/* What IHDR says, and how rows are delivered once expanded to RGBA. */
typedef struct cpng_header {
    uint32_t width;
    uint32_t height;
    /* 8: rows hold uint8_t samples; 16: uint16_t in host byte order. */
    int bit_depth;
    /* 1 when the file has an alpha channel or a tRNS chunk; otherwise alpha is opaque. */
    int has_alpha;
    /* 1 for Adam7: rows then come pass by pass, each covering every dx-th pixel. */
    int interlaced;
    /* Bytes of the buffer cpng_reader_next_row needs (one full-width RGBA row). */
    size_t row_bytes;
} cpng_header;

/* Where the pixels of one delivered row go: row y, pixels x0, x0 + dx, ... (count of them);
   the row buffer holds them packed, RGBA interleaved. count == 0 means no rows are left. */
typedef struct cpng_row {
    uint32_t y;
    uint32_t x0;
    uint32_t dx;
    uint32_t count;
} cpng_row;

/* An open PNG being read row by row. */
typedef struct cpng_reader cpng_reader;

/* Opens path, checks every chunk length and the pixel budget, and reads the header.
   On success *out is a reader to close with cpng_reader_close; on CPNG_ERR_TOO_LARGE
   header->width and height hold the declared size. */
int cpng_reader_open(const char *path, const cpng_limits *limits, cpng_reader **out,
                     cpng_header *header, cpng_status *status);

/* Decodes the next row into buffer (at least header.row_bytes bytes) and says where it
   goes; row->count == 0 once every row was delivered. */
int cpng_reader_next_row(cpng_reader *reader, void *buffer, size_t buffer_size, cpng_row *row,
                         cpng_status *status);

/* After the last row: reads the chunks after the image data and copies every text chunk
   of the file into *texts (zeroed first; free it with cpng_texts_free). */
int cpng_reader_finish(cpng_reader *reader, cpng_texts *texts, cpng_status *status);

/* Closes the file and frees libpng's state. Safe on NULL. */
void cpng_reader_close(cpng_reader *reader);

/* Reads only the text chunks of path (wherever they are) and its header, decoding no pixel
   data and applying no pixel budget: libpng is fed the chunks before the image data, the
   text chunks after it, and stops at the first IDAT. */
int cpng_read_text(const char *path, const cpng_limits *limits, cpng_texts *texts,
                   cpng_header *header, cpng_status *status);

/* Frees what cpng_reader_finish or cpng_read_text copied and zeroes *texts. */
void cpng_texts_free(cpng_texts *texts);

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
