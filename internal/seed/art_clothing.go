package seed

// Clothing laid flat (the kinds in data_clothing.go, and aprons).

import (
	"image/color"
	"math"
)

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
