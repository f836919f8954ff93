"""Images made in memory for the upload tests, and readers that list what a stored file really contains."""

import io
import struct
import zlib

from PIL import Image, ImageCms


def image_bytes(fmt: str = "PNG", size=(40, 30), mode: str = "RGB", color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def jpeg_with_metadata(size=(40, 20), orientation: int | None = None) -> bytes:
    """A JPEG carrying EXIF (with a script in the description), an XMP packet, a comment and an ICC profile."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = image.getexif()
    exif[0x010E] = "<script>alert('exif')</script>"  # ImageDescription
    exif[0x0131] = "EvilCam"  # Software
    if orientation:
        exif[0x0112] = orientation
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>XMP-SECRET</rdf:Description></rdf:RDF></x:xmpmeta>'
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, icc_profile=icc, comment=b"<script>alert('comment')</script>", xmp=xmp)
    return buffer.getvalue()


def png_with_text_chunks() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", '"><script>alert(1)</script>')
    info.add_text("profile", "/etc/passwd")
    info.add_itxt("XML:com.adobe.xmp", "XMP-SECRET")
    buffer = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 255, 0, 128)).save(buffer, format="PNG", pnginfo=info, exif=b"Exif\x00\x00II*\x00")
    return buffer.getvalue()


def animated_gif(frames: int = 3, size=(20, 20), fmt: str = "GIF") -> bytes:
    """An animation (GIF, APNG or WebP) carrying a comment or EXIF with a script in it."""
    images = [Image.new("RGB", size, (40 * i, 100, 200 - 40 * i)) for i in range(frames)]
    buffer = io.BytesIO()
    payload = b"<script>gif comment</script>"
    extra = {"comment": payload} if fmt == "GIF" else {"exif": b"Exif\x00\x00" + payload}
    images[0].save(buffer, format=fmt, save_all=True, append_images=images[1:], duration=120, loop=0, **extra)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (a decompression bomb's header)."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def png_chunks(data: bytes) -> list[str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        chunks.append(data[at + 4 : at + 8].decode("latin-1"))
        at += 12 + length
    return chunks


def jpeg_markers(data: bytes) -> list[str]:
    """The marker segments before the image data: e.g. ['SOI', 'APP0', 'DQT', 'SOF0', 'DHT', 'SOS']."""
    names = {0xD8: "SOI", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT", 0xFE: "COM", 0xDD: "DRI"}
    markers, at = [], 0
    while at < len(data) - 1:
        assert data[at] == 0xFF, f"not a marker at {at}"
        code = data[at + 1]
        if code == 0xFF:
            at += 1
            continue
        if 0xE0 <= code <= 0xEF:
            name = f"APP{code - 0xE0}"
        elif 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
            name = f"SOF{code - 0xC0}"
        else:
            name = names.get(code, hex(code))
        markers.append(name)
        if code == 0xD8:
            at += 2
            continue
        if code == 0xDA:
            break
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return markers


def metadata_of(data: bytes) -> dict:
    """What Pillow finds besides pixels in a stored file."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return {
            "format": image.format,
            "size": image.size,
            "info": {
                k: v
                for k, v in image.info.items()
                if k
                not in (
                    "jfif",
                    "jfif_version",
                    "jfif_unit",
                    "jfif_density",
                    "dpi",
                    "duration",
                    "loop",
                    "background",
                    "version",
                    "transparency",
                    "timestamp",
                )
            },
            "exif": dict(image.getexif()),
            "text": dict(getattr(image, "text", {}) or {}),
            "frames": getattr(image, "n_frames", 1),
        }
