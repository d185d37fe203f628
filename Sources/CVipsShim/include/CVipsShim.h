// Non-variadic wrappers of the libvips calls briefing makes: Swift cannot call C variadic functions.
// Only Sources/BriefingKit/Images/ImageProcessor.swift uses them.
#ifndef BRIEFING_VIPS_SHIM_H
#define BRIEFING_VIPS_SHIM_H

#include <vips/vips.h>

/// VIPS_INIT: once, before any thread uses libvips.
int briefing_vips_init(const char *argv0);

/// The file's header only (no pixel is decoded); fails on any decoder error, not just on fatal ones.
VipsImage *briefing_vips_open_header(const char *path);

/// Decodes `path` shrunk (never enlarged) to fit `width` × `height`, with shrink-on-load, the EXIF orientation applied
/// and any embedded colour profile converted to sRGB; fails on any decoder error.
int briefing_vips_thumbnail(const char *path, VipsImage **out, int width, int height);

/// `in` shrunk to fit `width` × `height` (never enlarged).
int briefing_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height);

/// `in` scaled by `scale`.
int briefing_vips_resize(VipsImage *in, VipsImage **out, double scale);

/// `in` as 8-bit sRGB (from CMYK, 16-bit, greyscale or another space), alpha kept.
int briefing_vips_to_srgb8(VipsImage *in, VipsImage **out);

/// `in` with every metadata item removed (EXIF, XMP, IPTC, ICC profile, comments, everything but the header's
/// size and format): savers' `strip` is not enough on its own, bookworm's WebP saver wrote EXIF, XMP and ICC anyway.
int briefing_vips_without_metadata(VipsImage *in, VipsImage **out);

/// `in` without alpha, over white.
int briefing_vips_flatten_white(VipsImage *in, VipsImage **out);

int briefing_vips_extract(VipsImage *in, VipsImage **out, int left, int top, int width, int height);

/// Saves with every metadata field (EXIF, XMP, IPTC, ICC, comments) left out.
int briefing_vips_save_jpeg(VipsImage *in, const char *path, int quality);
int briefing_vips_save_webp(VipsImage *in, const char *path, int quality);
int briefing_vips_save_avif(VipsImage *in, const char *path, int quality);

/// The loader that read the header ("jpegload", "pngload", ...), or NULL.
const char *briefing_vips_loader(VipsImage *image);

#endif
