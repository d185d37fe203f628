#include "CVipsShim.h"
#include <string.h>

/// Whether `name` is one of the header's own fields rather than metadata.
static int vips_field_is_basic(const char *name) {
    static const char *basic[] = {"width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset",
                                  "xres", "yres", "filename", "mode", "scale", "offset", NULL};
    for (int i = 0; basic[i]; i++) {
        if (strcmp(name, basic[i]) == 0) return 1;
    }
    return 0;
}

int briefing_vips_init(const char *argv0) {
    return VIPS_INIT(argv0);
}

VipsImage *briefing_vips_open_header(const char *path) {
    return vips_image_new_from_file(path, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
}

int briefing_vips_thumbnail(const char *path, VipsImage **out, int width, int height) {
    return vips_thumbnail(path, out, width, "height", height, "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
                          "export_profile", "srgb", NULL);
}

int briefing_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height) {
    return vips_thumbnail_image(in, out, width, "height", height, "size", VIPS_SIZE_DOWN, NULL);
}

int briefing_vips_resize(VipsImage *in, VipsImage **out, double scale) {
    return vips_resize(in, out, scale, NULL);
}

int briefing_vips_to_srgb8(VipsImage *in, VipsImage **out) {
    VipsImage *converted = NULL;
    if (vips_colourspace(in, &converted, VIPS_INTERPRETATION_sRGB, NULL)) return -1;
    int result = vips_cast(converted, out, VIPS_FORMAT_UCHAR, NULL);
    g_object_unref(converted);
    return result;
}

int briefing_vips_without_metadata(VipsImage *in, VipsImage **out) {
    if (vips_copy(in, out, NULL)) return -1;
    gchar **fields = vips_image_get_fields(*out);
    for (int i = 0; fields[i]; i++) {
        // The header's own fields (width, bands, format, ...) are not metadata and cannot be removed.
        if (vips_image_get_typeof(*out, fields[i]) && !vips_field_is_basic(fields[i])) vips_image_remove(*out, fields[i]);
    }
    g_strfreev(fields);
    return 0;
}

int briefing_vips_flatten_white(VipsImage *in, VipsImage **out) {
    if (!vips_image_hasalpha(in)) return vips_copy(in, out, NULL);
    double white[3] = {255, 255, 255};
    VipsArrayDouble *background = vips_array_double_new(white, 3);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

int briefing_vips_extract(VipsImage *in, VipsImage **out, int left, int top, int width, int height) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}

int briefing_vips_save_jpeg(VipsImage *in, const char *path, int quality) {
    return vips_jpegsave(in, path, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, "interlace", TRUE, NULL);
}

int briefing_vips_save_webp(VipsImage *in, const char *path, int quality) {
    return vips_webpsave(in, path, "Q", quality, "strip", TRUE, NULL);
}

int briefing_vips_save_avif(VipsImage *in, const char *path, int quality) {
    return vips_heifsave(in, path, "Q", quality, "strip", TRUE, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, NULL);
}

const char *briefing_vips_loader(VipsImage *image) {
    const char *loader = NULL;
    if (vips_image_get_typeof(image, VIPS_META_LOADER) && !vips_image_get_string(image, VIPS_META_LOADER, &loader)) return loader;
    return NULL;
}
