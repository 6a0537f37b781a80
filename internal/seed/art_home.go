package seed

// Home goods and bakery (the kinds in data_home.go), plus the gift box
// fallback for unknown kinds.

import (
	"image/color"
	"math"
)

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
