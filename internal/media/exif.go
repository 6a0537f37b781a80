package media

import (
	"bytes"
	"encoding/binary"
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG file, or 1
// when there is none or it cannot be read. It walks the marker segments up
// to the first scan and reads only IFD0 of an "Exif" APP1 segment: a tiny
// bounds-checked parser instead of a dependency, since orientation is the
// only tag we use (everything else is dropped on re-encode).
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return 1 // not at a marker: corrupt, give up
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte before a marker
			i++
			continue
		case m == 0x01 || m >= 0xD0 && m <= 0xD7: // standalone markers
			i += 2
			continue
		case m == 0xD9 || m == 0xDA: // EOI, SOS: no metadata after this
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure (the body
// of an EXIF segment). Out-of-range values count as 1.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[off:]))
	const entrySize = 12
	for k := int64(0); k < count; k++ {
		e := off + 2 + k*entrySize
		if e+entrySize > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// SHORT (3), count 1: the value sits in the first two bytes of
		// the value field. Some writers use LONG (4); accept that too.
		var v uint32
		switch typ, n := bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:]); {
		case typ == 3 && n == 1:
			v = uint32(bo.Uint16(t[e+8:]))
		case typ == 4 && n == 1:
			v = bo.Uint32(t[e+8:])
		default:
			return 1
		}
		if v < 1 || v > 8 {
			return 1
		}
		return int(v)
	}
	return 1
}
