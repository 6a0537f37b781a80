package seed

// The studio around the object: backdrop sweep, plinth, contact and drop
// shadows, and compositing the object layer over the backdrop.

import (
	"image"
	"image/color"
	"math"
)

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
