package seed

// The demo catalog needs photos but the project ships no binary assets, so
// each product gets stylised "studio shots" drawn from its Art description.
// Everything is deterministic (seeded from the product slug) so reseeding
// produces byte-identical images and stable object keys.

import (
	"hash/fnv"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sync"

	"golang.org/x/image/vector"
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

// knownKind reports whether art.go has a dedicated drawing for kind.
func knownKind(kind string) bool {
	_, ok := specFor(kind)
	return ok
}

// scene is one photo being drawn: objects go onto a transparent layer that
// composite later lays, with its shadows, over the backdrop.
type scene struct {
	img     *image.RGBA
	m, inv  xf
	k       float64         // pixels per object unit
	used    image.Rectangle // layer area touched so far
	shadows []ellipse       // ground contact shadows, in pixels
	v       uint64          // product hash: picks model details that must not change between compositions
	rng     *rand.Rand
}

type pt struct{ x, y float64 }

type ellipse struct{ cx, cy, rx, ry float64 }

// xf is an affine map: x' = a·x + b·y + c, y' = d·x + e·y + f.
type xf struct{ a, b, c, d, e, f float64 }

func (m xf) apply(x, y float64) pt { return pt{m.a*x + m.b*y + m.c, m.d*x + m.e*y + m.f} }

func (m xf) invert() xf {
	det := m.a*m.e - m.b*m.d
	a, b, d, e := m.e/det, -m.b/det, -m.d/det, m.a/det
	return xf{a, b, -(a*m.c + b*m.f), d, e, -(d*m.c + e*m.f)}
}

// place maps object units to pixels: object point (0, -pivot) lands on
// (ox, oy - pivot·k), mirrored when flip < 0 and rotated by rot about it.
func (s *scene) place(k, ox, oy, flip, rot, pivot float64) {
	sn, cs := math.Sincos(rot)
	s.k = k
	s.m = xf{k * flip * cs, -k * sn, ox - k*pivot*sn, k * flip * sn, k * cs, oy - pivot*k + k*pivot*cs}
	s.inv = s.m.invert()
}

// path is a flattened outline in pixels, built from object-unit commands.
type path struct {
	m    xf
	subs [][]pt
}

func (s *scene) P() *path { return &path{m: s.m} }

func (p *path) M(x, y float64) *path { p.subs = append(p.subs, []pt{p.m.apply(x, y)}); return p }

func (p *path) last() pt { sp := p.subs[len(p.subs)-1]; return sp[len(sp)-1] }

func (p *path) add(q pt) { p.subs[len(p.subs)-1] = append(p.subs[len(p.subs)-1], q) }

func (p *path) L(x, y float64) *path { p.add(p.m.apply(x, y)); return p }

// Z closes the subpath explicitly so that strokes draw the closing edge.
func (p *path) Z() *path { p.add(p.subs[len(p.subs)-1][0]); return p }

// Q draws a cubic with both controls at (x1, y1): a slightly fuller curve
// than a true quadratic, which suits the rounded shapes drawn here.
func (p *path) Q(x1, y1, x, y float64) *path { return p.C(x1, y1, x1, y1, x, y) }

func (p *path) C(x1, y1, x2, y2, x, y float64) *path {
	a, b, c, d := p.last(), p.m.apply(x1, y1), p.m.apply(x2, y2), p.m.apply(x, y)
	n := int((dist(a, b) + dist(b, c) + dist(c, d)) / 8)
	n = max(4, min(n, 48))
	for i := 1; i <= n; i++ {
		p.add(bez(a, b, c, d, float64(i)/float64(n)))
	}
	return p
}

// Ell adds an ellipse made of four cubic arcs.
func (p *path) Ell(cx, cy, rx, ry float64) *path {
	const k = 0.5523
	p.M(cx+rx, cy)
	p.C(cx+rx, cy+ry*k, cx+rx*k, cy+ry, cx, cy+ry)
	p.C(cx-rx*k, cy+ry, cx-rx, cy+ry*k, cx-rx, cy)
	p.C(cx-rx, cy-ry*k, cx-rx*k, cy-ry, cx, cy-ry)
	return p.C(cx+rx*k, cy-ry, cx+rx, cy-ry*k, cx+rx, cy)
}

// RR adds a rounded rectangle.
func (p *path) RR(x0, y0, x1, y1, r float64) *path {
	p.M(x0+r, y0).L(x1-r, y0).Q(x1, y0, x1, y0+r).L(x1, y1-r).Q(x1, y1, x1-r, y1)
	return p.L(x0+r, y1).Q(x0, y1, x0, y1-r).L(x0, y0+r).Q(x0, y0, x0+r, y0).Z()
}

// Sym adds a shape symmetric about x = 0 from its right half, listed from
// the top centre clockwise to the bottom centre.
func (p *path) Sym(half ...float64) *path {
	p.M(half[0], half[1])
	for i := 2; i < len(half); i += 2 {
		p.L(half[i], half[i+1])
	}
	for i := len(half) - 2; i >= 0; i -= 2 {
		p.L(-half[i], half[i+1])
	}
	return p.Z()
}

func bez(a, b, c, d pt, t float64) pt {
	u := 1 - t
	w0, w1, w2, w3 := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return pt{w0*a.x + w1*b.x + w2*c.x + w3*d.x, w0*a.y + w1*b.y + w2*c.y + w3*d.y}
}

func dist(a, b pt) float64 { return math.Hypot(b.x-a.x, b.y-a.y) }

func (p *path) bounds() image.Rectangle {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, sp := range p.subs {
		for _, q := range sp {
			x0, y0, x1, y1 = min(x0, q.x), min(y0, q.y), max(x1, q.x), max(y1, q.y)
		}
	}
	if x0 > x1 {
		return image.Rectangle{}
	}
	return image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1)
}

// light selects how a fill is shaded: the key light is always top left.
type light int

const (
	flatLit  light = iota // no shading
	diagLit               // planar surface, brighter towards the light
	roundLit              // cylinder-like: highlight left of centre, darker edges
	domeLit               // sphere-like: highlight near the top left
)

func lightAt(l light, u, v float64) float64 {
	switch l {
	case diagLit:
		return 1.1 - 0.3*(0.55*u+0.45*v)
	case roundLit:
		d := (u - 0.36) * 1.6
		return 0.72 + 0.42*max(0, 1-d*d) - 0.08*v
	case domeLit:
		dx, dy := (u-0.38)*1.5, (v-0.3)*1.5
		return 0.7 + 0.45*max(0, 1-dx*dx-dy*dy)
	}
	return 1
}

// fill paints p with colour c under light l.
func (s *scene) fill(p *path, l light, c color.RGBA) {
	s.fillPat(p, l, func(float64, float64) color.RGBA { return c })
}

// fillPat paints p with a pattern given in object units, under light l.
func (s *scene) fillPat(p *path, l light, pat func(x, y float64) color.RGBA) {
	bb := p.bounds()
	m, r := s.coverage(p, bb)
	if m == nil {
		return
	}
	s.used = s.used.Union(r)
	fw, fh := float64(bb.Dx()), float64(bb.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := m.Pix[(y-r.Min.Y)*m.Stride:]
		v := (float64(y) - float64(bb.Min.Y)) / fh
		for x := r.Min.X; x < r.Max.X; x++ {
			a := row[x-r.Min.X]
			if a == 0 {
				continue
			}
			o := s.inv.apply(float64(x)+0.5, float64(y)+0.5)
			c := pat(o.x, o.y)
			if l != flatLit {
				c = shade(c, lightAt(l, (float64(x)-float64(bb.Min.X))/fw, v))
			}
			blend(s.img, x, y, c, a)
		}
	}
}

// coverage rasterises p (clipped to the photo) into an anti-aliased mask.
func (s *scene) coverage(p *path, bb image.Rectangle) (*image.Alpha, image.Rectangle) {
	r := bb.Intersect(s.img.Bounds())
	if r.Empty() {
		return nil, r
	}
	z := vector.NewRasterizer(r.Dx(), r.Dy())
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	for _, sp := range p.subs {
		z.MoveTo(float32(sp[0].x-ox), float32(sp[0].y-oy))
		for _, q := range sp[1:] {
			z.LineTo(float32(q.x-ox), float32(q.y-oy))
		}
		z.ClosePath()
	}
	m := image.NewAlpha(image.Rect(0, 0, r.Dx(), r.Dy()))
	z.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	return m, r
}

// blend lays straight-alpha colour c with coverage a over premultiplied dst.
func blend(img *image.RGBA, x, y int, c color.RGBA, a uint8) {
	sa := uint32(a) * uint32(c.A) / 255
	if sa == 0 {
		return
	}
	i := img.PixOffset(x, y)
	px := img.Pix[i : i+4 : i+4]
	inv := 255 - sa
	px[0] = uint8((uint32(c.R)*sa + uint32(px[0])*inv) / 255)
	px[1] = uint8((uint32(c.G)*sa + uint32(px[1])*inv) / 255)
	px[2] = uint8((uint32(c.B)*sa + uint32(px[2])*inv) / 255)
	px[3] = uint8(sa + uint32(px[3])*inv/255)
}

// stroke draws the polylines of p as bands w object units wide; with
// dash > 0 it draws stitches dash units long separated by equal gaps.
func (s *scene) stroke(p *path, w, dash float64, c color.RGBA) {
	hw, dl := w*s.k/2, dash*s.k
	q := &path{}
	band := func(a, b pt, ext float64) {
		l := dist(a, b)
		if l < 1e-6 {
			return
		}
		ux, uy := (b.x-a.x)/l, (b.y-a.y)/l
		nx, ny := -uy*hw, ux*hw
		a = pt{a.x - ux*ext, a.y - uy*ext}
		b = pt{b.x + ux*ext, b.y + uy*ext}
		q.subs = append(q.subs, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
	}
	for _, sp := range p.subs {
		if dash <= 0 {
			for i := 1; i < len(sp); i++ {
				band(sp[i-1], sp[i], hw*0.9)
			}
			continue
		}
		on, left := true, dl // current dash phase and the length left in it
		for i := 1; i < len(sp); i++ {
			a, b := sp[i-1], sp[i]
			l := dist(a, b)
			for t := 0.0; l-t > 1e-6; {
				step := min(left, l-t)
				if on {
					band(lerp(a, b, t/l), lerp(a, b, (t+step)/l), 0)
				}
				t += step
				if left -= step; left <= 1e-6 {
					on, left = !on, dl
				}
			}
		}
	}
	s.fill(q, flatLit, c)
}

func lerp(a, b pt, t float64) pt { return pt{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t} }

// groundShadow records a soft contact shadow under the current object.
func (s *scene) groundShadow(w float64) {
	c := s.m.apply(0, 0)
	s.shadows = append(s.shadows, ellipse{c.x, c.y, w * s.k * 0.5, w * s.k * 0.05})
}

// plinth draws a display block onto the backdrop; its top face is at top.
func (s *scene) plinth(bg *image.RGBA, cx, top, hw float64, bd backdrop) {
	layer, used := s.img, s.used
	s.img = bg
	s.place(1, 0, 0, 1, 0, 0)
	base := mix(bd.floor, bd.wall, 0.5)
	depth := hw * 0.22
	s.fill(s.P().M(cx-hw, top).L(cx+hw, top).L(cx+hw*0.9, top-depth).L(cx-hw*0.9, top-depth).Z(), diagLit, shade(base, 1.08))
	s.fill(s.P().M(cx-hw, top).L(cx+hw, top).L(cx+hw, float64(bg.Rect.Max.Y+10)).L(cx-hw, float64(bg.Rect.Max.Y+10)).Z(), roundLit, shade(base, 0.9))
	s.img, s.used = layer, used
}

// backdrop is a studio sweep: a wall colour curving into a floor colour.
type backdrop struct{ wall, floor color.RGBA }

func pickBackdrop(seed uint64, comp int, main color.RGBA) backdrop {
	list := []backdrop{
		{rgb(0xf3ede3), rgb(0xe4d9c7)}, // cream
		{rgb(0xe9dccb), rgb(0xd8c4ab)}, // sand
		{rgb(0xdfe6d9), rgb(0xc7d2bd)}, // sage
		{rgb(0xdde5eb), rgb(0xc5d1da)}, // mist blue
		{rgb(0xf1e2db), rgb(0xe0c8bd)}, // blush
		{rgb(0xe6e4e0), rgb(0xcfccc6)}, // stone
		{rgb(0xeed3bf), rgb(0xdcb79c)}, // terracotta
	}
	b := list[(seed/7+uint64(comp)*3)%uint64(len(list))]
	lm := luma(main)
	if math.Abs(luma(b.wall)-lm) < 0.16 {
		if lm > 0.55 {
			return backdrop{rgb(0x4f4a45), rgb(0x3b3733)} // charcoal for light objects
		}
		return list[0]
	}
	return b
}

// paintBackdrop fills bg with the sweep; horizon < 0 means a flat surface
// seen from above (for flat lays). It touches every pixel of every photo,
// so the inner loop is integer-only.
func paintBackdrop(bg *image.RGBA, bd backdrop, horizon float64, seed uint64) {
	width, height := bg.Rect.Dx(), bg.Rect.Dy()
	w, h := float64(width), float64(height)
	cx, cy := w*0.45, h*0.42
	col := make([]int32, width) // vignette term per column, 1/4096 units
	for x := range col {
		vx := (float64(x) - cx) / w
		col[x] = int32(4096 * 0.4 * vx * vx)
	}
	for y := range height {
		fy := float64(y)
		var base [3]float64
		if horizon < 0 {
			base = rgbF(mix(bd.wall, bd.floor, 0.25))
		} else {
			t := smoothstep(horizon-h*0.1, horizon+h*0.12, fy)
			wall := rgbF(shade(bd.wall, 0.93+0.07*min(1, fy/max(horizon, 1))))
			floor := rgbF(shade(bd.floor, 1.03-0.07*(fy-horizon)/(h-horizon)))
			for i := range base {
				base[i] = wall[i]*(1-t) + floor[i]*t
			}
		}
		vy := (fy - cy) / h
		frow := int32(4096 * (1.04 - 0.5*vy*vy))
		b0, b1, b2 := int32(base[0]), int32(base[1]), int32(base[2])
		row := bg.Pix[y*bg.Stride : y*bg.Stride+width*4 : y*bg.Stride+width*4]
		for x := range width {
			f := frow - col[x]
			n := grain(x, y, seed)
			px := row[x*4 : x*4+4 : x*4+4]
			px[0] = clampI(b0*f>>12 + n)
			px[1] = clampI(b1*f>>12 + n)
			px[2] = clampI(b2*f>>12 + n)
			px[3] = 255
		}
	}
}

func clampI(v int32) uint8 {
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return uint8(v)
}

// grain is cheap deterministic noise in [-2, 2] that keeps large
// gradients from banding.
func grain(x, y int, seed uint64) int32 {
	h := uint32(x)*0x9e3779b1 ^ uint32(y)*0x85ebca77 ^ uint32(seed)
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	return int32(h%5) - 2
}

// composite lays the object layer and its shadows over the backdrop.
func (s *scene) composite(bg *image.RGBA, flat bool) {
	for _, e := range s.shadows {
		contactShadow(bg, e)
	}
	if flat {
		s.dropShadow(bg, s.k*0.035, s.k*0.05, s.k*0.05, 0.38)
	} else {
		s.dropShadow(bg, s.k*0.02, s.k*0.01, s.k*0.06, 0.16)
	}
	r := s.used.Intersect(bg.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := s.img.PixOffset(x, y)
			la := uint32(s.img.Pix[i+3])
			if la == 0 {
				continue
			}
			for c := range 3 {
				bg.Pix[i+c] = uint8(uint32(s.img.Pix[i+c]) + uint32(bg.Pix[i+c])*(255-la)/255)
			}
		}
	}
}

func contactShadow(bg *image.RGBA, e ellipse) {
	r := image.Rect(int(e.cx-e.rx*1.5), int(e.cy-e.ry*2.5), int(e.cx+e.rx*1.5), int(e.cy+e.ry*2.5)).Intersect(bg.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		dy := (float64(y) - e.cy) / e.ry
		for x := r.Min.X; x < r.Max.X; x++ {
			dx := (float64(x) - e.cx) / e.rx
			d := dx*dx + dy*dy
			soft := max(0, 1-d/2.2) // reaches zero inside r, so no edge shows
			a := 0.5*math.Exp(-2.2*d) + 0.2*soft*soft
			darken(bg, x, y, a)
		}
	}
}

// dropShadow darkens bg under a blurred, offset copy of the layer's alpha.
// The blur runs at quarter resolution to keep it cheap.
func (s *scene) dropShadow(bg *image.RGBA, dx, dy, radius, strength float64) {
	const f = 4
	pad := int(radius*2.5) + f
	r := s.used.Inset(-pad).Intersect(s.img.Bounds())
	if r.Empty() {
		return
	}
	sw, sh := r.Dx()/f+1, r.Dy()/f+1
	a := make([]float32, sw*sh)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := a[(y-r.Min.Y)/f*sw:]
		for x := r.Min.X; x < r.Max.X; x++ {
			row[(x-r.Min.X)/f] += float32(s.img.Pix[s.img.PixOffset(x, y)+3]) / (f * f * 255)
		}
	}
	rad := max(1, int(radius/f/2))
	for range 2 {
		boxBlur(a, sw, sh, rad, 1, sw)
		boxBlur(a, sh, sw, rad, sw, 1)
	}
	dst := r.Add(image.Pt(int(dx), int(dy))).Intersect(bg.Bounds())
	for y := dst.Min.Y; y < dst.Max.Y; y++ {
		sy := (float64(y)-dy-float64(r.Min.Y))/f - 0.5
		y0 := max(0, min(int(sy), sh-2))
		ty := max(0, min(1, sy-float64(y0)))
		for x := dst.Min.X; x < dst.Max.X; x++ {
			sx := (float64(x)-dx-float64(r.Min.X))/f - 0.5
			x0 := max(0, min(int(sx), sw-2))
			tx := max(0, min(1, sx-float64(x0)))
			i := y0*sw + x0
			v := (float64(a[i])*(1-tx)+float64(a[i+1])*tx)*(1-ty) + (float64(a[i+sw])*(1-tx)+float64(a[i+sw+1])*tx)*ty
			if v > 0.002 {
				darken(bg, x, y, strength*min(v, 1))
			}
		}
	}
}

// boxBlur blurs n lines of length l in place; step moves along a line and
// next to the following line.
func boxBlur(a []float32, l, n, rad, step, next int) {
	tmp := make([]float32, l)
	norm := 1 / float32(2*rad+1)
	for line := range n {
		base := line * next
		var sum float32
		for i := 0; i < rad && i < l; i++ {
			sum += a[base+i*step]
		}
		for i := range l {
			if j := i + rad; j < l {
				sum += a[base+j*step]
			}
			if j := i - rad - 1; j >= 0 {
				sum -= a[base+j*step]
			}
			tmp[i] = sum * norm
		}
		for i := range l {
			a[base+i*step] = tmp[i]
		}
	}
}

func darken(img *image.RGBA, x, y int, a float64) {
	i := img.PixOffset(x, y)
	f := uint32((1 - min(a, 0.9)) * 256)
	if f >= 256 {
		return
	}
	for c := range 3 {
		img.Pix[i+c] = uint8(uint32(img.Pix[i+c]) * f >> 8)
	}
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

// F adds points of an object-space curve f between t0 and t1.
func (p *path) F(f func(t float64) pt, t0, t1 float64) *path {
	const n = 24
	for i := range n + 1 {
		q := f(t0 + (t1-t0)*float64(i)/n)
		if i == 0 && len(p.subs) == 0 {
			p.M(q.x, q.y)
			continue
		}
		p.L(q.x, q.y)
	}
	return p
}

// curve returns a cubic Bézier in object units as a function of t.
func curve(a, b, c, d pt) func(float64) pt { return func(t float64) pt { return bez(a, b, c, d, t) } }

func off(f func(float64) pt, dx, dy float64) func(float64) pt {
	return func(t float64) pt { q := f(t); return pt{q.x + dx, q.y + dy} }
}

// footStyle holds the proportions of a shoe seen from its outer side, heel
// at x = -1 and toe at x = 1.
type footStyle struct {
	sole, heel float64 // sole thickness and extra heel lift
	collar     float64 // height of the back of the collar
	a, b       pt      // front end of the collar; instep where the vamp starts
	toe        float64 // toe height
	laces      int     // eyelets per side (0: slip-on)
}

func footStyleFor(kind string) footStyle {
	switch kind {
	case "boot":
		return footStyle{0.09, 0.08, 1.3, pt{-0.3, -1.32}, pt{0.02, -0.7}, 0.3, 6}
	case "sneaker":
		return footStyle{0.15, 0.02, 0.66, pt{-0.12, -0.74}, pt{-0.12, -0.74}, 0.33, 5}
	case "loafer":
		return footStyle{0.06, 0.06, 0.54, pt{-0.06, -0.6}, pt{-0.06, -0.6}, 0.28, 0}
	case "flat":
		return footStyle{0.04, 0.02, 0.4, pt{0.08, -0.42}, pt{0.08, -0.42}, 0.22, 0}
	case "espadrille":
		return footStyle{0.14, 0, 0.46, pt{0.0, -0.55}, pt{0.0, -0.55}, 0.27, 0}
	}
	return footStyle{0.07, 0.07, 0.6, pt{-0.14, -0.68}, pt{-0.14, -0.68}, 0.28, 5}
}

func drawFootwear(s *scene, p palette, kind string) {
	if kind == "sandal" {
		drawSandal(s, p)
		return
	}
	st := footStyleFor(kind)
	if st.laces > 0 && kind != "boot" {
		st.laces = 4 + int(s.v>>8%3)
	}
	toeCap := kind == "sneaker" || kind == "boot" || kind == "shoe" && s.v&1 == 0
	t, hh := st.sole, st.heel
	top := -t - hh // sole top under the heel
	vamp := curve(st.b, pt{st.b.x + 0.38, st.b.y + 0.1}, pt{0.74, -st.toe - 0.16}, pt{0.99, -st.toe})
	seam := shade(p.main, 0.6)

	up := s.P().M(-0.96, top+0.01)
	up.C(-1.04, top-0.18, -1.0, -st.collar*0.8, -0.9, -st.collar)
	if kind == "boot" {
		up.Q(-0.6, -st.collar-0.03, st.a.x, st.a.y)
		up.C(-0.2, -1.05, -0.06, -0.85, st.b.x, st.b.y)
	} else {
		up.C(-0.7, -st.collar+0.1, -0.45, -st.collar+0.14, st.a.x, st.a.y)
	}
	up.F(vamp, 0, 1).Q(1.09, -st.toe+0.08, 1.05, -t+0.01) // tucked under the sole's toe
	up.L(0.8, -t).L(0.35, -t).C(0.05, -t, -0.2, top, -0.55, top).Z()
	s.fill(up, diagLit, p.main)
	s.stroke(s.P().M(-0.9, -st.collar).C(-0.7, -st.collar+0.1, -0.45, -st.collar+0.14, st.a.x, st.a.y), 0.035, 0, p.second)

	// Heel counter seam, then style details.
	hc := s.P().M(-0.64, -st.collar+0.07).C(-0.54, -st.collar*0.6, -0.62, top-0.1, -0.5, top)
	s.stroke(hc, 0.012, 0, seam)
	s.stroke(s.P().M(-0.6, -st.collar+0.09).C(-0.5, -st.collar*0.6, -0.58, top-0.1, -0.46, top), 0.01, 0.02, p.accent)
	switch kind {
	case "shoe", "boot", "sneaker":
		if !toeCap {
			break
		}
		cap := s.P().F(vamp, 0.66, 1).Q(1.09, -st.toe+0.08, 1.03, -t-0.04).L(0.62, -t).C(0.56, -0.2, 0.58, -0.3, vamp(0.66).x, vamp(0.66).y).Z()
		if kind == "sneaker" {
			s.fill(cap, diagLit, p.second)
			s.fill(s.P().M(-0.6, -0.2).C(-0.2, -0.22, 0.2, -0.32, 0.42, -0.46).C(0.15, -0.3, -0.2, -0.16, -0.55, -0.14).Z(), diagLit, p.accent)
		} else {
			s.stroke(s.P().M(vamp(0.66).x, vamp(0.66).y).C(0.56, -0.3, 0.56, -0.2, 0.62, -t), 0.012, 0, seam)
			s.stroke(s.P().M(vamp(0.62).x, vamp(0.62).y+0.01).C(0.52, -0.3, 0.52, -0.2, 0.58, -t), 0.01, 0.02, p.accent)
		}
	case "loafer":
		s.fill(s.P().F(vamp, 0.08, 0.3).L(0.36, -0.36).Q(0.18, -0.4, 0.02, -0.42).Z(), diagLit, p.second)
		s.fill(s.P().Ell(vamp(0.19).x+0.02, -0.47, 0.07, 0.025), flatLit, shade(p.second, 0.45))
		s.stroke(s.P().F(off(vamp, 0, 0.07), 0.34, 0.92), 0.022, 0.035, p.accent)
	case "flat":
		c := vamp(0.12)
		s.fill(s.P().M(c.x, c.y).L(c.x-0.12, c.y-0.07).L(c.x-0.1, c.y+0.06).Z(), diagLit, p.second)
		s.fill(s.P().M(c.x, c.y).L(c.x+0.13, c.y-0.02).L(c.x+0.09, c.y+0.09).Z(), diagLit, p.second)
		s.fill(s.P().Ell(c.x, c.y+0.005, 0.03, 0.03), diagLit, shade(p.second, 0.8))
	}
	if st.laces > 0 {
		drawLaces(s, p, kind, st, vamp)
	}

	// Sole, heel block and sole stitching drawn last so they overlap the upper.
	sole := s.P().M(-0.98, -hh).L(-0.55, -hh).C(-0.2, -hh, 0.05, 0, 0.35, 0).L(0.82, 0)
	sole.Q(1.09, 0, 1.1, -t-0.06).L(1.03, -t-0.05).Q(1.0, -t, 0.8, -t).L(0.35, -t)
	sole.C(0.05, -t, -0.2, top, -0.55, top).L(-0.99, top).Z()
	if kind == "espadrille" {
		s.fillPat(sole, diagLit, func(x, y float64) color.RGBA {
			row := math.Floor(y / (t / 2))
			d := x*16 + y*40
			if int(row)%2 == 0 {
				d = x*16 - y*40
			}
			return shade(p.second, 0.82+0.3*math.Abs(d-math.Floor(d)-0.5))
		})
		zig := s.P().M(-0.95, top-0.005)
		for x := -0.9; x < 0.98; x += 0.05 {
			y := -t - 0.005 - hh*smoothstep(0.35, -0.55, x)
			if int(math.Round(x*20))%2 == 0 {
				y -= 0.035
			}
			zig.L(x, y)
		}
		s.stroke(zig, 0.012, 0, p.accent)
		return
	}
	s.fill(sole, diagLit, p.second)
	if hh > 0 {
		s.fill(s.P().M(-0.99, 0).L(-0.62, 0).L(-0.59, -hh).L(-0.99, -hh).Z(), diagLit, shade(p.second, 0.75))
	}
	mid := s.P().M(-0.95, -hh-t*0.5).L(-0.55, -hh-t*0.5).C(-0.2, -hh-t*0.5, 0.05, -t*0.5, 0.35, -t*0.5).L(1.0, -t*0.5-0.02)
	if kind == "sneaker" {
		s.stroke(mid, 0.018, 0, p.accent)
	} else {
		s.stroke(mid, 0.01, 0.02, mix(p.second, p.accent, 0.6))
	}
	if kind == "boot" {
		s.stroke(s.P().M(-0.95, -0.015).L(-0.64, -0.015).M(0.3, -0.015).L(0.85, -0.015), 0.03, 0.045, shade(p.second, 0.6))
		s.fill(s.P().M(-0.9, -st.collar).L(-0.93, -st.collar-0.13).L(-0.8, -st.collar-0.13).L(-0.78, -st.collar+0.01).Z(), diagLit, p.second)
	}
}

func drawLaces(s *scene, p palette, kind string, st footStyle, vamp func(float64) pt) {
	var eyelets, tops []pt
	n := st.laces
	for i := range n {
		if kind == "boot" {
			f := curve(st.a, pt{-0.2, -1.05}, pt{-0.06, -0.85}, st.b)
			q := f(0.05 + 0.8*float64(i)/float64(n-1))
			eyelets = append(eyelets, pt{q.x - 0.07, q.y + 0.01})
			tops = append(tops, pt{q.x + 0.01, q.y})
			continue
		}
		q := vamp(0.03 + 0.3*float64(i)/float64(n-1))
		eyelets = append(eyelets, pt{q.x - 0.02, q.y + 0.075})
		tops = append(tops, pt{q.x + 0.02, q.y + 0.005})
	}
	// The lace facing: a panel along the eyelets.
	face := s.P().M(tops[0].x, tops[0].y)
	for _, e := range tops[1:] {
		face.L(e.x, e.y)
	}
	for i := n - 1; i >= 0; i-- {
		face.L(eyelets[i].x-0.04, eyelets[i].y+0.04)
	}
	s.stroke(face.Z(), 0.01, 0.02, p.accent)
	for i := range n {
		e := eyelets[i]
		if i+1 < n {
			s.stroke(s.P().M(e.x, e.y).L(tops[i+1].x, tops[i+1].y), 0.03, 0, shade(p.accent, 0.85))
		}
		s.fill(s.P().Ell(e.x, e.y, 0.022, 0.022), flatLit, shade(p.second, 0.5))
		s.fill(s.P().Ell(e.x, e.y, 0.011, 0.011), flatLit, mix(p.accent, p.main, 0.3))
	}
	b := tops[0]
	s.stroke(s.P().Ell(b.x-0.08, b.y-0.03, 0.08, 0.035), 0.026, 0, p.accent)
	s.stroke(s.P().M(b.x, b.y).Q(b.x-0.05, b.y+0.1, b.x-0.12, b.y+0.16).M(b.x, b.y).Q(b.x+0.02, b.y+0.1, b.x-0.02, b.y+0.2), 0.026, 0, p.accent)
}

func drawSandal(s *scene, p palette) {
	t, hh := 0.1, 0.04
	top := -t - hh
	dark := shade(p.main, 0.55)
	strap := func(q *path, w float64) {
		s.stroke(q, w+0.02, 0, dark)
		s.stroke(q, w, 0, p.main)
	}
	strap(s.P().M(-0.86, top).Q(-0.9, -0.35, -0.82, -0.52), 0.07)
	strap(s.P().M(-0.85, -0.5).Q(-0.55, -0.56, -0.25, -0.5).Q(-0.2, -0.3, -0.16, -0.12), 0.065)
	arch := func(x0, x1, h float64) *path {
		return s.P().M(x0, -t).C(x0+0.04, -h*1.3, x1-0.04, -h*1.3, x1, -t)
	}
	strap(arch(0.2, 0.7, 0.42), 0.075)
	strap(arch(0.45, 0.95, 0.33), 0.075)
	s.stroke(s.P().M(-0.5, -0.55).L(-0.5, -0.47).M(-0.5, -0.53).L(-0.36, -0.53), 0.018, 0, p.accent)
	s.stroke(s.P().RR(-0.42, -0.57, -0.34, -0.46, 0.01), 0.02, 0, p.accent)
	sole := s.P().M(-0.98, 0).L(0.85, 0).Q(1.08, 0, 1.07, -t*0.6).Q(1.06, -t, 0.85, -t)
	sole.L(0.3, -t).C(0.0, -t, -0.2, top, -0.55, top).L(-0.98, top).Q(-1.03, top/2, -0.98, 0).Z()
	s.fill(sole, diagLit, p.second)
	s.stroke(s.P().M(-0.97, -0.012).L(0.9, -0.012), 0.025, 0, shade(p.second, 0.55))
	s.stroke(s.P().M(-0.95, top+0.02).C(-0.2, top+0.02, 0.05, -t+0.02, 0.3, -t+0.02).L(1.0, -t+0.02), 0.01, 0.02, p.accent)
}

// drawGarment draws clothing laid flat, front view, hem at y = 0.
func drawGarment(s *scene, p palette, kind string) {
	seam := shade(p.main, 0.68)
	stitch := mix(p.main, p.accent, 0.55)
	twill := func(x, y float64) color.RGBA { // fine diagonal weave so cloth doesn't read as plastic
		d := (x + y) * 70
		return shade(p.main, 0.96+0.08*math.Abs(d-math.Floor(d)-0.5))
	}
	body := s.P()
	switch kind {
	case "shirt", "guayabera", "tshirt", "tee":
		body.Sym(0, -1.66, 0.2, -1.8, 0.66, -1.68, 1.08, -1.28, 0.88, -1.1, 0.68, -1.26, 0.7, -0.06, 0.35, 0, 0, 0)
	case "jacket", "hoodie":
		if kind == "hoodie" {
			s.fill(s.P().Ell(0, -1.72, 0.4, 0.2), diagLit, shade(p.main, 0.8))
		}
		body.Sym(0, -1.66, 0.22, -1.8, 0.7, -1.68, 1.12, -0.22, 0.9, -0.16, 0.72, -1.12, 0.73, 0, 0, 0)
	case "dress":
		body.Sym(0, -1.9, 0.17, -2.12, 0.3, -2.12, 0.36, -1.78, 0.31, -1.3, 0.52, -0.7, 0.86, -0.02, 0.4, 0.02, 0, 0.02)
	case "pants":
		body.Sym(0, -2.12, 0.58, -2.12, 0.64, -1.4, 0.6, 0, 0.12, 0, 0.03, -1.3, 0, -1.3)
	default: // apron
		s.stroke(s.P().M(-0.26, -1.92).C(-0.28, -2.3, 0.28, -2.3, 0.26, -1.92), 0.06, 0, p.second)
		s.stroke(s.P().M(-0.6, -1.27).C(-0.8, -1.2, -0.8, -0.9, -0.95, -0.7).M(0.6, -1.27).C(0.8, -1.2, 0.78, -0.95, 0.92, -0.72), 0.06, 0, p.second)
		body.Sym(0, -1.95, 0.29, -1.95, 0.31, -1.35, 0.6, -1.3, 0.64, -0.02, 0, 0)
	}
	if kind == "dress" {
		s.fillPat(body, diagLit, func(x, y float64) color.RGBA {
			gx, gy := x*9-math.Round(x*9), y*9-math.Round(y*9)
			if gx*gx+gy*gy < 0.05 {
				return p.accent
			}
			return twill(x, y)
		})
	} else {
		s.fillPat(body, diagLit, twill)
	}
	s.stroke(body, 0.008, 0, seam)
	hem := func(y, w float64) { s.stroke(s.P().M(-w, y).L(w, y), 0.008, 0.025, stitch) }
	both := func(f func(m float64)) { f(1); f(-1) } // draws a detail on both sides
	switch kind {
	case "shirt", "guayabera", "tshirt", "tee":
		both(func(m float64) {
			s.stroke(s.P().M(0.7*m, -1.64).L(0.69*m, -1.28), 0.008, 0, seam)
			s.stroke(s.P().M(1.02*m, -1.32).L(0.83*m, -1.14), 0.008, 0.025, stitch)
		})
		hem(-0.06, 0.68)
		if kind == "tshirt" || kind == "tee" {
			s.fill(s.P().M(-0.2, -1.8).Q(0, -1.58, 0.2, -1.8).Q(0, -1.74, -0.2, -1.8).Z(), flatLit, shade(p.main, 0.7))
			s.stroke(s.P().M(-0.2, -1.8).Q(0, -1.58, 0.2, -1.8), 0.045, 0, shade(p.main, 0.88))
			if kind == "tee" {
				return
			}
			s.stroke(s.P().Ell(0, -1.12, 0.2, 0.2), 0.03, 0, p.accent)
			s.stroke(s.P().M(-0.11, -1.12).Q(-0.05, -1.22, 0, -1.12).Q(0.05, -1.22, 0.11, -1.12), 0.025, 0, p.accent)
			s.stroke(s.P().M(-0.16, -0.82).L(0.16, -0.82), 0.035, 0, p.accent)
			return
		}
		s.fill(s.P().M(-0.2, -1.8).Q(0, -1.76, 0.2, -1.8).L(0, -1.58).Z(), flatLit, shade(p.main, 0.55))
		both(func(m float64) {
			wing := s.P().M(0.2*m, -1.8).L(0, -1.58).L(0.3*m, -1.5).Z()
			s.fill(wing, diagLit, shade(p.main, 1.1))
			s.stroke(wing, 0.007, 0, seam)
			s.stroke(s.P().M(0.04*m, -1.58).L(0.04*m, -0.04), 0.006, 0, seam)
		})
		for y := -1.45; y < -0.1; y += 0.27 {
			s.fill(s.P().Ell(0, y, 0.024, 0.024), diagLit, p.accent)
		}
		s.stroke(s.P().RR(0.2, -1.4, 0.46, -1.1, 0.02), 0.008, 0.022, stitch)
		if kind == "guayabera" { // the pleats (alforzas) and lower pockets that make it one
			both(func(m float64) {
				s.stroke(s.P().M(0.3*m, -1.45).L(0.3*m, -0.25).M(0.38*m, -1.45).L(0.38*m, -0.25), 0.006, 0, seam)
				s.stroke(s.P().RR(0.18*m, -0.62, 0.5*m, -0.3, 0.02), 0.008, 0.022, stitch)
			})
		}
	case "jacket":
		s.stroke(s.P().M(0, -1.66).L(0, 0), 0.01, 0, seam)
		s.fill(s.P().M(-0.22, -1.8).L(0, -1.66).L(0.22, -1.8).L(0.34, -1.6).L(0, -1.46).L(-0.34, -1.6).Z(), diagLit, shade(p.main, 0.9))
		for y := -1.35; y < -0.15; y += 0.28 {
			s.fill(s.P().Ell(0.06, y, 0.028, 0.028), flatLit, p.accent)
		}
		both(func(m float64) {
			x := 0.38 * m
			s.fill(s.P().M(x-0.17, -1.3).L(x+0.17, -1.3).L(x+0.17, -1.16).L(x, -1.08).L(x-0.17, -1.16).Z(), diagLit, shade(p.main, 0.92))
			s.stroke(s.P().M(x-0.15, -1.26).L(x+0.15, -1.26), 0.008, 0.022, p.accent)
			s.stroke(s.P().M(1.1*m, -0.38).L(0.9*m, -0.32), 0.008, 0.025, p.accent)
		})
		hem(-0.14, 0.72)
	case "hoodie":
		s.stroke(s.P().M(0, -1.66).L(0, 0), 0.014, 0, p.second)
		s.stroke(s.P().M(-0.09, -1.64).Q(-0.11, -1.35, -0.08, -1.2).M(0.09, -1.64).Q(0.11, -1.35, 0.08, -1.2), 0.018, 0, p.accent)
		s.fill(s.P().M(-0.42, -0.62).L(0.42, -0.62).L(0.56, -0.16).L(-0.56, -0.16).Z(), diagLit, shade(p.main, 0.95))
		s.stroke(s.P().M(-0.42, -0.62).L(-0.56, -0.16).M(0.42, -0.62).L(0.56, -0.16), 0.008, 0.025, stitch)
		s.fill(s.P().RR(-0.73, -0.14, 0.73, 0, 0.01), diagLit, shade(p.main, 0.88))
	case "dress":
		s.fill(s.P().M(-0.31, -1.33).L(0.31, -1.33).L(0.33, -1.22).L(-0.33, -1.22).Z(), diagLit, p.second)
		s.stroke(s.P().M(-0.17, -2.1).L(0, -1.85).L(0.17, -2.1), 0.02, 0, shade(p.main, 0.8))
		hem(-0.05, 0.82)
	case "pants":
		s.fill(s.P().RR(-0.58, -2.12, 0.58, -1.98, 0.01), diagLit, shade(p.main, 0.9))
		s.stroke(s.P().M(0.02, -1.98).L(0.02, -1.55).Q(0.02, -1.45, 0.14, -1.5).L(0.14, -1.98), 0.008, 0.022, p.accent)
		both(func(m float64) {
			s.stroke(s.P().M(0.32*m, -1.98).Q(0.38*m, -1.7, 0.62*m, -1.65), 0.01, 0, seam)
			s.stroke(s.P().M(0.34*m, -1.5).L(0.34*m, -0.05), 0.006, 0, shade(p.main, 0.85))
		})
		for _, x := range []float64{-0.45, -0.12, 0.45} {
			s.fill(s.P().RR(x-0.025, -2.15, x+0.025, -1.94, 0.01), diagLit, shade(p.main, 0.85))
		}
	default: // apron
		s.fill(s.P().RR(-0.42, -0.98, 0.42, -0.55, 0.03), diagLit, p.second)
		s.stroke(s.P().M(0, -0.98).L(0, -0.55), 0.008, 0.022, p.accent)
		s.stroke(s.P().RR(-0.4, -0.96, 0.4, -0.57, 0.03), 0.008, 0.022, p.accent)
		s.stroke(s.P().M(-0.27, -1.9).L(0.27, -1.9), 0.008, 0.022, p.accent)
		hem(-0.05, 0.62)
	}
}

func drawCap(s *scene, p palette) {
	crown := s.P().M(-0.8, 0).C(-0.86, -0.55, -0.45, -0.82, 0, -0.82).C(0.42, -0.82, 0.66, -0.52, 0.64, -0.06).Q(0, 0.03, -0.8, 0).Z()
	s.fill(crown, domeLit, p.main)
	seam := shade(p.main, 0.7)
	s.stroke(s.P().M(0.02, -0.81).C(0.22, -0.68, 0.3, -0.36, 0.28, -0.03).M(0, -0.81).C(-0.2, -0.64, -0.3, -0.34, -0.3, -0.01), 0.01, 0, seam)
	s.stroke(s.P().M(0.06, -0.79).C(0.26, -0.66, 0.34, -0.36, 0.32, -0.03), 0.008, 0.02, mix(p.main, p.accent, 0.5))
	s.fill(s.P().Ell(0.01, -0.82, 0.06, 0.025), diagLit, p.second)
	s.fill(s.P().Ell(0.44, -0.42, 0.1, 0.12), diagLit, p.accent)
	s.stroke(s.P().M(0.38, -0.42).Q(0.44, -0.53, 0.5, -0.42).Q(0.44, -0.31, 0.38, -0.42), 0.02, 0, p.second)
	s.stroke(s.P().M(-0.8, -0.02).Q(0, 0.07, 0.3, 0.02), 0.03, 0, shade(p.main, 0.6))
	brim := s.P().M(0.1, -0.1).C(0.5, -0.3, 1.0, -0.24, 1.2, -0.06).C(1.02, 0.05, 0.5, 0.05, 0.1, 0).Z()
	s.fill(brim, diagLit, p.second)
	s.stroke(s.P().M(1.2, -0.06).C(1.02, 0.05, 0.5, 0.05, 0.1, 0), 0.025, 0, shade(p.second, 0.6))
	for i := range 3 {
		o := float64(i) * 0.03
		s.stroke(s.P().M(0.2, -0.13+o).C(0.55, -0.29+o, 0.95, -0.22+o, 1.1, -0.06+o/2), 0.007, 0.02, mix(p.second, p.accent, 0.5))
	}
}

// drawBag draws a structured handbag with a flap, or a canvas tote.
func drawBag(s *scene, p palette, tote bool) {
	dark := shade(p.main, 0.6)
	stitch := p.accent
	if tote {
		for _, dx := range []float64{0.05, 0} {
			s.stroke(s.P().M(-0.34+dx, -1.15).C(-0.38+dx, -2.05, 0.38+dx, -2.05, 0.34+dx, -1.15), 0.055, 0, shade(p.second, 1-dx*4))
		}
		body := s.P().M(-0.72, -1.2).L(0.72, -1.2).L(0.78, 0).L(-0.78, 0).Z()
		s.fillPat(body, diagLit, func(x, y float64) color.RGBA {
			d := x*80 - math.Floor(x*80) + y*80 - math.Floor(y*80)
			return shade(p.main, 0.96+0.04*d)
		})
		s.fill(s.P().M(-0.77, -0.16).L(0.77, -0.16).L(0.78, 0).L(-0.78, 0).Z(), diagLit, p.second)
		s.stroke(s.P().M(-0.71, -1.12).L(0.71, -1.12), 0.008, 0.022, shade(p.main, 0.7))
		s.stroke(s.P().Ell(0, -0.68, 0.24, 0.24), 0.03, 0, p.accent)
		s.stroke(s.P().M(-0.14, -0.68).Q(-0.07, -0.8, 0, -0.68).Q(0.07, -0.8, 0.14, -0.68).M(-0.16, -0.36).L(0.16, -0.36), 0.028, 0, p.accent)
		return
	}
	s.stroke(s.P().M(-0.32, -1.02).C(-0.36, -1.72, 0.36, -1.72, 0.32, -1.02), 0.075, 0, dark)
	s.stroke(s.P().M(-0.36, -1.02).C(-0.4, -1.66, 0.4, -1.66, 0.36, -1.02), 0.065, 0, p.main)
	s.fill(s.P().M(0.72, -1.05).L(0.84, -0.98).L(0.97, -0.1).Q(0.96, 0, 0.86, -0.02).Z(), diagLit, dark)
	body := s.P().M(-0.72, -1.05).L(0.72, -1.05).L(0.85, -0.12).Q(0.86, 0, 0.72, 0).L(-0.72, 0).Q(-0.86, 0, -0.85, -0.12).Z()
	s.fill(body, diagLit, p.main)
	s.stroke(s.P().M(-0.68, -1.0).L(-0.8, -0.1).Q(-0.8, -0.05, -0.72, -0.05).L(0.72, -0.05).Q(0.8, -0.05, 0.8, -0.1).L(0.68, -1.0), 0.008, 0.022, stitch)
	for _, x := range []float64{-0.36, 0.36} {
		s.fill(s.P().RR(x-0.06, -1.12, x+0.06, -0.94, 0.02), diagLit, shade(p.main, 0.85))
		s.fill(s.P().Ell(x, -1.0, 0.018, 0.018), flatLit, p.accent)
	}
	flap := s.P().M(-0.74, -1.06).L(0.74, -1.06).L(0.77, -0.6).Q(0, -0.4, -0.77, -0.6).Z()
	s.fill(flap, diagLit, shade(p.main, 1.06))
	s.stroke(s.P().M(-0.7, -1.02).L(-0.72, -0.63).Q(0, -0.45, 0.72, -0.63).L(0.7, -1.02), 0.008, 0.022, stitch)
	s.fill(s.P().RR(-0.09, -0.6, 0.09, -0.44, 0.03), diagLit, p.second)
	s.fill(s.P().RR(-0.05, -0.56, 0.05, -0.48, 0.02), flatLit, shade(p.second, 0.6))
}

// drawMochila draws a woven Wayuu-style mochila with its long strap.
func drawMochila(s *scene, p palette) {
	strap := func() *path { return s.P().M(-0.62, -1.4).C(-0.75, -2.6, 0.75, -2.6, 0.62, -1.4) }
	s.stroke(strap(), 0.11, 0, p.second)
	s.stroke(strap(), 0.08, 0, p.accent)
	s.stroke(strap(), 0.02, 0.04, p.extra)
	body := s.P().M(-0.68, -1.45).L(0.68, -1.45).C(0.76, -0.8, 0.8, -0.2, 0.64, 0).L(-0.64, 0).C(-0.8, -0.2, -0.76, -0.8, -0.68, -1.45).Z()
	bands := []color.RGBA{p.second, p.accent, p.extra}
	s.fillPat(body, roundLit, func(x, y float64) color.RGBA {
		r := (y + 1.45) / 0.2
		row, v := math.Floor(r), r-math.Floor(r)
		zig := math.Abs(x*3.5-math.Floor(x*3.5)-0.5) * 2 // triangle wave across the bag
		c := p.main
		switch int(row) % 3 {
		case 1:
			if math.Abs(v-0.5) < zig*0.45 {
				c = bands[int(row/3)%3]
			}
		case 2:
			if v > zig*0.9 {
				c = bands[(int(row/3)+1)%3]
			}
		}
		stitch := math.Abs(x*60 - math.Floor(x*60) - 0.5) // the crochet stitches
		return shade(c, 0.93+0.12*stitch)
	})
	s.fill(s.P().Ell(0, -1.45, 0.68, 0.045), flatLit, shade(p.main, 0.5))
	s.stroke(s.P().M(-0.68, -1.42).Q(0, -1.36, 0.68, -1.42), 0.03, 0, p.second)
	for i, dx := range []float64{0, 0.06} {
		s.stroke(s.P().M(0.45+dx, -1.4).C(0.75+dx, -1.42, 0.86+dx, -1.15, 0.84+dx, -0.8+float64(i)*0.06), 0.02, 0, p.second)
		x, y := 0.84+dx, -0.8+float64(i)*0.06
		s.fill(s.P().M(x, y).C(x-0.07, y+0.1, x-0.06, y+0.28, x, y+0.3).C(x+0.06, y+0.28, x+0.07, y+0.1, x, y).Z(), diagLit, bands[i+1])
	}
}

func drawBackpack(s *scene, p palette) {
	dark := shade(p.main, 0.6)
	s.stroke(s.P().M(-0.15, -1.72).C(-0.15, -1.95, 0.15, -1.95, 0.15, -1.72), 0.05, 0, dark)
	s.fill(s.P().RR(-0.7, -1.45, -0.55, -0.2, 0.05), diagLit, dark)
	s.fill(s.P().RR(0.55, -1.45, 0.7, -0.2, 0.05), diagLit, dark)
	body := s.P().M(-0.6, -1.3).C(-0.6, -1.7, -0.45, -1.78, 0, -1.78).C(0.45, -1.78, 0.6, -1.7, 0.6, -1.3).L(0.62, -0.12).Q(0.62, 0, 0.5, 0).L(-0.5, 0).Q(-0.62, 0, -0.62, -0.12).Z()
	s.fill(body, roundLit, p.main)
	s.fill(s.P().RR(-0.46, -0.78, 0.46, -0.1, 0.1), roundLit, p.second)
	s.stroke(s.P().RR(-0.43, -0.75, 0.43, -0.13, 0.08), 0.008, 0.022, p.accent)
	flap := s.P().M(-0.56, -1.5).C(-0.5, -1.74, 0.5, -1.74, 0.56, -1.5).L(0.54, -0.98).Q(0.54, -0.88, 0.42, -0.88).L(-0.42, -0.88).Q(-0.54, -0.88, -0.54, -0.98).Z()
	s.fill(flap, roundLit, shade(p.main, 1.05))
	s.stroke(s.P().M(-0.5, -1.5).L(-0.5, -0.98).Q(-0.5, -0.92, -0.42, -0.92).L(0.42, -0.92).Q(0.5, -0.92, 0.5, -0.98).L(0.5, -1.5), 0.008, 0.022, p.accent)
	for _, x := range []float64{-0.25, 0.25} {
		s.fill(s.P().RR(x-0.055, -1.1, x+0.055, -0.6, 0.02), diagLit, dark)
		s.stroke(s.P().RR(x-0.08, -0.74, x+0.08, -0.6, 0.01), 0.022, 0, p.accent)
	}
}

// drawWallet draws a closed billfold, or a card holder with a card showing,
// seen from above.
func drawWallet(s *scene, p palette, cards bool) {
	if cards {
		s.fill(s.P().RR(-0.62, -1.0, 0.62, 0, 0.06), diagLit, p.main)
		s.fill(s.P().RR(-0.46, -0.95, 0.46, -0.35, 0.04), diagLit, p.accent)
		s.stroke(s.P().M(-0.3, -0.8).L(0.1, -0.8).M(-0.3, -0.7).L(-0.05, -0.7), 0.03, 0, shade(p.accent, 0.8))
		for i, y := range []float64{-0.7, -0.45} {
			pocket := s.P().M(-0.62, y).Q(0, y+0.08, 0.62, y).L(0.62, -0.06).Q(0.62, 0, 0.56, 0).L(-0.56, 0).Q(-0.62, 0, -0.62, -0.06).Z()
			s.fill(pocket, diagLit, shade(p.main, 0.92+0.1*float64(i)))
			s.stroke(s.P().M(-0.58, y+0.04).Q(0, y+0.12, 0.58, y+0.04), 0.008, 0.02, p.second)
		}
		s.stroke(s.P().RR(-0.58, -0.96, 0.58, -0.04, 0.05), 0.008, 0.02, p.second)
		return
	}
	// An open billfold: card slots on the left half, a pocket on the right.
	s.fill(s.P().RR(-0.95, -1.08, 0.95, 0, 0.07), diagLit, shade(p.main, 0.9))
	for i, y := range []float64{-0.8, -0.6, -0.4} {
		s.fill(s.P().RR(-0.8, y-0.1, -0.16, y+0.05, 0.02), diagLit, []color.RGBA{p.accent, p.second, p.extra}[i])
		slot := s.P().M(-0.88, y).Q(-0.47, y+0.05, -0.07, y).L(-0.07, -0.07).L(-0.88, -0.07).Z()
		s.fill(slot, diagLit, shade(p.main, 0.95+0.05*float64(i)))
		s.stroke(s.P().M(-0.86, y+0.03).Q(-0.47, y+0.08, -0.09, y+0.03), 0.008, 0.02, p.accent)
	}
	s.fill(s.P().RR(0.07, -0.72, 0.88, -0.07, 0.03), diagLit, shade(p.main, 1.05))
	s.stroke(s.P().RR(0.1, -0.69, 0.85, -0.1, 0.03), 0.008, 0.02, p.accent)
	s.stroke(s.P().M(0, -1.08).L(0, 0), 0.014, 0, shade(p.main, 0.6))
	s.stroke(s.P().RR(-0.91, -1.04, 0.91, -0.04, 0.05), 0.009, 0.022, p.accent)
}

func drawBelt(s *scene, p palette) {
	strap := s.P().M(-1.0, -0.36).L(1.15, -0.36).L(1.3, -0.25).L(1.15, -0.14).L(-1.0, -0.14).Z()
	s.fill(strap, diagLit, p.main)
	s.stroke(s.P().M(-0.95, -0.33).L(1.12, -0.33).L(1.25, -0.25).M(-0.95, -0.17).L(1.12, -0.17).L(1.25, -0.25), 0.008, 0.022, p.accent)
	for i := range 5 {
		s.fill(s.P().Ell(0.55+float64(i)*0.11, -0.25, 0.018, 0.018), flatLit, shade(p.main, 0.35))
	}
	s.fill(s.P().RR(-0.92, -0.4, -0.82, -0.1, 0.01), diagLit, shade(p.main, 0.85))
	s.stroke(s.P().RR(-1.28, -0.46, -1.02, -0.04, 0.06), 0.045, 0, p.second)
	s.stroke(s.P().M(-1.28, -0.25).L(-0.98, -0.25), 0.025, 0, shade(p.second, 0.85))
}

// drawBowl draws a glazed ceramic bowl with a painted band.
func drawBowl(s *scene, p palette) {
	body := s.P().M(-1, -0.78).C(-0.98, -0.3, -0.55, -0.04, -0.34, -0.04).L(0.34, -0.04).C(0.55, -0.04, 0.98, -0.3, 1, -0.78).Z()
	s.fill(s.P().RR(-0.34, -0.1, 0.34, 0, 0.02), roundLit, shade(p.second, 0.9))
	s.fill(body, roundLit, p.main)
	s.stroke(s.P().M(-0.92, -0.56).C(-0.5, -0.38, 0.5, -0.38, 0.92, -0.56), 0.05, 0, p.accent)
	for i := range 9 {
		x := -0.64 + float64(i)*0.16
		y := -0.36 - 0.14*(x*x)
		s.fill(s.P().Ell(x, y, 0.025, 0.02), flatLit, p.extra)
	}
	s.fillPat(s.P().Ell(0, -0.78, 1, 0.2), flatLit, func(x, y float64) color.RGBA {
		return shade(p.second, 0.75+0.35*smoothstep(-0.98, -0.6, y))
	})
	s.stroke(s.P().Ell(0, -0.78, 0.99, 0.195), 0.025, 0, shade(p.main, 1.12))
}

// drawBasket draws a woven fique basket with a braided rim and handles.
func drawBasket(s *scene, p palette) {
	for _, x := range []float64{-0.95, 0.95} {
		s.stroke(s.P().M(x*0.86, -1.05).C(x*1.15, -1.05, x*1.12, -1.5, x*0.78, -1.3), 0.06, 0, shade(p.main, 0.8))
	}
	body := s.P().M(-1, -1.2).L(1, -1.2).L(0.82, -0.08).Q(0.8, 0, 0.7, 0).L(-0.7, 0).Q(-0.8, 0, -0.82, -0.08).Z()
	s.fillPat(body, roundLit, func(x, y float64) color.RGBA {
		r, c := (y+1.2)/0.1, x/0.13
		ri, ci := math.Floor(r), math.Floor(c)
		over := (int(ri)+int(ci))&1 == 0
		col := p.main
		if int(ri)%6 == 2 || int(ri)%6 == 3 {
			col = p.second // dyed strands
		}
		f := r - ri
		if !over {
			f = c - ci
		}
		shadeF := 0.78 + 0.32*math.Sin(math.Pi*f)
		if !over {
			shadeF *= 0.9
		}
		return shade(col, shadeF)
	})
	s.fill(s.P().Ell(0, -1.2, 1, 0.14), flatLit, shade(p.main, 0.45))
	rim := s.P().M(-1, -1.2).C(-0.9, -1.02, 0.9, -1.02, 1, -1.2)
	s.stroke(rim, 0.09, 0, shade(p.main, 0.9))
	s.stroke(rim, 0.07, 0.03, shade(p.main, 1.1))
}

// drawCushion draws a plump square cushion with a stitched motif.
func drawCushion(s *scene, p palette) {
	out := s.P().M(-0.92, -1.8).Q(0, -1.68, 0.92, -1.8).Q(0.8, -0.9, 0.92, 0).Q(0, -0.12, -0.92, 0).Q(-0.8, -0.9, -0.92, -1.8).Z()
	s.fillPat(out, domeLit, func(x, y float64) color.RGBA {
		if math.Abs(math.Mod(math.Abs(x)+10, 0.32)-0.16) < 0.035 {
			return p.second
		}
		return p.main
	})
	s.stroke(out, 0.035, 0, p.second)
	cy := -0.9
	for i := range 8 {
		a := float64(i) * math.Pi / 4
		sn, cs := math.Sincos(a)
		s.fill(s.P().Ell(0.2*cs, cy+0.2*sn, 0.1, 0.1), diagLit, p.accent)
	}
	s.fill(s.P().Ell(0, cy, 0.13, 0.13), diagLit, p.extra)
	s.stroke(s.P().RR(-0.5, cy-0.5, 0.5, cy+0.5, 0.02), 0.012, 0.03, p.accent)
}

// drawCandle draws a candle in a ceramic cup with a label and a lit wick.
func drawCandle(s *scene, p palette) {
	s.fill(s.P().RR(-0.45, -1.1, 0.45, 0, 0.08), roundLit, p.main)
	s.fill(s.P().RR(-0.45, -0.72, 0.45, -0.34, 0), roundLit, p.accent)
	s.stroke(s.P().M(-0.25, -0.56).L(0.25, -0.56).M(-0.15, -0.46).L(0.15, -0.46), 0.025, 0, shade(p.accent, 0.55))
	s.fill(s.P().Ell(0, -1.1, 0.45, 0.09), flatLit, shade(p.main, 1.1))
	s.fill(s.P().Ell(0, -1.08, 0.4, 0.075), flatLit, p.second)
	s.stroke(s.P().M(0, -1.08).L(0, -1.2), 0.018, 0, rgb(0x2b2522))
	s.fillPat(s.P().Ell(0, -1.33, 0.28, 0.28), flatLit, func(x, y float64) color.RGBA {
		d := math.Hypot(x, (y+1.33)*1.2) / 0.28
		return alpha(rgb(0xffd27a), 0.35*(1-d)*(1-d))
	})
	flame := s.P().M(0, -1.5).C(0.07, -1.38, 0.07, -1.22, 0, -1.2).C(-0.07, -1.22, -0.07, -1.38, 0, -1.5).Z()
	s.fill(flame, diagLit, rgb(0xffb547))
	s.fill(s.P().Ell(0, -1.26, 0.025, 0.05), flatLit, rgb(0xfff2c8))
}

// drawBread draws a scored sourdough loaf dusted with flour.
func drawBread(s *scene, p palette) {
	loaf := s.P().M(-1, -0.02).C(-1.06, -0.55, -0.6, -0.8, 0, -0.8).C(0.6, -0.8, 1.06, -0.55, 1, -0.02).Q(0, 0.03, -1, -0.02).Z()
	s.fillPat(loaf, domeLit, func(x, y float64) color.RGBA {
		return mix(p.main, p.second, smoothstep(-0.1, -0.7, y)*0.6)
	})
	for i := range 3 {
		x := -0.45 + float64(i)*0.42
		cut := s.P().M(x-0.22, -0.46).Q(x, -0.68, x+0.24, -0.66).Q(x+0.02, -0.52, x-0.22, -0.46).Z()
		s.fill(cut, diagLit, p.accent)
		s.stroke(s.P().M(x-0.22, -0.46).Q(x, -0.68, x+0.24, -0.66), 0.02, 0, shade(p.second, 0.8))
	}
	for range 70 {
		x, y := s.rng.Float64()*1.6-0.8, -0.2-s.rng.Float64()*0.5
		if x*x+(y+0.4)*(y+0.4)*2.5 < 0.6 {
			s.fill(s.P().Ell(x, y, 0.012, 0.01), flatLit, alpha(rgb(0xfaf4e8), 0.8))
		}
	}
}

// drawCookies draws a small stack of oat cookies.
func drawCookies(s *scene, p palette) {
	cookie := func(x, y float64) {
		s.fill(s.P().Ell(x, y, 0.55, 0.14), flatLit, shade(p.main, 0.7))
		s.fill(s.P().RR(x-0.55, y-0.1, x+0.55, y, 0), roundLit, shade(p.main, 0.85))
		s.fill(s.P().Ell(x, y-0.1, 0.55, 0.14), domeLit, p.main)
	}
	y := -0.14
	for i := range 4 {
		x := []float64{0, 0.04, -0.03, 0.02}[i]
		cookie(x, y)
		y -= 0.12
	}
	for range 26 {
		a, r := s.rng.Float64()*2*math.Pi, math.Sqrt(s.rng.Float64())*0.45
		sn, cs := math.Sincos(a)
		c := p.second
		if s.rng.IntN(3) == 0 {
			c = p.accent
		}
		s.fill(s.P().Ell(0.02+r*cs, y+0.02+r*sn*0.24, 0.03, 0.015), flatLit, c)
	}
}

// drawJar draws a jar of preserves with a cloth-topped lid and label.
func drawJar(s *scene, p palette) {
	s.fill(s.P().RR(-0.5, -1.12, 0.5, 0, 0.12), roundLit, shade(p.main, 0.9))
	s.fill(s.P().RR(-0.46, -1.0, 0.46, -0.04, 0.1), roundLit, p.main)
	s.fill(s.P().RR(-0.36, -0.98, -0.28, -0.1, 0.04), flatLit, alpha(rgb(0xffffff), 0.3))
	s.fill(s.P().RR(-0.4, -0.78, 0.4, -0.32, 0.03), diagLit, rgb(0xf6efe0))
	s.stroke(s.P().RR(-0.36, -0.74, 0.36, -0.36, 0.02), 0.012, 0, p.accent)
	s.stroke(s.P().M(-0.22, -0.6).L(0.22, -0.6).M(-0.14, -0.5).L(0.14, -0.5), 0.028, 0, shade(p.accent, 0.8))
	s.fill(s.P().RR(-0.46, -1.3, 0.46, -1.1, 0.03), roundLit, p.second)
	s.fill(s.P().M(-0.5, -1.27).Q(0, -1.42, 0.5, -1.27).L(0.58, -1.05).Q(0, -0.98, -0.58, -1.05).Z(), diagLit, p.extra)
	s.stroke(s.P().M(-0.5, -1.1).Q(0, -1.04, 0.5, -1.1), 0.025, 0, p.accent)
}

// drawBox is the fallback for kinds without a drawing: a wrapped gift box.
func drawBox(s *scene, p palette) {
	s.fill(s.P().RR(-0.8, -1.1, 0.8, 0, 0.03), diagLit, p.main)
	s.fill(s.P().RR(-0.86, -1.2, 0.86, -0.95, 0.03), diagLit, shade(p.main, 1.08))
	s.fill(s.P().RR(-0.09, -1.2, 0.09, 0, 0), diagLit, p.accent)
}
