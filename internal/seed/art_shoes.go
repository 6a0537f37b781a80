package seed

// Footwear drawings (the kinds in data_shoes.go).

import (
	"image/color"
	"math"
)

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
