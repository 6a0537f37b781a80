package studio

import (
	"math"
	"strconv"
	"time"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/ledger"
)

// Chart is a bar chart drawn on the server as inline SVG (the pages run no script):
// one bar per month, net sales, the month being read marked. Coordinates are in the
// viewBox's units; the SVG scales to the width of the page. Its Title and Desc name it
// for screen readers, and the months table beside it holds every number.
type Chart struct {
	ID          string
	Title, Desc string
	Width       int
	Height      int
	ZeroY       int
	Bars        []Bar
	MaxLabel    string // the top of the scale, written at the top left
	MaxY        int
}

// Bar is one month.
type Bar struct {
	X, Y, W, H int
	LabelX     int
	Label      string // short month ("mar")
	Title      string // "marzo de 2026: $ 500.000" (a tooltip)
	Current    bool
	Negative   bool
}

// The chart's geometry, in viewBox units: narrow enough that the month labels stay
// legible when the SVG shrinks to a 360 px phone.
const (
	chartW      = 360
	chartH      = 200
	chartTop    = 24
	chartBottom = 172
	chartLeft   = 4
)

// netChart draws a workshop's net sales per month (ms oldest first).
func (h *Handler) netChart(lang string, w catalog.Workshop, ms []ledger.MonthTotal, current time.Time) Chart {
	ch := Chart{ID: "chart-" + strconv.FormatInt(w.ID, 10), Width: chartW, Height: chartH, MaxY: chartTop - 8}
	cur := h.Ledger.Options().Currency
	ch.Title = h.T(lang, "statements.chart.title", w.Name)
	if len(ms) == 0 {
		ch.Desc = h.T(lang, "statements.chart.empty")
		ch.ZeroY = chartBottom
		return ch
	}
	hi, lo := int64(0), int64(0)
	best := ms[0]
	for _, m := range ms {
		hi, lo = max(hi, m.Net), min(lo, m.Net)
		if m.Net > best.Net {
			best = m
		}
	}
	if hi == lo {
		hi = 1
	}
	y := func(v int64) int {
		return chartTop + int(math.Round(float64(hi-v)/float64(hi-lo)*float64(chartBottom-chartTop)))
	}
	ch.ZeroY = y(0)
	ch.MaxLabel = fmtMoney(hi, cur, lang)
	if hi == 1 {
		ch.MaxLabel = fmtMoney(0, cur, lang)
	}
	slot := (chartW - chartLeft) / len(ms)
	for i, m := range ms {
		top, bottom := y(max(m.Net, 0)), y(min(m.Net, 0))
		b := Bar{X: chartLeft + i*slot + slot/6, W: slot - slot/3, Y: top, H: max(bottom-top, 0),
			LabelX: chartLeft + i*slot + slot/2, Label: h.T(lang, "statements.month_short."+strconv.Itoa(int(m.Month.Month()))),
			Title:   h.T(lang, "statements.chart.bar", h.monthLabel(lang, m.Month), fmtMoney(m.Net, cur, lang)),
			Current: !current.IsZero() && m.Month.Equal(current), Negative: m.Net < 0}
		if b.H == 0 && m.Net != 0 {
			b.H = 1
		}
		ch.Bars = append(ch.Bars, b)
	}
	first, last := ms[0].Month, ms[len(ms)-1].Month
	ch.Desc = h.T(lang, "statements.chart.desc", h.monthLabel(lang, first), h.monthLabel(lang, last),
		h.monthLabel(lang, best.Month), fmtMoney(best.Net, cur, lang))
	return ch
}
