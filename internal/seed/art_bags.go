package seed

// Bags and accessories (the kinds in data_bags.go).

import (
	"image/color"
	"math"
)

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
