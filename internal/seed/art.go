package seed

// The demo catalog needs photos but the project ships no binary assets, so
// each product gets stylised "studio shots" drawn from its Art description.
// Everything is deterministic (seeded from the product slug) so reseeding
// produces byte-identical images and stable object keys.

import (
	"hash/fnv"
	"image"
	"image/color"
	"math/rand/v2"
	"sync"
)

// Photo size in pixels: 4:3, large enough for a zoomed product page.
const (
	photoW = 1600
	photoH = 1200
)

// PhotoImages returns the 2-3 source images for a product (different
// angles/compositions), each 1600×1200 RGBA, deterministic. Shoes and
// featured products get a third composition.
func PhotoImages(p Product) []image.Image {
	return renderPhotos(p, photoCount(p), photoW, photoH)
}

func photoCount(p Product) int {
	if p.Featured || p.Category == "shoes" {
		return 3
	}
	return 2
}

// renderPhotos draws n compositions at any size; tests use small ones.
func renderPhotos(p Product, n, w, h int) []image.Image {
	hash := fnv.New64a()
	hash.Write([]byte(p.Slug))
	seed := hash.Sum64()
	out := make([]image.Image, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() { out[i] = drawPhoto(p.Art, seed, i, w, h) })
	}
	wg.Wait()
	return out
}

// palette names the roles of Art.Palette: the main material, a second one
// (sole, lining, trim, pattern), an accent (laces, stitching) and an extra
// pattern colour. Missing entries are derived from the main colour.
type palette struct{ main, second, accent, extra color.RGBA }

func newPalette(cs []color.RGBA) palette {
	get := func(i int, def color.RGBA) color.RGBA {
		if i < len(cs) {
			return cs[i]
		}
		return def
	}
	main := get(0, color.RGBA{150, 110, 80, 255})
	p := palette{main: main}
	p.second = get(1, shade(main, 0.55))
	p.accent = get(2, mix(main, color.RGBA{245, 240, 230, 255}, 0.7))
	p.extra = get(3, mix(p.second, p.accent, 0.5))
	return p
}

func (p palette) darker(f float64) palette {
	return palette{shade(p.main, f), shade(p.second, f), shade(p.accent, f), shade(p.extra, f)}
}

// drawPhoto renders composition comp: 0 is the hero shot, 1 a closer,
// mirrored detail shot, 2 a pair/group or the object on a plinth.
func drawPhoto(a Art, seed uint64, comp, width, height int) *image.RGBA {
	spec, _ := specFor(a.Kind)
	pal := newPalette(a.Palette)
	bounds := image.Rect(0, 0, width, height)
	w, h := float64(width), float64(height)
	// The random stream depends on the product only, so every composition
	// shows the same flour specks and the same model details.
	s := &scene{img: image.NewRGBA(bounds), v: seed, rng: rand.New(rand.NewPCG(seed, 1))}
	bg := image.NewRGBA(bounds)
	bd := pickBackdrop(seed, comp, pal.main)

	fit := min(w*0.6/spec.w, h*0.58/spec.h)
	cx, cy := w/2, h*0.53
	k, flip, rot := fit, 1.0, spec.rot
	switch comp {
	case 1:
		k, flip = fit*1.45, -1
		cx += spec.w * k * 0.1
	case 2:
		if spec.flat {
			k, rot = fit*0.9, rot+0.1
		} else {
			k = fit * 0.8
		}
	}
	gy := cy + spec.h*k/2 // ground line for standing objects
	if spec.flat {
		paintBackdrop(bg, bd, -1, seed)
		s.place(k, cx, cy+spec.h*k/2, flip, rot, spec.h)
		spec.draw(s, pal)
		s.composite(bg, true)
		return bg
	}

	switch {
	case comp == 2 && spec.pair:
		paintBackdrop(bg, bd, gy-spec.h*k*0.45, seed)
		s.place(k*0.93, cx-spec.w*k*0.16, gy-k*spec.w*0.07, 1, 0, 0)
		spec.draw(s, pal.darker(0.86))
		s.groundShadow(spec.w)
		s.place(k, cx+spec.w*k*0.12, gy+k*spec.w*0.04, 1, 0, 0)
	case comp == 2:
		top := gy - spec.h*k*0.1
		paintBackdrop(bg, bd, top-spec.h*k*0.5, seed)
		s.plinth(bg, cx, top, spec.w*k*0.72, bd)
		gy = top - spec.w*k*0.72*0.11 // middle of the plinth's top face
		s.place(k, cx, gy, 1, 0, 0)
	default:
		paintBackdrop(bg, bd, gy-spec.h*k*0.4, seed)
		s.place(k, cx, gy, flip, 0, 0)
	}
	spec.draw(s, pal)
	s.groundShadow(spec.w)
	s.composite(bg, false)
	return bg
}

// kindSpec describes how to frame and draw one Art.Kind. Objects are drawn
// in their own units: x in [-w/2, w/2], y in [-h, 0], ground (or hem) at 0.
type kindSpec struct {
	w, h float64
	flat bool    // photographed lying down: drop shadow, no horizon
	pair bool    // composition 2 shows two of them
	rot  float64 // base rotation for flat objects, radians
	draw func(s *scene, p palette)
}

// specFor returns the drawing for kind; unknown kinds get a gift box and
// false, so a typo in the data shows up in tests rather than as a crash.
func specFor(kind string) (kindSpec, bool) {
	foot := func(h float64) (kindSpec, bool) {
		return kindSpec{w: 2.2, h: h, pair: true, draw: func(s *scene, p palette) { drawFootwear(s, p, kind) }}, true
	}
	garment := func(w, h float64) (kindSpec, bool) {
		return kindSpec{w: w, h: h, flat: true, draw: func(s *scene, p palette) { drawGarment(s, p, kind) }}, true
	}
	var spec kindSpec
	switch kind {
	case "shoe", "loafer", "flat", "sneaker", "espadrille":
		return foot(0.85)
	case "sandal":
		return foot(0.7)
	case "boot":
		return foot(1.35)
	case "shirt", "guayabera", "tshirt", "tee", "jacket", "hoodie":
		return garment(2.3, 1.85)
	case "dress", "apron":
		return garment(1.9, 2.2)
	case "pants":
		return garment(1.3, 2.2)
	case "cap":
		spec = kindSpec{w: 2.1, h: 0.85, draw: drawCap}
	case "bag", "tote":
		spec = kindSpec{w: 1.8, h: 1.75, draw: func(s *scene, p palette) { drawBag(s, p, kind == "tote") }}
	case "mochila":
		spec = kindSpec{w: 1.8, h: 2.4, draw: drawMochila}
	case "backpack":
		spec = kindSpec{w: 1.4, h: 1.9, draw: drawBackpack}
	case "wallet", "cardholder":
		spec = kindSpec{w: 1.9, h: 1.15, flat: true, rot: -0.12, draw: func(s *scene, p palette) { drawWallet(s, p, kind == "cardholder") }}
	case "belt":
		spec = kindSpec{w: 2.6, h: 0.5, flat: true, rot: -0.3, draw: drawBelt}
	case "bowl":
		spec = kindSpec{w: 2.1, h: 1.0, pair: true, draw: drawBowl}
	case "basket":
		spec = kindSpec{w: 2.3, h: 1.55, draw: drawBasket}
	case "cushion":
		spec = kindSpec{w: 2.0, h: 1.85, draw: drawCushion}
	case "candle":
		spec = kindSpec{w: 1.0, h: 1.6, pair: true, draw: drawCandle}
	case "bread":
		spec = kindSpec{w: 2.2, h: 0.85, pair: true, draw: drawBread}
	case "cookies":
		spec = kindSpec{w: 1.3, h: 0.75, pair: true, draw: drawCookies}
	case "jar":
		spec = kindSpec{w: 1.05, h: 1.4, pair: true, draw: drawJar}
	default:
		return kindSpec{w: 1.6, h: 1.2, draw: drawBox}, false
	}
	return spec, true
}

// knownKind reports whether specFor has a dedicated drawing for kind.
func knownKind(kind string) bool {
	_, ok := specFor(kind)
	return ok
}

func rgb(h uint32) color.RGBA { return color.RGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 255} }

func rgbF(c color.RGBA) [3]float64 { return [3]float64{float64(c.R), float64(c.G), float64(c.B)} }

func shade(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{clamp8(float64(c.R) * f), clamp8(float64(c.G) * f), clamp8(float64(c.B) * f), c.A}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(p, q uint8) uint8 { return clamp8(float64(p)*(1-t) + float64(q)*t) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), m(a.A, b.A)}
}

func alpha(c color.RGBA, a float64) color.RGBA { c.A = clamp8(a * 255); return c }

func luma(c color.RGBA) float64 {
	return (0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)) / 255
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 254.5:
		return 255
	}
	return uint8(v + 0.5)
}

func smoothstep(e0, e1, x float64) float64 {
	t := max(0, min(1, (x-e0)/(e1-e0)))
	return t * t * (3 - 2*t)
}
