#ifndef CPNG_H
#define CPNG_H
/* Placeholder header; the ImageIO work fills this shim in. */
#include <png.h>
#endif
