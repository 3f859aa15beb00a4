// zlib, for reading and writing gzip-compressed files (MNIST's .gz IDX files).
#include <zlib.h>
