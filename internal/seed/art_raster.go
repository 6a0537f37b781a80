package seed

// The drawing surface: object-to-pixel transforms, outline paths built
// from object-unit commands, lighting, and anti-aliased fills and strokes.

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/vector"
)

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
